namespace Hybrid;

/// <summary>Elementwise functions of one operand (floating dtypes unless noted).</summary>
public enum UnaryOp
{
    /// <summary>−x (every numeric dtype).</summary>
    Neg,
    /// <summary>|x| (every numeric dtype).</summary>
    Abs,
    /// <summary>−1, 0 or 1 (every numeric dtype).</summary>
    Sign,
    Exp, Log, Log1p, Sqrt, Rsqrt, Sin, Cos, Tanh, Sigmoid, Relu,
    /// <summary>x if x &gt; 0 else α·x.</summary>
    LeakyRelu,
    /// <summary>x if x &gt; 0 else α·(eˣ − 1).</summary>
    Elu,
    /// <summary>x·Φ(x), the exact (erf) GELU.</summary>
    Gelu,
    /// <summary>x·σ(x).</summary>
    Silu,
    /// <summary>log(1 + e^(βx))/β, and x where βx &gt; threshold (α = β, β = threshold).</summary>
    Softplus,
    /// <summary>min(max(x, α), β); pass ±∞ for a missing bound (every numeric dtype).</summary>
    Clamp,
    /// <summary>The error function.</summary>
    Erf,
    /// <summary>The largest integer ≤ x (floating dtypes).</summary>
    Floor,
    /// <summary>The smallest integer ≥ x (floating dtypes).</summary>
    Ceil,
    /// <summary>The nearest integer, halves to the even one (floating dtypes), as torch.round.</summary>
    Round,
    /// <summary>x without its fraction, towards zero (floating dtypes).</summary>
    Trunc,
}

/// <summary>Elementwise functions of two operands of one shape, computed in the output dtype.</summary>
public enum BinaryOp
{
    Add, Sub, Mul, Div, Pow, Maximum, Minimum,
    /// <summary>Logical and of Bool operands.</summary>
    And,
    /// <summary>Logical or of Bool operands.</summary>
    Or,
    /// <summary>a where b &gt; 0, else 0: ReLU's gradient a at inputs b (PyTorch's threshold_backward at 0); numeric dtypes.</summary>
    ReluGrad,
}

/// <summary>Elementwise comparisons; the result is Bool.</summary>
public enum CompareOp { Eq, Ne, Lt, Le, Gt, Ge }

/// <summary>Reductions over a set of dimensions.</summary>
public enum ReduceOp { Sum, Prod, Max, Min }

/// <summary>
/// Geometry of a 2-D sliding window over an (N, C, H, W) input, shared by im2col (unfold),
/// col2im (fold), convolution and pooling.
/// </summary>
public readonly record struct Window2d(
    int KernelH, int KernelW,
    int StrideH, int StrideW,
    int PadH, int PadW,
    int DilationH, int DilationW)
{
    /// <summary>Output height for an input of height <paramref name="h"/>; 0 when the kernel is larger than the padded input.</summary>
    public int OutH(int h) => Positions(h + 2 * PadH - DilationH * (KernelH - 1), StrideH);

    /// <summary>Output width for an input of width <paramref name="w"/>; 0 when the kernel is larger than the padded input.</summary>
    public int OutW(int w) => Positions(w + 2 * PadW - DilationW * (KernelW - 1), StrideW);

    // ⌊(room − 1) / stride⌋ + 1 window positions fit in `room` (padded size less the kernel's
    // span, plus one). Integer division truncates toward zero, so a kernel just larger than the
    // input (room ≤ 0 with |room − 1| < stride) would otherwise count one position.
    static int Positions(int room, int stride) => room <= 0 ? 0 : (room - 1) / stride + 1;
}

/// <summary>
/// The kernel contract: everything the core asks of a device. Kernels know storages, shapes
/// and strides, nothing of autograd. Every method that returns a storage allocates a new,
/// contiguous one; inputs are never modified except by <see cref="CopyInto"/>.
/// Arguments are validated by the core before a kernel is called: kernels may assume
/// consistent shapes, in-range dims, and operands on this backend's device.
/// </summary>
public interface IBackend
{
    /// <summary>The device this backend computes on.</summary>
    Device Device { get; }

    /// <summary>A storage of <paramref name="length"/> elements, every one set to <paramref name="value"/>.</summary>
    Storage Full(DType dtype, int length, double value);

    /// <summary>Takes over a .NET array (T[] of a dtype's element type); zero-copy on the CPU.</summary>
    Storage FromArray(Array data);

    /// <summary>The elements of a view, row-major, as a new T[] of the dtype's element type.</summary>
    Array ToArray(Strided x);

    /// <summary>start, start + step, ... (<paramref name="length"/> values) in <paramref name="dtype"/>.</summary>
    Storage Arange(DType dtype, int length, double start, double step);

    /// <summary>
    /// Counter-based random numbers: element i is a pure function of (seed, offset + i), so
    /// results never depend on threads or devices. Uniform in [low, high).
    /// </summary>
    Storage Uniform(DType dtype, int length, ulong seed, ulong offset, double low, double high);

    /// <summary>Counter-based normal samples (see <see cref="Uniform"/>); consumes 2·length counters.</summary>
    Storage Normal(DType dtype, int length, ulong seed, ulong offset, double mean, double std);

    /// <summary>Counter-based integers uniform in [low, high).</summary>
    Storage RandInt(DType dtype, int length, ulong seed, ulong offset, long low, long high);

    /// <summary>A contiguous copy of a view converted to <paramref name="dtype"/>.</summary>
    Storage Copy(Strided x, DType dtype);

    /// <summary>Writes <paramref name="src"/> (same shape, possibly other dtype) into the view <paramref name="dst"/>.</summary>
    void CopyInto(Strided dst, Strided src);

    /// <summary><paramref name="op"/> of each element; α, β are the op's parameters (see <see cref="UnaryOp"/>).</summary>
    Storage Unary(UnaryOp op, Strided x, double alpha, double beta);

    /// <summary>
    /// <paramref name="op"/> of a and b, which have one shape (broadcast views have zero strides);
    /// operands are converted to <paramref name="dtype"/>, the dtype of the result.
    /// </summary>
    Storage Binary(BinaryOp op, Strided a, Strided b, DType dtype);

    /// <summary>Elementwise comparison of a and b (one shape) in the dtype promoted from both; Bool result.</summary>
    Storage Compare(CompareOp op, Strided a, Strided b);

    /// <summary>cond ? a : b elementwise (all of one shape; cond is Bool), result in <paramref name="dtype"/>.</summary>
    Storage Where(Strided cond, Strided a, Strided b, DType dtype);

    /// <summary>
    /// Reduces over <paramref name="dims"/> (sorted, distinct); the result has the shape of x
    /// without those dims, and x's dtype. Sum and Prod of an empty set give 0 and 1.
    /// </summary>
    Storage Reduce(ReduceOp op, Strided x, int[] dims);

    /// <summary>
    /// Index (Int64) of the first largest (or smallest) element along <paramref name="dim"/>;
    /// the result has the shape of x without that dim. NaN counts as largest, as in PyTorch.
    /// </summary>
    Storage ArgReduce(bool max, Strided x, int dim);

    /// <summary>
    /// The order of each lane of x along <paramref name="dim"/>: an Int64 tensor of x's shape
    /// (contiguous) whose p-th element along dim is the index of the element that comes p-th,
    /// smallest first (largest first when <paramref name="descending"/>). Stable: equal values
    /// keep their order; NaN counts as largest, as in PyTorch's sort(stable=True).
    /// </summary>
    Storage ArgSort(Strided x, int dim, bool descending);

    /// <summary>
    /// Running sums along <paramref name="dim"/> (x's shape and dtype, contiguous): element i
    /// of a lane is the sum of its elements 0 … i, accumulated in double for floats and in
    /// Int64 for Int64.
    /// </summary>
    Storage CumSum(Strided x, int dim);

    /// <summary>
    /// Batched matrix product: a is (..., m, k), b is (..., k, n), with identical leading
    /// (batch) shapes — broadcast batches have zero strides. The result is (..., m, n), contiguous.
    /// </summary>
    Storage MatMul(Strided a, Strided b);

    /// <summary>out[i][j][k] = x[index[i][j][k]][j][k] for dim = 0 (and so on); index is Int64 of the output's shape.</summary>
    Storage Gather(Strided x, int dim, Strided index);

    /// <summary>
    /// A copy of x with src written (or, when <paramref name="accumulate"/>, added) at the
    /// positions named by index along <paramref name="dim"/>; index and src have one shape.
    /// </summary>
    Storage Scatter(Strided x, int dim, Strided index, Strided src, bool accumulate);

    /// <summary>The slices of x at positions index (1-D Int64) along <paramref name="dim"/>.</summary>
    Storage IndexSelect(Strided x, int dim, Strided index);

    /// <summary>A copy of x with the slices of src added at positions index (1-D Int64) along <paramref name="dim"/>.</summary>
    Storage IndexAdd(Strided x, int dim, Strided index, Strided src);

    /// <summary>Positions (row-major flat indices, Int64) of the true elements of a Bool view.</summary>
    Storage NonZero(Strided mask);

    /// <summary>Softmax (or log-softmax when <paramref name="log"/>) along <paramref name="dim"/>, numerically stable.</summary>
    Storage Softmax(Strided x, int dim, bool log);

    /// <summary>
    /// im2col: x is (N, C, H, W); the result is (N, C·kh·kw, outH·outW) with zero padding,
    /// rows ordered (c, ki, kj) as torch.nn.functional.unfold.
    /// </summary>
    Storage Unfold(Strided x, Window2d window);

    /// <summary>col2im, the adjoint of <see cref="Unfold"/>: cols is (N, C·kh·kw, L); overlapping entries add into (N, C, H, W).</summary>
    Storage Fold(Strided cols, Window2d window, int channels, int height, int width);

    /// <summary>
    /// 2-D convolution (cross-correlation, as torch.nn.functional.conv2d): x is (N, C, H, W),
    /// w is (O, C/groups, kh, kw) with kh, kw those of <paramref name="window"/>, the optional
    /// bias is (O); the result is (N, O, outH, outW). Floating dtypes.
    /// </summary>
    Storage Conv2d(Strided x, Strided w, Strided? bias, Window2d window, int groups);

    /// <summary>
    /// The adjoint of <see cref="Conv2d"/> in x (a transposed convolution): g is (N, O, outH, outW),
    /// w as for Conv2d; the result is (N, C, <paramref name="height"/>, <paramref name="width"/>)
    /// with C = (C/groups)·groups.
    /// </summary>
    Storage Conv2dInputGrad(Strided g, Strided w, Window2d window, int groups, int height, int width);

    /// <summary>
    /// The adjoint of <see cref="Conv2d"/> in w: x is (N, C, H, W), g is (N, O, outH, outW); the
    /// result is (O, C/groups, kh, kw), summed over the batch.
    /// </summary>
    Storage Conv2dWeightGrad(Strided x, Strided g, Window2d window, int groups);

    /// <summary>
    /// Max pooling (torch's max_pool2d_with_indices): the largest element of each window of x
    /// (N, C, H, W), padding excluded, and via <paramref name="indices"/> its position ih·W + iw
    /// in its image plane (Int64). The first largest wins and NaN counts as largest. Both
    /// results are (N, C, outH, outW). Every window must hold at least one pixel.
    /// </summary>
    Storage MaxPool2d(Strided x, Window2d window, out Storage indices);

    /// <summary>
    /// Average pooling (torch's avg_pool2d with count_include_pad): each window's sum over x
    /// (N, C, H, W), zero padding included, divided by kh·kw; the result is (N, C, outH, outW).
    /// Floating dtypes.
    /// </summary>
    Storage AvgPool2d(Strided x, Window2d window);

    /// <summary>
    /// The adjoint of <see cref="AvgPool2d"/>: g is (N, C, outH, outW); each pixel of the
    /// (N, C, <paramref name="height"/>, <paramref name="width"/>) result is the sum of g over the
    /// windows that hold it, in (ki, kj) order, divided by kh·kw.
    /// </summary>
    Storage AvgPool2dBackward(Strided g, Window2d window, int height, int width);

    /// <summary>
    /// Optional fused optimizer kernel: one SGD step written into <paramref name="param"/> in
    /// place (PyTorch's update, momentum buffer <paramref name="momentumBuffer"/> or none on the
    /// first step). With momentum, the buffer is updated in place too, as PyTorch does, and
    /// returned; on the first step it is a fresh storage. Returns false when the backend has no
    /// fused path for these operands; the caller then computes the step with ordinary ops.
    /// Never bumps versions: the caller does.
    /// </summary>
    bool TrySgdStep(Strided param, Strided grad, Strided? momentumBuffer, SgdOptions options, out Storage? newMomentumBuffer);

    /// <summary>
    /// Optional fused optimizer kernel: one Adam step (AdamW's when decoupled; no amsgrad)
    /// written into <paramref name="param"/> in place, from the moments <paramref name="expAvg"/>
    /// and <paramref name="expAvgSq"/>, whose new values are fresh storages. Returns false when
    /// the backend has no fused path for these operands. Never bumps versions: the caller does.
    /// </summary>
    bool TryAdamStep(Strided param, Strided grad, Strided expAvg, Strided expAvgSq, AdamOptions options, out Storage? newExpAvg, out Storage? newExpAvgSq);
}

/// <summary>The hyper-parameters of one torch.optim.SGD step.</summary>
public readonly record struct SgdOptions(double Lr, double Momentum, double Dampening, bool Nesterov, double WeightDecay, bool Maximize);

/// <summary>The hyper-parameters of one torch.optim.Adam (or AdamW, <paramref name="Decoupled"/>) step; <paramref name="Step"/> counts from 1.</summary>
public readonly record struct AdamOptions(double Lr, double Beta1, double Beta2, double Eps, double WeightDecay, bool Decoupled, bool Maximize, double Step);

/// <summary>The backend of each device type; a new backend (GPU, test double) plugs in here.</summary>
public static class Backends
{
    static readonly Dictionary<string, Func<Device, IBackend>> Factories = new() { ["cpu"] = _ => Cpu.CpuBackend.Instance };

    /// <summary>
    /// Backends that register themselves when first needed: the type whose static constructor
    /// registers the device type, by assembly-qualified name. A program that references the
    /// GPU package can thus say "cuda" without any set-up call.
    /// </summary>
    static readonly Dictionary<string, string> Providers = new()
    {
        ["cuda"] = "Hybrid.Gpu.Registration, Hybrid.Backends.Gpu",
        ["ilgpu"] = "Hybrid.Gpu.Registration, Hybrid.Backends.Gpu",
    };
    static readonly Dictionary<Device, IBackend> Cache = new();
    static readonly object Gate = new();

    /// <summary>Makes <paramref name="factory"/> the source of backends for devices of <paramref name="deviceType"/>.</summary>
    public static void Register(string deviceType, Func<Device, IBackend> factory)
    {
        lock (Gate)
        {
            Factories[deviceType] = factory;
            foreach (var d in Cache.Keys.Where(d => d.Type == deviceType).ToList()) Cache.Remove(d);
        }
    }

    /// <summary>The backend of a device; throws if no backend for its type is registered.</summary>
    public static IBackend For(Device device)
    {
        if (device.Type == "cpu") return Cpu.CpuBackend.Instance;
        lock (Gate)
        {
            if (Cache.TryGetValue(device, out var backend)) return backend;
            if (!Factories.ContainsKey(device.Type) && Providers.TryGetValue(device.Type, out var provider)
                && Type.GetType(provider, throwOnError: false) is { } registration)
                System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(registration.TypeHandle);
            if (!Factories.TryGetValue(device.Type, out var factory))
                throw new InvalidOperationException($"No backend is available for device '{device}'. Is the package for that device referenced and its backend registered?");
            return Cache[device] = factory(device);
        }
    }
}
