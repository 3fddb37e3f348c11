namespace Hybrid.NN;

/// <summary>Zeroes elements with probability p while training, scaling the rest by 1/(1−p) (torch.nn.Dropout).</summary>
public sealed class Dropout(double p = 0.5) : Module
{
    public double P { get; } = p is >= 0 and <= 1 ? p : throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {p}");
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training, null!);
    protected override string ExtraRepr() => $"p={Py(P)}, inplace=False";
}

/// <summary>Zeroes whole channels with probability p while training, scaling the rest by 1/(1−p) (torch.nn.Dropout2d).</summary>
public sealed class Dropout2d(double p = 0.5) : Module
{
    public double P { get; } = p is >= 0 and <= 1 ? p : throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {p}");
    public override Tensor Forward(Tensor input) => Functional.Dropout2d(input, P, Training, null!);
    protected override string ExtraRepr() => $"p={Py(P)}, inplace=False";
}

/// <summary>Merges dims startDim..endDim (torch.nn.Flatten; from dim 1 by default, keeping the batch).</summary>
public sealed class Flatten(int startDim = 1, int endDim = -1) : Module
{
    public override Tensor Forward(Tensor input) => input.Flatten(startDim, endDim);
    protected override string ExtraRepr() => $"start_dim={startDim}, end_dim={endDim}";
}

/// <summary>Returns its input (torch.nn.Identity).</summary>
public sealed class Identity : Module
{
    public override Tensor Forward(Tensor input) => input;
}

/// <summary>A lookup table of numEmbeddings vectors of size embeddingDim, N(0, 1) initialised (torch.nn.Embedding).</summary>
public sealed class Embedding : Module
{
    public Parameter weight;
    public int NumEmbeddings { get; }
    public int EmbeddingDim { get; }

    /// <summary>The row that padding tokens look up: zeros at first, and never trained (null: none).</summary>
    public int? PaddingIdx { get; }

    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null)
    {
        (NumEmbeddings, EmbeddingDim) = (numEmbeddings, embeddingDim);
        if (paddingIdx is { } p)
        {
            if (p < -numEmbeddings || p >= numEmbeddings)
                throw new ArgumentException($"Embedding: Padding_idx must be within num_embeddings ({numEmbeddings}), got {p}");
            PaddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        var initial = Torch.Randn(numEmbeddings, embeddingDim);
        if (PaddingIdx is { } row) initial = initial.MaskedFill(Torch.Arange(numEmbeddings).Eq(row).Unsqueeze(1), 0);
        weight = new Parameter(initial);
    }

    public override Tensor Forward(Tensor input) =>
        PaddingIdx is { } p ? Functional.Embedding(input, weight, p) : Functional.Embedding(input, weight);
    protected override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is { } p ? $", padding_idx={p}" : "");
}
