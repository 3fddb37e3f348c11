namespace Hybrid.Cpu;

/// <summary>
/// The reference CPU backend: kernels over managed arrays, single-threaded except the float
/// matrix product (a packed GEMM on all cores: <c>Gemm</c>, scheduled by <c>CpuParallel</c>).
/// Each method dispatches once on the dtype to a generic kernel (the JIT specializes generics
/// over value types, so the inner loops are as tight as hand-written ones); contiguous
/// operands take flat, TensorPrimitives-vectorized paths and anything else a general strided walk.
/// </summary>
public sealed class CpuBackend : IBackend
{
    /// <summary>The one instance (the backend is stateless).</summary>
    public static readonly CpuBackend Instance = new();

    CpuBackend() { }

    /// <inheritdoc />
    public Device Device => Device.Cpu;

    /// <inheritdoc />
    public Storage Full(DType dtype, int length, double value) => dtype switch
    {
        DType.Float32 => Storages.Filled(dtype, length, Cast.FromDouble<float>(value)),
        DType.Float64 => Storages.Filled(dtype, length, value),
        DType.Int64 => Storages.Filled(dtype, length, Cast.FromDouble<long>(value)),
        DType.Int32 => Storages.Filled(dtype, length, Cast.FromDouble<int>(value)),
        DType.UInt8 => Storages.Filled(dtype, length, Cast.FromDouble<byte>(value)),
        DType.Bool => Storages.Filled(dtype, length, value != 0),
        _ => throw Storages.Unsupported("full", dtype),
    };

    /// <inheritdoc />
    public Storage FromArray(Array data) => data switch
    {
        float[] a => new CpuStorage<float>(a),
        double[] a => new CpuStorage<double>(a),
        long[] a => new CpuStorage<long>(a),
        int[] a => new CpuStorage<int>(a),
        byte[] a => new CpuStorage<byte>(a),
        bool[] a => new CpuStorage<bool>(a),
        null => throw new ArgumentNullException(nameof(data)),
        _ => throw new ArgumentException(
            $"a tensor cannot hold a {data.GetType().Name}; expected a one-dimensional array of float, double, long, int, byte or bool"),
    };

    /// <inheritdoc />
    public Array ToArray(Strided x) => Cast.Copy(x, x.DType) switch
    {
        CpuStorage<float> s => s.Data,
        CpuStorage<double> s => s.Data,
        CpuStorage<long> s => s.Data,
        CpuStorage<int> s => s.Data,
        CpuStorage<byte> s => s.Data,
        CpuStorage<bool> s => s.Data,
        var s => throw Storages.Unsupported("to_array", s.DType),
    };

    /// <inheritdoc />
    public Storage Arange(DType dtype, int length, double start, double step)
    {
        // Integer ranges are computed in int64, exact beyond 2^53.
        if (dtype is DType.Int64 or DType.Int32 or DType.UInt8 && double.IsInteger(start) && double.IsInteger(step)
            && Math.Abs(start) < 1L << 62 && Math.Abs(step) < 1L << 62)
        {
            var ints = Storages.Uninitialized<long>(length);
            for (var i = 0; i < length; i++) ints[i] = unchecked((long)start + i * (long)step);
            var storage = new CpuStorage<long>(ints);
            return dtype == DType.Int64 ? storage : Cast.Copy(Strided.Contiguous(storage, [length]), dtype);
        }
        // Each value is computed from its index (not by repeated addition), so there is no drift.
        var values = new double[length];
        for (var i = 0; i < length; i++) values[i] = start + i * step;
        return dtype == DType.Float64
            ? new CpuStorage<double>(values)
            : Cast.Copy(Strided.Contiguous(new CpuStorage<double>(values), [length]), dtype);
    }

    /// <inheritdoc />
    public Storage Uniform(DType dtype, int length, ulong seed, ulong offset, double low, double high) =>
        CounterRandom.Uniform(dtype, length, seed, offset, low, high);

    /// <inheritdoc />
    public Storage Normal(DType dtype, int length, ulong seed, ulong offset, double mean, double std) =>
        CounterRandom.Normal(dtype, length, seed, offset, mean, std);

    /// <inheritdoc />
    public Storage RandInt(DType dtype, int length, ulong seed, ulong offset, long low, long high) =>
        CounterRandom.RandInt(dtype, length, seed, offset, low, high);

    /// <inheritdoc />
    public Storage Copy(Strided x, DType dtype) => Cast.Copy(x, dtype);

    /// <inheritdoc />
    public void CopyInto(Strided dst, Strided src) => Cast.Into(dst, src);

    /// <inheritdoc />
    public Storage Unary(UnaryOp op, Strided x, double alpha, double beta)
    {
        var o = Storages.Allocate(x.DType, x.Count);
        switch (x.DType)
        {
            case DType.Float32: UnaryKernels.Floating<float>(op, Storages.Span<float>(x.Storage), x, Storages.Span<float>(o), alpha, beta); break;
            case DType.Float64: UnaryKernels.Floating<double>(op, Storages.Span<double>(x.Storage), x, Storages.Span<double>(o), alpha, beta); break;
            case DType.Int64: UnaryKernels.Integer<long>(op, Storages.Span<long>(x.Storage), x, Storages.Span<long>(o), alpha, beta); break;
            case DType.Int32: UnaryKernels.Integer<int>(op, Storages.Span<int>(x.Storage), x, Storages.Span<int>(o), alpha, beta); break;
            case DType.UInt8: UnaryKernels.Integer<byte>(op, Storages.Span<byte>(x.Storage), x, Storages.Span<byte>(o), alpha, beta); break;
            default: throw Storages.Unsupported(UnaryKernels.Name(op), x.DType);
        }
        return o;
    }

    /// <inheritdoc />
    public Storage Binary(BinaryOp op, Strided a, Strided b, DType dtype) => BinaryKernels.Compute(op, a, b, dtype);

    /// <inheritdoc />
    public Storage Compare(CompareOp op, Strided a, Strided b) => BinaryKernels.Compare(op, a, b);

    /// <inheritdoc />
    public Storage Where(Strided cond, Strided a, Strided b, DType dtype) => BinaryKernels.Where(cond, a, b, dtype);

    /// <inheritdoc />
    public Storage Reduce(ReduceOp op, Strided x, int[] dims) => Reductions.Reduce(op, x, dims);

    /// <inheritdoc />
    public Storage ArgReduce(bool max, Strided x, int dim) => Reductions.ArgReduce(max, x, dim);

    /// <inheritdoc />
    public Storage ArgSort(Strided x, int dim, bool descending) => Sorting.ArgSort(x, dim, descending);

    /// <inheritdoc />
    public Storage CumSum(Strided x, int dim) => Scans.CumSum(x, dim);

    /// <inheritdoc />
    public Storage MatMul(Strided a, Strided b) => MatMulKernel.Compute(a, b);

    /// <inheritdoc />
    public Storage Gather(Strided x, int dim, Strided index) => Indexing.Gather(x, dim, index);

    /// <inheritdoc />
    public Storage Scatter(Strided x, int dim, Strided index, Strided src, bool accumulate) =>
        Indexing.Scatter(x, dim, index, src, accumulate);

    /// <inheritdoc />
    public Storage IndexSelect(Strided x, int dim, Strided index) => Indexing.IndexSelect(x, dim, index);

    /// <inheritdoc />
    public Storage IndexAdd(Strided x, int dim, Strided index, Strided src) => Indexing.IndexAdd(x, dim, index, src);

    /// <inheritdoc />
    public Storage NonZero(Strided mask) => Indexing.NonZero(mask);

    /// <inheritdoc />
    public Storage Softmax(Strided x, int dim, bool log) => SoftmaxKernel.Compute(x, dim, log);

    /// <inheritdoc />
    public Storage Unfold(Strided x, Window2d window) => Window.Unfold(x, window);

    /// <inheritdoc />
    public Storage Fold(Strided cols, Window2d window, int channels, int height, int width) =>
        Window.Fold(cols, window, channels, height, width);

    /// <inheritdoc />
    public Storage Conv2d(Strided x, Strided w, Strided? bias, Window2d window, int groups) => x.DType switch
    {
        DType.Float32 => Convolution.Forward<float>(x, w, bias, window, groups),
        DType.Float64 => Convolution.Forward<double>(x, w, bias, window, groups),
        _ => throw Storages.Unsupported("conv2d", x.DType),
    };

    /// <inheritdoc />
    public Storage Conv2dInputGrad(Strided g, Strided w, Window2d window, int groups, int height, int width) => g.DType switch
    {
        DType.Float32 => Convolution.InputGrad<float>(g, w, window, groups, height, width),
        DType.Float64 => Convolution.InputGrad<double>(g, w, window, groups, height, width),
        _ => throw Storages.Unsupported("conv2d backward", g.DType),
    };

    /// <inheritdoc />
    public Storage Conv2dWeightGrad(Strided x, Strided g, Window2d window, int groups) => x.DType switch
    {
        DType.Float32 => Convolution.WeightGrad<float>(x, g, window, groups),
        DType.Float64 => Convolution.WeightGrad<double>(x, g, window, groups),
        _ => throw Storages.Unsupported("conv2d backward", x.DType),
    };

    /// <inheritdoc />
    public Storage MaxPool2d(Strided x, Window2d window, out Storage indices) => Pooling.MaxPool2d(x, window, out indices);

    /// <inheritdoc />
    public Storage AvgPool2d(Strided x, Window2d window) => Pooling.AvgPool2d(x, window);

    /// <inheritdoc />
    public Storage AvgPool2dBackward(Strided g, Window2d window, int height, int width) => Pooling.AvgPool2dBackward(g, window, height, width);

    /// <inheritdoc />
    public bool TrySgdStep(Strided param, Strided grad, Strided? momentumBuffer, SgdOptions options, out Storage? newMomentumBuffer) =>
        SgdKernel.TryStep(param, grad, momentumBuffer, options, out newMomentumBuffer);

    /// <inheritdoc />
    public bool TryAdamStep(Strided param, Strided grad, Strided expAvg, Strided expAvgSq, AdamOptions options, out Storage? newExpAvg, out Storage? newExpAvgSq) =>
        AdamKernel.TryStep(param, grad, expAvg, expAvgSq, options, out newExpAvg, out newExpAvgSq);
}
