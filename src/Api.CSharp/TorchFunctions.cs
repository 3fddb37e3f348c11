namespace Hybrid;

/// The functions of the torch namespace that take tensors (torch.relu(x), torch.cat(...)).
public static partial class Torch
{
    public static Tensor Relu(Tensor x) => x.Relu();
    public static Tensor Sigmoid(Tensor x) => x.Sigmoid();
    public static Tensor Tanh(Tensor x) => x.Tanh();
    public static Tensor Exp(Tensor x) => x.Exp();
    public static Tensor Log(Tensor x) => x.Log();
    public static Tensor Sqrt(Tensor x) => x.Sqrt();
    public static Tensor Abs(Tensor x) => x.Abs();
    public static Tensor Floor(Tensor x) => x.Floor();
    public static Tensor Ceil(Tensor x) => x.Ceil();
    public static Tensor Round(Tensor x) => x.Round();
    public static Tensor Trunc(Tensor x) => x.Trunc();
    public static Tensor Sin(Tensor x) => x.Sin();
    public static Tensor Cos(Tensor x) => x.Cos();
    public static Tensor Pow(Tensor x, double exponent) => x.Pow(exponent);
    public static Tensor Pow(Tensor x, Tensor exponent) => x.Pow(exponent);
    public static Tensor Maximum(Tensor a, Tensor b) => a.Maximum(b);
    public static Tensor Minimum(Tensor a, Tensor b) => a.Minimum(b);
    public static Tensor Clamp(Tensor x, double min, double max) => x.Clamp(min, max);
    public static Tensor Where(Tensor condition, Tensor a, Tensor b) => condition.Where(a, b);
    public static Tensor MaskedFill(Tensor x, Tensor mask, double value) => x.MaskedFill(mask, value);
    public static Tensor IsNan(Tensor x) => x.IsNan();
    public static Tensor IsInf(Tensor x) => x.IsInf();
    public static Tensor IsFinite(Tensor x) => x.IsFinite();
    public static Tensor Any(Tensor x) => x.Any();
    public static Tensor All(Tensor x) => x.All();
    public static Tensor Tril(Tensor x, int diagonal = 0) => x.Tril(diagonal);
    public static Tensor Triu(Tensor x, int diagonal = 0) => x.Triu(diagonal);
    public static Tensor Tile(Tensor x, params int[] dims) => x.Tile(dims);
    public static Tensor Flip(Tensor x, params int[] dims) => x.Flip(dims);
    public static Tensor Nonzero(Tensor x) => x.Nonzero();
    /// <summary>Einstein summation, as torch.einsum: Torch.Einsum("bhqd,bhkd->bhqk", q, k).</summary>
    public static Tensor Einsum(string equation, params Tensor[] operands) => Hybrid.Einsum.Compute(equation, operands);
    public static Tensor CumSum(Tensor x, int dim) => x.CumSum(dim);
    public static Tensor Roll(Tensor x, int[] shifts, params int[] dims) => x.Roll(shifts, dims);
    public static (Tensor Values, Tensor Indices) Sort(Tensor x, int dim = -1, bool descending = false) => x.Sort(dim, descending);
    public static Tensor ArgSort(Tensor x, int dim = -1, bool descending = false) => x.ArgSort(dim, descending);
    public static (Tensor Values, Tensor Indices) TopK(Tensor x, int k, int dim = -1, bool largest = true) => x.TopK(k, dim, largest);
    public static Tensor Softmax(Tensor x, int dim) => x.Softmax(dim);
    public static Tensor LogSoftmax(Tensor x, int dim) => x.LogSoftmax(dim);
    public static Tensor MatMul(Tensor a, Tensor b) => a.MatMul(b);
    public static Tensor Sum(Tensor x) => x.Sum();
    public static Tensor Mean(Tensor x) => x.Mean();
    /// Concatenates along dim.
    public static Tensor Cat(Tensor[] tensors, int dim = 0) => Join.Cat(tensors, dim);
    /// Stacks along a new dim.
    public static Tensor Stack(Tensor[] tensors, int dim = 0) => Join.Stack(tensors, dim);
}
