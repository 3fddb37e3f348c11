using System.Runtime.Intrinsics;

namespace Hybrid.Cpu;

/// <summary>
/// torch.optim.Adam's (and AdamW's) update in one pass over contiguous float32 storages: the
/// same float32 operations in the same order as the out-of-place update (bit-identical; no
/// fused multiply-adds), without its temporaries. Other dtypes or layouts return false.
/// </summary>
internal static class AdamKernel
{
    public static bool TryStep(Strided param, Strided grad, Strided expAvg, Strided expAvgSq, AdamOptions o, out Storage? newExpAvg, out Storage? newExpAvgSq)
    {
        (newExpAvg, newExpAvgSq) = (null, null);
        if (!Float32(param, param) || !Float32(grad, param) || !Float32(expAvg, param) || !Float32(expAvgSq, param)) return false;
        var ps = param.Storage;
        if (ReferenceEquals(ps, grad.Storage) || ReferenceEquals(ps, expAvg.Storage) || ReferenceEquals(ps, expAvgSq.Storage)) return false;
        var n = param.Count;
        var p = Storages.Span<float>(ps).Slice(param.Offset, n);
        var g = Storages.Span<float>(grad.Storage).Slice(grad.Offset, n);
        var m = Storages.Span<float>(expAvg.Storage).Slice(expAvg.Offset, n);
        var v = Storages.Span<float>(expAvgSq.Storage).Slice(expAvgSq.Offset, n);
        var m2 = Storages.Uninitialized<float>(n);
        var v2 = Storages.Uninitialized<float>(n);
        var c = new Constants(o);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var (pi, mi, vi) = c.Step(Vector512.Create(p.Slice(i)), Vector512.Create(g.Slice(i)), Vector512.Create(m.Slice(i)), Vector512.Create(v.Slice(i)));
                pi.CopyTo(p.Slice(i));
                mi.CopyTo(m2.AsSpan(i));
                vi.CopyTo(v2.AsSpan(i));
            }
        for (; i < n; i++)
        {
            var (pi, mi, vi) = c.Step(Vector512.CreateScalar(p[i]), Vector512.CreateScalar(g[i]), Vector512.CreateScalar(m[i]), Vector512.CreateScalar(v[i]));
            (p[i], m2[i], v2[i]) = (pi.ToScalar(), mi.ToScalar(), vi.ToScalar());
        }
        (newExpAvg, newExpAvgSq) = (new CpuStorage<float>(m2), new CpuStorage<float>(v2));
        return true;
    }

    /// <summary>Whether an optimizer operand is a contiguous float32 CPU view of the parameter's shape (the fused steps' operands).</summary>
    internal static bool Float32(Strided x, Strided param) =>
        x.Storage is CpuStorage<float> && x.IsContiguous && x.Shape.AsSpan().SequenceEqual(param.Shape);

    /// <summary>The step's scalars, rounded to float32 as the tensor ops round their scalar operands.</summary>
    readonly struct Constants(AdamOptions o)
    {
        readonly bool maximize = o.Maximize, l2 = !o.Decoupled && o.WeightDecay != 0, shrink = o.Decoupled && o.WeightDecay != 0;
        readonly float weightDecay = (float)o.WeightDecay, keep = (float)(1 - o.Lr * o.WeightDecay);
        // lerp(m, g, w) from the nearer end, as TensorMath.Lerp (and PyTorch's kernel).
        readonly bool fromM = 1 - o.Beta1 < 0.5;
        readonly float w = (float)(1 - o.Beta1), wFromG = (float)(1 - (1 - o.Beta1));
        readonly float beta2 = (float)o.Beta2, oneMinusBeta2 = (float)(1 - o.Beta2);
        readonly float correction2 = (float)Math.Sqrt(1 - Math.Pow(o.Beta2, o.Step)), eps = (float)o.Eps;
        readonly float stepSize = (float)(o.Lr / (1 - Math.Pow(o.Beta1, o.Step)));

        /// <summary>(param′, m′, v′) from (param, grad, m, v), lane by lane.</summary>
        public (Vector512<float>, Vector512<float>, Vector512<float>) Step(Vector512<float> p, Vector512<float> g, Vector512<float> m, Vector512<float> v)
        {
            if (maximize) g = -g;
            if (l2) g += p * weightDecay;
            if (shrink) p *= keep;
            var d = g - m;
            var m2 = fromM ? m + d * w : g - d * wFromG;
            var v2 = v * beta2 + g * g * oneMinusBeta2;
            var denom = Vector512.Sqrt(v2) / correction2 + Vector512.Create(eps);
            return (p - m2 / denom * stepSize, m2, v2);
        }
    }
}
