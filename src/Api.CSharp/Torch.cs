namespace Hybrid;

/// The torch namespace of PyTorch, spelled for C#: creation, seeding, grad mode and the
/// common functions. Tensor methods (x.Sum(), x.MatMul(y), ...) live on Tensor itself.
public static partial class Torch
{
    /// Stops graph recording until disposed: <c>using (Torch.NoGrad()) { ... }</c>. Async-local.
    public static IDisposable NoGrad() => GradMode.set(false);

    /// Turns graph recording back on inside a no-grad scope until disposed.
    public static IDisposable EnableGrad() => GradMode.set(true);

    /// True unless inside a NoGrad scope.
    public static bool IsGradEnabled => GradMode.isEnabled();

    /// Reseeds the default generator: the same seed gives the same numbers.
    public static void ManualSeed(long seed) => Generator.Default.ManualSeed(seed);

    /// Sets how many threads the CPU kernels may use, the calling thread included
    /// (torch.set_num_threads): from 1 (every kernel on the caller) to 64. Results never depend on it.
    public static void SetNumThreads(int threads) => CpuThreads.set(threads);

    /// How many threads the CPU kernels may use; the processor count unless set (torch.get_num_threads).
    public static int GetNumThreads() => CpuThreads.get();

    /// A 0-d float32 tensor.
    public static Tensor Tensor(float value, bool requiresGrad = false) => FromValues(new[] { value }, Array.Empty<int>(), requiresGrad);

    /// A 0-d float64 tensor.
    public static Tensor Tensor(double value, bool requiresGrad = false) => FromValues(new[] { value }, Array.Empty<int>(), requiresGrad);

    /// A 0-d int64 tensor.
    public static Tensor Tensor(long value) => FromValues(new[] { value }, Array.Empty<int>(), false);

    /// A 1-D tensor copied from values (dtype from the element type: float → float32, double → float64, long → int64, ...).
    public static Tensor Tensor<T>(T[] values, bool requiresGrad = false) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        return FromValues((T[])values.Clone(), new[] { values.Length }, requiresGrad);
    }

    /// A 2-D tensor copied from a rectangular array.
    public static Tensor Tensor<T>(T[,] values, bool requiresGrad = false) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        var rows = values.GetLength(0);
        var cols = values.GetLength(1);
        var flat = new T[rows * cols];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++)
                flat[i * cols + j] = values[i, j];
        return FromValues(flat, new[] { rows, cols }, requiresGrad);
    }

    /// A 2-D tensor copied from a jagged array whose rows all have one length.
    public static Tensor Tensor<T>(T[][] rows, bool requiresGrad = false) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(rows);
        var cols = rows.Length == 0 ? 0 : rows[0].Length;
        for (var i = 0; i < rows.Length; i++)
            if (rows[i] is null || rows[i].Length != cols)
                throw new ArgumentException($"tensor: expected sequence of length {cols} at dim 1 (got {rows[i]?.Length ?? 0} in row {i})");
        var flat = new T[rows.Length * cols];
        for (var i = 0; i < rows.Length; i++) Array.Copy(rows[i], 0, flat, i * cols, cols);
        return FromValues(flat, new[] { rows.Length, cols }, requiresGrad);
    }

    /// A tensor of the given shape that shares memory with <paramref name="data"/> (PyTorch's from_numpy).
    public static Tensor FromArray<T>(T[] data, params int[] shape) where T : unmanaged =>
        Create.FromArray(data, shape.Length == 0 ? new[] { data.Length } : shape);

    static Tensor FromValues<T>(T[] data, int[] shape, bool requiresGrad) where T : unmanaged =>
        Create.FromArray(data, shape, requiresGrad);

    public static Tensor Zeros(params int[] shape) => Create.Zeros(shape);
    public static Tensor Zeros(int[] shape, DType dtype, Device? device = null, bool requiresGrad = false) => Create.Zeros(shape, dtype, device, requiresGrad);
    public static Tensor Ones(params int[] shape) => Create.Ones(shape);
    public static Tensor Ones(int[] shape, DType dtype, Device? device = null, bool requiresGrad = false) => Create.Ones(shape, dtype, device, requiresGrad);
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32, Device? device = null, bool requiresGrad = false) => Create.Full(shape, value, dtype, device, requiresGrad);
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32) => Create.Eye(n, m ?? n, dtype);
    /// 0, 1, ..., end−1 (int64).
    public static Tensor Arange(long end) => Create.Arange(0, end, 1);
    /// start, start+step, ... below end; float32 when any argument is fractional, else int64.
    public static Tensor Arange(double start, double end, double step = 1, DType? dtype = null) => Create.Arange(start, end, step, dtype);
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32) => Create.Linspace(start, end, steps, dtype);
    public static Tensor Rand(params int[] shape) => Create.Rand(shape);
    public static Tensor Rand(int[] shape, DType dtype, Generator? generator = null, bool requiresGrad = false) => Create.Rand(shape, dtype, null, generator, requiresGrad);
    public static Tensor Randn(params int[] shape) => Create.Randn(shape);
    public static Tensor Randn(int[] shape, DType dtype, Generator? generator = null, bool requiresGrad = false) => Create.Randn(shape, dtype, null, generator, requiresGrad);
    /// Integers uniform in [0, high).
    public static Tensor RandInt(long high, int[] shape) => Create.RandInt(0, high, shape);
    /// Integers uniform in [low, high).
    public static Tensor RandInt(long low, long high, int[] shape, DType dtype = DType.Int64, Generator? generator = null) => Create.RandInt(low, high, shape, dtype, null, generator);

    /// <summary>A random permutation of 0..n−1 (int64).</summary>
    public static Tensor RandPerm(int n, Generator? generator = null) => Create.RandPerm(n, generator);

    public static Tensor ZerosLike(Tensor x) => Create.FullLike(x, 0);
    public static Tensor OnesLike(Tensor x) => Create.FullLike(x, 1);
    public static Tensor FullLike(Tensor x, double value) => Create.FullLike(x, value);
    public static Tensor RandLike(Tensor x) => Create.Rand(x.Shape, x.DType, x.Device);
    public static Tensor RandnLike(Tensor x) => Create.Randn(x.Shape, x.DType, x.Device);

}
