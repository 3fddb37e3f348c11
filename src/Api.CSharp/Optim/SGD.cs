using System.Numerics;
using Hybrid.Cpu;
using Hybrid.NN;

namespace Hybrid.Optim;

/// <summary>
/// Stochastic gradient descent, optionally with momentum (torch.optim.SGD). Per step, with g the
/// gradient (−g when maximizing): g ← g + weightDecay·p; with momentum, b ← g on the first step,
/// else b ← momentum·b + (1 − dampening)·g, and g ← g + momentum·b (nesterov) or g ← b;
/// finally p ← p − lr·g. State per parameter: "momentum_buffer" (only when momentum ≠ 0).
/// </summary>
public class SGD : Optimizer
{
    /// <summary>SGD over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize (e.g. <c>model.Parameters()</c>).</param>
    /// <param name="lr">Learning rate (default 1e-3).</param>
    /// <param name="momentum">Momentum factor (default 0).</param>
    /// <param name="dampening">Dampening for momentum (default 0).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (default 0).</param>
    /// <param name="nesterov">Nesterov momentum (default false; needs momentum &gt; 0 and dampening 0).</param>
    /// <param name="maximize">Maximize the objective instead of minimizing (default false).</param>
    public SGD(IEnumerable<Parameter> parameters, double lr = 1e-3, double momentum = 0, double dampening = 0,
               double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this(new[] { new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters))) }, lr, momentum, dampening, weightDecay, nesterov, maximize)
    {
    }

    /// <summary>SGD over parameter groups; options a group leaves unset take these values.</summary>
    public SGD(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, double momentum = 0, double dampening = 0,
               double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["momentum"] = momentum, ["dampening"] = dampening,
            ["weight_decay"] = weightDecay, ["nesterov"] = nesterov, ["maximize"] = maximize,
        }, Validate)
    {
    }

    static void Validate(ParamGroup g)
    {
        OptimChecks.LrAndWeightDecay(nameof(SGD), g);
        OptimChecks.NonNegative(nameof(SGD), "momentum value", g.Momentum, "momentum");
        if (g.GetBool("nesterov") && (g.Momentum <= 0 || g.GetDouble("dampening") != 0))
            throw new ArgumentException($"{nameof(SGD)}: Nesterov momentum requires a momentum and zero dampening (momentum={OptimChecks.Fmt(g.Momentum)}, dampening={OptimChecks.Fmt(g.GetDouble("dampening"))})", "nesterov");
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group)
    {
        var lr = group.Lr;
        var momentum = group.Momentum;
        var dampening = group.GetDouble("dampening");
        var nesterov = group.GetBool("nesterov");
        var weightDecay = group.WeightDecay;
        var maximize = group.GetBool("maximize");
        foreach (var (p, grad) in WithGrad(group))
        {
            if (FusedStep(p, grad, momentum != 0 ? StateOf(p) : null, lr, momentum, dampening, nesterov, weightDecay, maximize))
                continue;
            var d = TensorMath.EffectiveGrad(grad, p, maximize, weightDecay);
            if (momentum != 0)
            {
                var state = StateOf(p);
                Tensor buf;
                if (state.TryGetValue("momentum_buffer", out var old))
                    buf = (Tensor)old * momentum + d * (1 - dampening);
                else
                    buf = ReferenceEquals(d, grad) ? grad.Clone() : d;
                state["momentum_buffer"] = buf;
                d = nesterov ? d + buf * momentum : buf;
            }
            p.Copy_(p.Detach() - d * lr);
        }
    }

    /// <summary>
    /// The update above in one pass, for contiguous float32 CPU tensors: the same float32
    /// operations in the same order (so bit-identical results), without the temporaries. The
    /// momentum buffer is still a fresh tensor each step, as out of place. False when it does
    /// not apply (other dtypes or devices, strided or overlapping tensors).
    /// </summary>
    static bool FusedStep(Parameter p, Tensor grad, Dictionary<string, object>? state, double lr, double momentum,
                          double dampening, bool nesterov, double weightDecay, bool maximize)
    {
        if (p.storage is not CpuStorage<float> ps || grad.storage is not CpuStorage<float> gs) return false;
        if (!p.IsContiguous || !grad.IsContiguous || !p.shape.AsSpan().SequenceEqual(grad.shape)) return false;
        if (ReferenceEquals(ps, gs)) return false;
        int n = Layout.Count(p.shape);
        CpuStorage<float>? bs = null;
        Tensor? oldBuf = null;
        if (state is not null && state.TryGetValue("momentum_buffer", out var o))
        {
            oldBuf = o as Tensor;
            if (oldBuf is null || oldBuf.storage is not CpuStorage<float> b || !oldBuf.IsContiguous
                || !oldBuf.shape.AsSpan().SequenceEqual(p.shape) || ReferenceEquals(b, ps)) return false;
            bs = b;
        }
        var pv = ps.Data.AsSpan(p.offset, n);
        var gv = gs.Data.AsSpan(grad.offset, n);
        float lrf = (float)lr, wdf = (float)weightDecay, mf = (float)momentum, df = (float)(1 - dampening);
        if (state is null)
        {
            for (int i = 0; i < n; i++)
            {
                float g = maximize ? -gv[i] : gv[i];
                if (weightDecay != 0) g += pv[i] * wdf;
                pv[i] -= g * lrf;
            }
        }
        else
        {
            var nb = Storages.Uninitialized<float>(n);
            if (bs is null)
            {
                for (int i = 0; i < n; i++)
                {
                    float g = maximize ? -gv[i] : gv[i];
                    if (weightDecay != 0) g += pv[i] * wdf;
                    nb[i] = g;
                    float d = nesterov ? g + g * mf : g;
                    pv[i] -= d * lrf;
                }
            }
            else
            {
                var bv = bs.Data.AsSpan(oldBuf!.offset, n);
                if (!maximize && weightDecay == 0 && !nesterov)
                    PlainMomentum(pv, gv, bv, nb, mf, df, lrf);
                else
                    for (int i = 0; i < n; i++)
                    {
                        float g = maximize ? -gv[i] : gv[i];
                        if (weightDecay != 0) g += pv[i] * wdf;
                        float b = bv[i] * mf + g * df;
                        nb[i] = b;
                        float d = nesterov ? g + b * mf : b;
                        pv[i] -= d * lrf;
                    }
            }
            state["momentum_buffer"] = Prim.Plain(new CpuStorage<float>(nb), p.Shape);
        }
        ps.MarkWritten("Copy_");
        return true;
    }

    /// <summary>b′ = b·m + g·(1 − dampening); p −= b′·lr, vectorized (each lane the same float32 ops).</summary>
    static void PlainMomentum(Span<float> p, ReadOnlySpan<float> g, ReadOnlySpan<float> b, Span<float> nb, float m, float df, float lr)
    {
        int n = p.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vm = new Vector<float>(m); var vd = new Vector<float>(df); var vl = new Vector<float>(lr);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                var bb = new Vector<float>(b.Slice(i)) * vm + new Vector<float>(g.Slice(i)) * vd;
                bb.CopyTo(nb.Slice(i));
                (new Vector<float>(p.Slice(i)) - bb * vl).CopyTo(p.Slice(i));
            }
        }
        for (; i < n; i++)
        {
            float bb = b[i] * m + g[i] * df;
            nb[i] = bb;
            p[i] -= bb * lr;
        }
    }
}
