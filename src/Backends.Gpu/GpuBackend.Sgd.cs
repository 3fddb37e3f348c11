namespace Hybrid.Gpu;

/// <summary>
/// The fused SGD step (<see cref="SgdKernels"/>) on the operands the CPU backend fuses too:
/// contiguous float32 param, grad and buffer of one shape, the param sharing no storage with
/// the others. Anything else returns false and the optimizer takes its general path.
/// </summary>
public sealed partial class GpuBackend
{
    /// <inheritdoc />
    public bool TrySgdStep(Strided param, Strided grad, Strided? momentumBuffer, SgdOptions options, out Storage? newMomentumBuffer)
    {
        newMomentumBuffer = null;
        if (!IsFloat32Operand(param, param.Shape) || !IsFloat32Operand(grad, param.Shape) || ReferenceEquals(param.Storage, grad.Storage)) return false;
        if (momentumBuffer is { } b && (!IsFloat32Operand(b, param.Shape) || ReferenceEquals(b.Storage, param.Storage))) return false;
        var n = param.Count;
        var p = View<float>(param).SubView(param.Offset, n);
        var g = View<float>(grad).SubView(grad.Offset, n);
        var step = new SgdKernels.Step
        {
            Lr = (float)options.Lr,
            WeightDecay = (float)options.WeightDecay,
            Momentum = (float)options.Momentum,
            OneMinusDampening = (float)(1 - options.Dampening),
            Decay = options.WeightDecay != 0 ? 1 : 0,
            Maximize = options.Maximize ? 1 : 0,
            Nesterov = options.Nesterov ? 1 : 0,
        };
        if (options.Momentum == 0)
        {
            Kernels.Launch(SgdKernels.Plain, n, p, g, step);
            return true;
        }
        if (momentumBuffer is { } buffer)
        {
            // In place, as PyTorch: each thread reads its element of the buffer before writing it.
            var buf = View<float>(buffer).SubView(buffer.Offset, n);
            Kernels.Launch(SgdKernels.Momentum, n, p, g, buf, buf, step);
            newMomentumBuffer = buffer.Storage;
            return true;
        }
        var nb = Allocate(DType.Float32, n);
        Kernels.Launch(SgdKernels.First, n, p, g, nb.View<float>(), step);
        newMomentumBuffer = nb;
        return true;
    }

    static bool IsFloat32Operand(Strided x, int[] shape) =>
        x.Storage is GpuStorage { DType: DType.Float32 } && x.IsContiguous && x.Shape.AsSpan().SequenceEqual(shape);

    /// <inheritdoc />
    /// <remarks>No fused Adam on the GPU yet: the optimizer's general path runs its elementwise kernels.</remarks>
    public bool TryAdamStep(Strided param, Strided grad, Strided expAvg, Strided expAvgSq, AdamOptions options, out Storage? newExpAvg, out Storage? newExpAvgSq)
    {
        (newExpAvg, newExpAvgSq) = (null, null);
        return false;
    }
}
