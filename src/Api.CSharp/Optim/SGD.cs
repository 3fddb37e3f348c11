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
            if (FusedStep(p, grad, momentum != 0 ? StateOf(p) : null, new SgdOptions(lr, momentum, dampening, nesterov, weightDecay, maximize)))
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
    /// The update above as one backend kernel when the device offers it for these operands
    /// (bit-identical results); false sends the caller down the general path.
    /// </summary>
    static bool FusedStep(Parameter p, Tensor grad, Dictionary<string, object>? state, SgdOptions options)
    {
        Strided? buffer = state is not null && state.TryGetValue("momentum_buffer", out var o) && o is Tensor b ? b.strided : null;
        if (state is not null && state.ContainsKey("momentum_buffer") && buffer is null) return false;
        if (!p.backend.TrySgdStep(p.strided, grad.strided, buffer, options, out var newBuffer)) return false;
        if (buffer is { } old && ReferenceEquals(newBuffer, old.Storage)) newBuffer.MarkWritten("SGD.Step");
        else if (newBuffer is not null) state!["momentum_buffer"] = Prim.Plain(newBuffer, p.Shape);
        p.storage.MarkWritten("SGD.Step");
        return true;
    }
}
