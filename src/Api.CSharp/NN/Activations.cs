namespace Hybrid.NN;

public sealed class ReLU : Module { public override Tensor Forward(Tensor input) => input.Relu(); }
public sealed class Sigmoid : Module { public override Tensor Forward(Tensor input) => input.Sigmoid(); }
public sealed class Tanh : Module { public override Tensor Forward(Tensor input) => input.Tanh(); }
public sealed class SiLU : Module { public override Tensor Forward(Tensor input) => input.Silu(); }

/// <summary>GELU (torch.nn.GELU): exact, x·Φ(x), or with approximate "tanh" the tanh form GPT-2 uses.</summary>
public sealed class GELU(string approximate = "none") : Module
{
    public string Approximate { get; } = approximate is "none" or "tanh" ? approximate
        : throw new ArgumentException($"GELU: approximate argument must be either none or tanh, got '{approximate}'");
    public override Tensor Forward(Tensor input) => input.Gelu(Approximate);
    protected override string ExtraRepr() => $"approximate='{Approximate}'";
}

public sealed class LeakyReLU(double negativeSlope = 0.01) : Module
{
    public override Tensor Forward(Tensor input) => input.LeakyRelu(negativeSlope);
    protected override string ExtraRepr() => $"negative_slope={Py(negativeSlope)}";
}

public sealed class ELU(double alpha = 1.0) : Module
{
    public override Tensor Forward(Tensor input) => input.Elu(alpha);
    protected override string ExtraRepr() => $"alpha={Py(alpha)}";
}

public sealed class Softplus(double beta = 1.0, double threshold = 20.0) : Module
{
    public override Tensor Forward(Tensor input) => input.Softplus(beta, threshold);
    protected override string ExtraRepr() => $"beta={Py(beta)}, threshold={Py(threshold)}";
}

public sealed class Softmax(int dim) : Module
{
    public override Tensor Forward(Tensor input) => input.Softmax(dim);
    protected override string ExtraRepr() => $"dim={dim}";
}

public sealed class LogSoftmax(int dim) : Module
{
    public override Tensor Forward(Tensor input) => input.LogSoftmax(dim);
    protected override string ExtraRepr() => $"dim={dim}";
}
