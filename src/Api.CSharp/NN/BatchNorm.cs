namespace Hybrid.NN;

/// <summary>
/// Batch normalisation over every dim but the channel dim 1 (PyTorch's _BatchNorm). Training
/// normalises with the batch mean and biased variance and, with trackRunningStats, updates the
/// running_mean / running_var buffers (unbiased variance) by momentum (a cumulative average
/// when momentum is null) and counts num_batches_tracked; evaluation uses the running statistics.
/// </summary>
public abstract class BatchNormBase : Module
{
    /// <summary>Scale γ of shape (numFeatures), ones at start; null without affine.</summary>
    public Parameter? weight;
    /// <summary>Shift β of shape (numFeatures), zeros at start; null without affine.</summary>
    public Parameter? bias;

    /// <summary>Channels C of an (N, C, *) input.</summary>
    public int NumFeatures { get; }
    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }
    /// <summary>Weight of the new batch in the running averages; null for a cumulative average.</summary>
    public double? Momentum { get; }
    /// <summary>Whether the layer learns weight and bias.</summary>
    public bool Affine { get; }
    /// <summary>Whether the layer keeps running statistics (and uses them in eval mode).</summary>
    public bool TrackRunningStats { get; }

    /// <summary>Registers parameters and buffers as PyTorch does.</summary>
    protected BatchNormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats)
    {
        if (numFeatures <= 0) throw new ArgumentException($"{GetType().Name}: num_features must be positive, got {numFeatures}");
        if (eps < 0) throw new ArgumentException($"{GetType().Name}: eps must be non-negative, got {eps}");
        (NumFeatures, Eps, Momentum, Affine, TrackRunningStats) = (numFeatures, eps, momentum, affine, trackRunningStats);
        if (affine)
        {
            weight = new Parameter(Torch.Ones(numFeatures));
            bias = new Parameter(Torch.Zeros(numFeatures));
        }
        RegisterBuffer("running_mean", trackRunningStats ? Torch.Zeros(numFeatures) : null);
        RegisterBuffer("running_var", trackRunningStats ? Torch.Ones(numFeatures) : null);
        RegisterBuffer("num_batches_tracked", trackRunningStats ? Torch.Tensor(0L) : null);
    }

    /// <summary>The running mean (numFeatures), or null without trackRunningStats.</summary>
    public Tensor? RunningMean => GetBuffer("running_mean");
    /// <summary>The running (unbiased) variance (numFeatures), or null without trackRunningStats.</summary>
    public Tensor? RunningVar => GetBuffer("running_var");
    /// <summary>How many training batches updated the running statistics (Int64 scalar), or null.</summary>
    public Tensor? NumBatchesTracked => GetBuffer("num_batches_tracked");

    /// <summary>Running mean 0, running variance 1, count 0.</summary>
    public void ResetRunningStats()
    {
        if (!TrackRunningStats) return;
        using (Torch.NoGrad())
        {
            RunningMean!.Zero_();
            RunningVar!.Fill_(1);
            NumBatchesTracked!.Zero_();
        }
    }

    /// <summary>Resets the running statistics, weight to ones and bias to zeros.</summary>
    public void ResetParameters()
    {
        ResetRunningStats();
        if (weight is not null) Init.Ones(weight);
        if (bias is not null) Init.Zeros(bias);
    }

    /// <summary>"BatchNorm2d(16)": how messages name the layer.</summary>
    protected string Name => $"{GetType().Name}({NumFeatures})";

    /// <summary>Throws unless the input's rank is one this layer takes.</summary>
    protected abstract void CheckInputDim(Tensor input);

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInputDim(input);
        if (input.Shape[1] != NumFeatures)
            throw new ArgumentException($"{Name}: expected input with {NumFeatures} channels in dim 1 (got {input.Shape[1]} channels, input shape {LayerText.Shape(input.Shape)})");
        var shape = LayerText.ChannelShape(NumFeatures, input.Dim);
        Tensor y;
        if (Training || !TrackRunningStats)
        {
            var count = input.NumEl / NumFeatures;
            if (Training && count <= 1)
                throw new ArgumentException($"{Name}: expected more than 1 value per channel when training (got input of shape {LayerText.Shape(input.Shape)})");
            var dims = LayerText.AllButChannels(input.Dim);
            var mean = input.Mean(dims, keepdim: true);
            var centered = input - mean;
            var variance = (centered * centered).Mean(dims, keepdim: true);
            y = centered * (variance + Eps).Rsqrt();
            if (Training && TrackRunningStats) UpdateRunningStats(mean, variance, count);
        }
        else
        {
            y = (input - RunningMean!.Reshape(shape)) * (RunningVar!.Reshape(shape) + Eps).Rsqrt();
        }
        if (weight is not null) y = y * weight.Reshape(shape);
        if (bias is not null) y = y + bias.Reshape(shape);
        return y;
    }

    void UpdateRunningStats(Tensor mean, Tensor biasedVariance, int count)
    {
        using (Torch.NoGrad())
        {
            var tracked = NumBatchesTracked!;
            tracked.Add_(1);
            var factor = Momentum ?? 1.0 / tracked.ToInt64();
            var batchMean = mean.Detach().Reshape(NumFeatures);
            var unbiased = biasedVariance.Detach().Reshape(NumFeatures) * ((double)count / (count - 1));
            RunningMean!.Copy_(RunningMean! * (1 - factor) + batchMean * factor);
            RunningVar!.Copy_(RunningVar! * (1 - factor) + unbiased * factor);
        }
    }

    /// <inheritdoc />
    protected override string ExtraRepr() =>
        $"{NumFeatures}, eps={Py(Eps)}, momentum={(Momentum is { } m ? Py(m) : "None")}, affine={Py(Affine)}, track_running_stats={Py(TrackRunningStats)}";
}

/// <summary>Batch normalisation of (N, C) or (N, C, L) inputs (torch.nn.BatchNorm1d).</summary>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats)
{
    /// <inheritdoc />
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim != 2 && input.Dim != 3)
            throw new ArgumentException($"{Name}: expected 2D or 3D input (got {input.Dim}D input)");
    }
}

/// <summary>Batch normalisation of (N, C, H, W) inputs (torch.nn.BatchNorm2d).</summary>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats)
{
    /// <inheritdoc />
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim != 4)
            throw new ArgumentException($"{Name}: expected 4D input (got {input.Dim}D input)");
    }
}

/// <summary>Batch normalisation of (N, C, D, H, W) inputs (torch.nn.BatchNorm3d).</summary>
public sealed class BatchNorm3d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats)
{
    /// <inheritdoc />
    protected override void CheckInputDim(Tensor input)
    {
        if (input.Dim != 5)
            throw new ArgumentException($"{Name}: expected 5D input (got {input.Dim}D input)");
    }
}
