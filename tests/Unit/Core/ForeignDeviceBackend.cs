using Hybrid.Cpu;

namespace Hybrid.Unit;

/// <summary>A storage that reports a non-CPU device while keeping its elements in a CPU storage.</summary>
internal sealed class ForeignStorage : Storage
{
    readonly Device device;

    public ForeignStorage(Storage inner, Device device)
    {
        Inner = inner;
        this.device = device;
    }

    public Storage Inner { get; }
    public override Device Device => device;
    public override DType DType => Inner.DType;
    public override int Length => Inner.Length;
}

/// <summary>
/// A test double for a second device: every kernel is the CPU's, run on the unwrapped
/// storages, and every result is wrapped so that it reports this backend's device.
/// </summary>
internal sealed class ForeignDeviceBackend : IBackend
{
    static readonly CpuBackend Cpu = CpuBackend.Instance;

    public const string DeviceType = "unittestdev";

    static int registered;

    /// <summary>Registers the device type once per process.</summary>
    public static void EnsureRegistered()
    {
        if (Interlocked.Exchange(ref registered, 1) == 0)
            global::Hybrid.Backends.Register(DeviceType, d => new ForeignDeviceBackend(d));
    }

    public ForeignDeviceBackend(Device device) => Device = device;

    public Device Device { get; }

    Storage W(Storage s) => new ForeignStorage(s, Device);

    static Strided U(Strided x) =>
        new(x.Storage is ForeignStorage f ? f.Inner : x.Storage, x.Shape, x.Strides, x.Offset);

    public Storage Full(DType dtype, int length, double value) => W(Cpu.Full(dtype, length, value));
    public Storage FromArray(Array data) => W(Cpu.FromArray(data));
    public Array ToArray(Strided x) => Cpu.ToArray(U(x));
    public Storage Arange(DType dtype, int length, double start, double step) => W(Cpu.Arange(dtype, length, start, step));
    public Storage Uniform(DType dtype, int length, ulong seed, ulong offset, double low, double high) => W(Cpu.Uniform(dtype, length, seed, offset, low, high));
    public Storage Normal(DType dtype, int length, ulong seed, ulong offset, double mean, double std) => W(Cpu.Normal(dtype, length, seed, offset, mean, std));
    public Storage RandInt(DType dtype, int length, ulong seed, ulong offset, long low, long high) => W(Cpu.RandInt(dtype, length, seed, offset, low, high));
    public Storage Copy(Strided x, DType dtype) => W(Cpu.Copy(U(x), dtype));
    public void CopyInto(Strided dst, Strided src) => Cpu.CopyInto(U(dst), U(src));
    public Storage Unary(UnaryOp op, Strided x, double alpha, double beta) => W(Cpu.Unary(op, U(x), alpha, beta));
    public Storage Binary(BinaryOp op, Strided a, Strided b, DType dtype) => W(Cpu.Binary(op, U(a), U(b), dtype));
    public Storage Compare(CompareOp op, Strided a, Strided b) => W(Cpu.Compare(op, U(a), U(b)));
    public Storage Where(Strided cond, Strided a, Strided b, DType dtype) => W(Cpu.Where(U(cond), U(a), U(b), dtype));
    public Storage Reduce(ReduceOp op, Strided x, int[] dims) => W(Cpu.Reduce(op, U(x), dims));
    public Storage ArgReduce(bool max, Strided x, int dim) => W(Cpu.ArgReduce(max, U(x), dim));
    public Storage ArgSort(Strided x, int dim, bool descending) => W(Cpu.ArgSort(U(x), dim, descending));
    public Storage CumSum(Strided x, int dim) => W(Cpu.CumSum(U(x), dim));
    public Storage MatMul(Strided a, Strided b) => W(Cpu.MatMul(U(a), U(b)));
    public Storage Gather(Strided x, int dim, Strided index) => W(Cpu.Gather(U(x), dim, U(index)));
    public Storage Scatter(Strided x, int dim, Strided index, Strided src, bool accumulate) => W(Cpu.Scatter(U(x), dim, U(index), U(src), accumulate));
    public Storage IndexSelect(Strided x, int dim, Strided index) => W(Cpu.IndexSelect(U(x), dim, U(index)));
    public Storage IndexAdd(Strided x, int dim, Strided index, Strided src) => W(Cpu.IndexAdd(U(x), dim, U(index), U(src)));
    public Storage NonZero(Strided mask) => W(Cpu.NonZero(U(mask)));
    public Storage Softmax(Strided x, int dim, bool log) => W(Cpu.Softmax(U(x), dim, log));
    public Storage Unfold(Strided x, Window2d window) => W(Cpu.Unfold(U(x), window));
    public Storage Fold(Strided cols, Window2d window, int channels, int height, int width) => W(Cpu.Fold(U(cols), window, channels, height, width));
    public Storage Conv2d(Strided x, Strided w, Strided? bias, Window2d window, int groups) => W(Cpu.Conv2d(U(x), U(w), bias is { } b ? U(b) : null, window, groups));
    public Storage Conv2dInputGrad(Strided g, Strided w, Window2d window, int groups, int height, int width) => W(Cpu.Conv2dInputGrad(U(g), U(w), window, groups, height, width));
    public Storage Conv2dWeightGrad(Strided x, Strided g, Window2d window, int groups) => W(Cpu.Conv2dWeightGrad(U(x), U(g), window, groups));
    public Storage AvgPool2d(Strided x, Window2d window) => W(Cpu.AvgPool2d(U(x), window));
    public Storage AvgPool2dBackward(Strided g, Window2d window, int height, int width) => W(Cpu.AvgPool2dBackward(U(g), window, height, width));
    public Storage MaxPool2d(Strided x, Window2d window, out Storage indices)
    {
        var values = Cpu.MaxPool2d(U(x), window, out var cpuIndices);
        indices = W(cpuIndices);
        return W(values);
    }

    // No fused optimizer kernel on this device: SGD must take the general path.
    public bool TrySgdStep(Strided param, Strided grad, Strided? momentumBuffer, SgdOptions options, out Storage? newMomentumBuffer)
    {
        newMomentumBuffer = null;
        return false;
    }

    public bool TryAdamStep(Strided param, Strided grad, Strided expAvg, Strided expAvgSq, AdamOptions options, out Storage? newExpAvg, out Storage? newExpAvgSq)
    {
        (newExpAvg, newExpAvgSq) = (null, null);
        return false;
    }
}
