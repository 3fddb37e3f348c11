namespace Hybrid.NN;

/// <summary>
/// Parameter initialisation (torch.nn.init). Each fills a tensor in place, without recording
/// the graph, from the default generator (or the one given), and returns it.
/// </summary>
public static class Init
{
    /// <summary>The recommended gain for a nonlinearity ("linear", "relu", "leaky_relu", "tanh", "sigmoid", "selu").</summary>
    public static double CalculateGain(string nonlinearity, double param = 0.01) => nonlinearity switch
    {
        "linear" or "conv1d" or "conv2d" or "sigmoid" => 1.0,
        "tanh" => 5.0 / 3,
        "relu" => Math.Sqrt(2.0),
        "leaky_relu" => Math.Sqrt(2.0 / (1 + param * param)),
        "selu" => 3.0 / 4,
        _ => throw new ArgumentException($"Unsupported nonlinearity {nonlinearity}"),
    };

    /// <summary>(fan_in, fan_out) of a weight: dims 1 and 0 times the receptive field.</summary>
    public static (int FanIn, int FanOut) CalculateFans(Tensor tensor)
    {
        if (tensor.Dim < 2)
            throw new ArgumentException($"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape {LayerText.Shape(tensor.Shape)})");
        var receptive = tensor.Shape.Skip(2).Aggregate(1, (a, b) => a * b);
        return (tensor.Shape[1] * receptive, tensor.Shape[0] * receptive);
    }

    static Tensor Fill(Tensor tensor, Tensor values)
    {
        using (Torch.NoGrad()) return tensor.Copy_(values);
    }

    /// <summary>U(a, b).</summary>
    public static Tensor Uniform(Tensor tensor, double a = 0, double b = 1, Generator? generator = null) =>
        Fill(tensor, Torch.Rand(tensor.Shape, tensor.DType, generator) * (b - a) + a);

    /// <summary>N(mean, std²).</summary>
    public static Tensor Normal(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null) =>
        Fill(tensor, Torch.Randn(tensor.Shape, tensor.DType, generator) * std + mean);

    public static Tensor Zeros(Tensor tensor) => Fill(tensor, Torch.ZerosLike(tensor));
    public static Tensor Ones(Tensor tensor) => Fill(tensor, Torch.OnesLike(tensor));
    public static Tensor Constant(Tensor tensor, double value) => Fill(tensor, Torch.FullLike(tensor, value));

    /// <summary>He uniform: U(−b, b) with b = gain·√(3/fan), gain from the nonlinearity and a.</summary>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        var bound = Math.Sqrt(3.0) * KaimingStd(tensor, a, mode, nonlinearity);
        return Uniform(tensor, -bound, bound, generator);
    }

    /// <summary>He normal: N(0, std²) with std = gain/√fan.</summary>
    public static Tensor KaimingNormal(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null) =>
        Normal(tensor, 0, KaimingStd(tensor, a, mode, nonlinearity), generator);

    static double KaimingStd(Tensor tensor, double a, string mode, string nonlinearity)
    {
        var (fanIn, fanOut) = CalculateFans(tensor);
        var fan = mode switch
        {
            "fan_in" => fanIn,
            "fan_out" => fanOut,
            _ => throw new ArgumentException($"Mode {mode} not supported, please use one of fan_in, fan_out"),
        };
        return CalculateGain(nonlinearity, a) / Math.Sqrt(fan);
    }

    /// <summary>
    /// N(mean, std²) restricted to [a, b] (trunc_normal_): uniform draws between the normal CDF's
    /// values at a and b, mapped back through the inverse CDF (erfinv), so no draw is rejected.
    /// </summary>
    public static Tensor TruncNormal(Tensor tensor, double mean = 0, double std = 1, double a = -2, double b = 2, Generator? generator = null)
    {
        if (!(std > 0) || !(a < b)) throw new ArgumentException($"trunc_normal_: expected std > 0 and a < b, got std {std}, a {a}, b {b}");
        static double Cdf(double x) => (1 + Hybrid.Cpu.SpecialFunctions.Erf(x / Math.Sqrt(2))) / 2;
        double lo = 2 * Cdf((a - mean) / std) - 1, hi = 2 * Cdf((b - mean) / std) - 1;
        var u = Torch.Rand(tensor.Shape, DType.Float64, generator) * (hi - lo) + lo;
        return Fill(tensor, (u.Erfinv() * (std * Math.Sqrt(2)) + mean).Clamp(a, b).To(tensor.DType));
    }

    /// <summary>
    /// A (semi-)orthogonal matrix, scaled by gain (orthogonal_): the Q of a Gaussian matrix's QR,
    /// its columns' signs set by R's diagonal so that Q is uniform over orthogonal matrices.
    /// Dims after the first are flattened into columns.
    /// </summary>
    public static Tensor Orthogonal(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        if (tensor.Dim < 2) throw new ArgumentException($"orthogonal_: Only tensors with 2 or more dimensions are supported, got shape {LayerText.Shape(tensor.Shape)}");
        int rows = tensor.Shape[0], cols = (int)(tensor.NumEl / Math.Max(rows, 1));
        var flat = Torch.Randn(new[] { rows, cols }, DType.Float64, generator);
        if (rows < cols) flat = flat.T;
        var (q, r) = Linalg.Qr(flat);
        q = q * Linalg.Diagonal(r).Sign();
        if (rows < cols) q = q.T;
        return Fill(tensor, (q * gain).Reshape(tensor.Shape).To(tensor.DType));
    }

    /// <summary>Glorot uniform: U(−b, b) with b = gain·√(6/(fan_in + fan_out)).</summary>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFans(tensor);
        var bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        return Uniform(tensor, -bound, bound, generator);
    }

    /// <summary>Glorot normal: N(0, std²) with std = gain·√(2/(fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = CalculateFans(tensor);
        return Normal(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), generator);
    }
}
