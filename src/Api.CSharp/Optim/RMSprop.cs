using Hybrid.NN;

namespace Hybrid.Optim;

/// <summary>
/// RMSprop (torch.optim.RMSprop). Per step, with g the gradient (−g when maximizing):
/// g ← g + weightDecay·p, v ← α·v + (1 − α)·g²; centered: ḡ ← α·ḡ + (1 − α)·g and
/// avg = √(v − ḡ²) + eps, else avg = √v + eps; with momentum b ← momentum·b + g/avg and
/// p ← p − lr·b, else p ← p − lr·g/avg. State per parameter: "step", "square_avg",
/// "momentum_buffer" (momentum &gt; 0) and "grad_avg" (centered).
/// </summary>
public class RMSprop : Optimizer
{
    /// <summary>RMSprop over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default 1e-2).</param>
    /// <param name="alpha">Smoothing constant of the squared-gradient average (default 0.99).</param>
    /// <param name="eps">Added to the denominator (default 1e-8).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (default 0).</param>
    /// <param name="momentum">Momentum factor (default 0).</param>
    /// <param name="centered">Normalise by an estimate of the gradient's variance (default false).</param>
    /// <param name="maximize">Maximize the objective (default false).</param>
    public RMSprop(IEnumerable<Parameter> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
                   double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : this(new[] { new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters))) }, lr, alpha, eps, weightDecay, momentum, centered, maximize)
    {
    }

    /// <summary>RMSprop over parameter groups; options a group leaves unset take these values.</summary>
    public RMSprop(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
                   double weightDecay = 0, double momentum = 0, bool centered = false, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["momentum"] = momentum, ["alpha"] = alpha, ["eps"] = eps,
            ["centered"] = centered, ["weight_decay"] = weightDecay, ["maximize"] = maximize,
        }, Validate)
    {
    }

    static void Validate(ParamGroup g)
    {
        OptimChecks.LrAndWeightDecay(nameof(RMSprop), g);
        OptimChecks.NonNegative(nameof(RMSprop), "epsilon value", g.GetDouble("eps"), "eps");
        OptimChecks.NonNegative(nameof(RMSprop), "momentum value", g.Momentum, "momentum");
        OptimChecks.NonNegative(nameof(RMSprop), "alpha value", g.GetDouble("alpha"), "alpha");
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group)
    {
        var lr = group.Lr;
        var alpha = group.GetDouble("alpha");
        var eps = group.GetDouble("eps");
        var weightDecay = group.WeightDecay;
        var momentum = group.Momentum;
        var centered = group.GetBool("centered");
        var maximize = group.GetBool("maximize");
        foreach (var (p, grad) in WithGrad(group))
        {
            var state = StateOf(p);
            if (state.Count == 0)
            {
                state["step"] = 0.0;
                state["square_avg"] = Torch.ZerosLike(p.Detach());
            }
            state["step"] = (double)state["step"] + 1;
            var g = TensorMath.EffectiveGrad(grad, p, maximize, weightDecay);

            var squareAvg = (Tensor)state["square_avg"] * alpha + g * g * (1 - alpha);
            state["square_avg"] = squareAvg;
            Tensor avg;
            if (centered)
            {
                var previous = state.TryGetValue("grad_avg", out var ga) ? (Tensor)ga : Torch.ZerosLike(g);
                var gradAvg = TensorMath.Lerp(previous, g, 1 - alpha);
                state["grad_avg"] = gradAvg;
                avg = (squareAvg - gradAvg * gradAvg).Sqrt() + eps;
            }
            else avg = squareAvg.Sqrt() + eps;

            if (momentum > 0)
            {
                var previous = state.TryGetValue("momentum_buffer", out var b) ? (Tensor)b : Torch.ZerosLike(g);
                var buf = previous * momentum + g / avg;
                state["momentum_buffer"] = buf;
                p.Copy_(p.Detach() - buf * lr);
            }
            else p.Copy_(p.Detach() - g / avg * lr);
        }
    }
}
