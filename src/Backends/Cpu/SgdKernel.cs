using System.Numerics;

namespace Hybrid.Cpu;

/// <summary>
/// torch.optim.SGD's update in one pass over contiguous float32 storages: the same float32
/// operations in the same order as the out-of-place update (bit-identical), without its
/// temporaries. Other dtypes or layouts return false, and the caller takes the general path.
/// </summary>
internal static class SgdKernel
{
    public static bool TryStep(Strided param, Strided grad, Strided? buffer, SgdOptions o, out Storage? newBuffer)
    {
        newBuffer = null;
        if (!AdamKernel.Float32(param, param) || !AdamKernel.Float32(grad, param) || ReferenceEquals(param.Storage, grad.Storage)) return false;
        if (buffer is { } b && (!AdamKernel.Float32(b, param) || ReferenceEquals(b.Storage, param.Storage))) return false;
        var (ps, gs) = ((CpuStorage<float>)param.Storage, (CpuStorage<float>)grad.Storage);
        var bs = (CpuStorage<float>?)buffer?.Storage;
        var n = param.Count;
        var pv = ps.Data.AsSpan(param.Offset, n);
        var gv = gs.Data.AsSpan(grad.Offset, n);
        float lrf = (float)o.Lr, wdf = (float)o.WeightDecay, mf = (float)o.Momentum, df = (float)(1 - o.Dampening);
        if (o.Momentum == 0)
        {
            for (int i = 0; i < n; i++)
            {
                float g = o.Maximize ? -gv[i] : gv[i];
                if (o.WeightDecay != 0) g += pv[i] * wdf;
                pv[i] -= g * lrf;
            }
            return true;
        }
        if (bs is null)
        {
            // First step: the buffer starts as the gradient itself (no dampening), as PyTorch.
            var nb = Storages.Uninitialized<float>(n);
            for (int i = 0; i < n; i++)
            {
                float g = o.Maximize ? -gv[i] : gv[i];
                if (o.WeightDecay != 0) g += pv[i] * wdf;
                nb[i] = g;
                float d = o.Nesterov ? g + g * mf : g;
                pv[i] -= d * lrf;
            }
            newBuffer = new CpuStorage<float>(nb);
        }
        else
        {
            // Later steps update the buffer in place, as PyTorch (each element read before it is written).
            var bv = bs.Data.AsSpan(buffer!.Value.Offset, n);
            newBuffer = bs;
            if (!o.Maximize && o.WeightDecay == 0 && !o.Nesterov)
                PlainMomentum(pv, gv, bv, mf, df, lrf);
            else
                for (int i = 0; i < n; i++)
                {
                    float g = o.Maximize ? -gv[i] : gv[i];
                    if (o.WeightDecay != 0) g += pv[i] * wdf;
                    float m = bv[i] * mf + g * df;
                    bv[i] = m;
                    float d = o.Nesterov ? g + m * mf : m;
                    pv[i] -= d * lrf;
                }
        }
        return true;
    }

    /// <summary>b ← b·m + g·(1 − dampening); p −= b·lr, vectorized (each lane the same float32 ops).</summary>
    static void PlainMomentum(Span<float> p, ReadOnlySpan<float> g, Span<float> b, float m, float df, float lr)
    {
        int n = p.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vm = new Vector<float>(m); var vd = new Vector<float>(df); var vl = new Vector<float>(lr);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var bb = new Vector<float>(b.Slice(i)) * vm + new Vector<float>(g.Slice(i)) * vd;
                bb.CopyTo(b.Slice(i));
                (new Vector<float>(p.Slice(i)) - bb * vl).CopyTo(p.Slice(i));
            }
        }
        for (; i < n; i++)
        {
            float bb = b[i] * m + g[i] * df;
            b[i] = bb;
            p[i] -= bb * lr;
        }
    }
}
