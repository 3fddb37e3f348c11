using Hybrid.NN;

namespace Hybrid.Optim;

/// <summary>
/// Adagrad (torch.optim.Adagrad). Per step t, with g the gradient (−g when maximizing):
/// g ← g + weightDecay·p, clr = lr / (1 + (t − 1)·lrDecay), s ← s + g²,
/// p ← p − clr · g / (√s + eps). The accumulator s starts at initialAccumulatorValue and, as in
/// PyTorch, is created for every parameter when the optimizer is constructed.
/// State per parameter: "step", "sum".
/// </summary>
public class Adagrad : Optimizer
{
    /// <summary>Adagrad over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default 1e-2).</param>
    /// <param name="lrDecay">Learning-rate decay (default 0).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (default 0).</param>
    /// <param name="initialAccumulatorValue">Starting value of the squared-gradient sums (default 0).</param>
    /// <param name="eps">Added to the denominator (default 1e-10).</param>
    /// <param name="maximize">Maximize the objective (default false).</param>
    public Adagrad(IEnumerable<Parameter> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
                   double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : this(new[] { new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters))) }, lr, lrDecay, weightDecay, initialAccumulatorValue, eps, maximize)
    {
    }

    /// <summary>Adagrad over parameter groups; options a group leaves unset take these values.</summary>
    public Adagrad(IEnumerable<ParamGroup> paramGroups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0,
                   double initialAccumulatorValue = 0, double eps = 1e-10, bool maximize = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["lr_decay"] = lrDecay, ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["initial_accumulator_value"] = initialAccumulatorValue, ["maximize"] = maximize,
        }, Validate)
    {
    }

    static void Validate(ParamGroup g)
    {
        OptimChecks.LrAndWeightDecay(nameof(Adagrad), g);
        OptimChecks.NonNegative(nameof(Adagrad), "lr_decay value", g.GetDouble("lr_decay"), "lrDecay");
        OptimChecks.NonNegative(nameof(Adagrad), "initial_accumulator_value value", g.GetDouble("initial_accumulator_value"), "initialAccumulatorValue");
        OptimChecks.NonNegative(nameof(Adagrad), "epsilon value", g.GetDouble("eps"), "eps");
    }

    /// <summary>Creates each parameter's "step" and "sum" (PyTorch does this in the constructor).</summary>
    protected override void OnGroupAdded(ParamGroup group)
    {
        var initial = group.GetDouble("initial_accumulator_value");
        foreach (var p in group.Params)
        {
            var state = StateOf(p);
            state["step"] = 0.0;
            state["sum"] = Torch.FullLike(p.Detach(), initial);
        }
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group)
    {
        var lr = group.Lr;
        var lrDecay = group.GetDouble("lr_decay");
        var eps = group.GetDouble("eps");
        var weightDecay = group.WeightDecay;
        var maximize = group.GetBool("maximize");
        foreach (var (p, grad) in WithGrad(group))
        {
            var state = StateOf(p);
            if (state.Count == 0) { state["step"] = 0.0; state["sum"] = Torch.FullLike(p.Detach(), group.GetDouble("initial_accumulator_value")); }
            var step = (double)state["step"] + 1;
            state["step"] = step;
            var g = TensorMath.EffectiveGrad(grad, p, maximize, weightDecay);
            var clr = lr / (1 + (step - 1) * lrDecay);
            var sum = (Tensor)state["sum"] + g * g;
            state["sum"] = sum;
            p.Copy_(p.Detach() - g / (sum.Sqrt() + eps) * clr);
        }
    }
}
