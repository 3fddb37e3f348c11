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

/// <summary>x limited to [minVal, maxVal] (torch.nn.Hardtanh).</summary>
public sealed class Hardtanh(double minVal = -1.0, double maxVal = 1.0) : Module
{
    public override Tensor Forward(Tensor input) => Functional.Hardtanh(input, minVal, maxVal);
    protected override string ExtraRepr() => $"min_val={Py(minVal)}, max_val={Py(maxVal)}";
}

/// <summary>min(max(x, 0), 6) (torch.nn.ReLU6).</summary>
public sealed class ReLU6 : Module { public override Tensor Forward(Tensor input) => Functional.Relu6(input); }

/// <summary>relu6(x + 3)/6 (torch.nn.Hardsigmoid).</summary>
public sealed class Hardsigmoid : Module { public override Tensor Forward(Tensor input) => Functional.Hardsigmoid(input); }

/// <summary>x·relu6(x + 3)/6 (torch.nn.Hardswish).</summary>
public sealed class Hardswish : Module { public override Tensor Forward(Tensor input) => Functional.Hardswish(input); }

/// <summary>x·tanh(softplus(x)) (torch.nn.Mish).</summary>
public sealed class Mish : Module { public override Tensor Forward(Tensor input) => Functional.Mish(input); }

/// <summary>max(0, x) + a·min(0, x) with learned slopes a, one per channel or a single one, starting at init (torch.nn.PReLU).</summary>
public sealed class PReLU : Module
{
    public Parameter weight;

    public PReLU(int numParameters = 1, double init = 0.25)
    {
        if (numParameters < 1) throw new ArgumentException($"PReLU: num_parameters must be positive, got {numParameters}");
        weight = new Parameter(Torch.Full(new[] { numParameters }, init));
    }

    public override Tensor Forward(Tensor input) => Functional.Prelu(input, weight);
    protected override string ExtraRepr() => $"num_parameters={weight.Shape[0]}";
}
