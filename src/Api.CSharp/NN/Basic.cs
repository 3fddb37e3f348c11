namespace Hybrid.NN;

/// <summary>Zeroes elements with probability p while training, scaling the rest by 1/(1−p) (torch.nn.Dropout).</summary>
public sealed class Dropout(double p = 0.5) : Module
{
    public double P { get; } = p is >= 0 and <= 1 ? p : throw new ArgumentException($"dropout probability has to be between 0 and 1, but got {p}");
    public override Tensor Forward(Tensor input) => Functional.Dropout(input, P, Training, null!);
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

    public Embedding(int numEmbeddings, int embeddingDim)
    {
        (NumEmbeddings, EmbeddingDim) = (numEmbeddings, embeddingDim);
        weight = new Parameter(Torch.Randn(numEmbeddings, embeddingDim));
    }

    public override Tensor Forward(Tensor input) => Functional.Embedding(input, weight);
    protected override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}";
}
