using ILGPU;

namespace Hybrid.Gpu;

/// <summary>
/// torch.optim.SGD's update, one thread per parameter element, with the CPU backend's float32
/// operations in its order (<c>Cpu.SgdKernel</c>), so both give the same bits. Every product
/// that feeds a sum is <see cref="Unfused"/>: a fused multiply-add would round once where the
/// CPU rounds twice.
/// </summary>
internal static class SgdKernels
{
    /// <summary>The scalar hyper-parameters, in float32 as the CPU kernel uses them.</summary>
    public struct Step
    {
        public float Lr, WeightDecay, Momentum, OneMinusDampening;
        /// <summary>0 or 1: the double weight decay is non-zero (the CPU tests it before rounding).</summary>
        public int Decay;
        public int Maximize, Nesterov;
    }

    /// <summary>The gradient as the update sees it: negated when maximizing, plus weight decay.</summary>
    static float Direction(float g, float p, Step s)
    {
        if (s.Maximize != 0) g = -g;
        if (s.Decay != 0) g += Unfused.Mul(p, s.WeightDecay);
        return g;
    }

    /// <summary>Without momentum: p −= g·lr.</summary>
    public static void Plain(Index1D thread, Elements elements, ArrayView<float> p, ArrayView<float> grad, Step s)
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var g = Direction(grad[i], p[i], s);
            p[i] -= Unfused.Mul(g, s.Lr);
        }
    }

    /// <summary>First step with momentum: the buffer starts as the gradient itself (no dampening).</summary>
    public static void First(Index1D thread, Elements elements, ArrayView<float> p, ArrayView<float> grad, ArrayView<float> newBuffer, Step s)
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var g = Direction(grad[i], p[i], s);
            newBuffer[i] = g;
            var d = s.Nesterov != 0 ? g + Unfused.Mul(g, s.Momentum) : g;
            p[i] -= Unfused.Mul(d, s.Lr);
        }
    }

    /// <summary>Later steps: b′ = b·m + g·(1 − dampening); p −= (nesterov ? g + b′·m : b′)·lr.</summary>
    public static void Momentum(Index1D thread, Elements elements, ArrayView<float> p, ArrayView<float> grad, ArrayView<float> buffer, ArrayView<float> newBuffer, Step s)
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var g = Direction(grad[i], p[i], s);
            var m = Unfused.Mul(buffer[i], s.Momentum) + Unfused.Mul(g, s.OneMinusDampening);
            newBuffer[i] = m;
            var d = s.Nesterov != 0 ? g + Unfused.Mul(m, s.Momentum) : m;
            p[i] -= Unfused.Mul(d, s.Lr);
        }
    }
}
