using Hybrid.NN;

namespace Hybrid.Optim;

/// <summary>
/// Adam with Nesterov momentum (torch.optim.NAdam). Per step t, with g the gradient (plus
/// weightDecay·p, or with p first scaled by 1 − lr·weightDecay when decoupled):
/// μ_t = β₁(1 − ½·0.96^(t·ψ)), Π_t = Π_{t−1}·μ_t, m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g²,
/// d = √(v / (1 − β₂ᵗ)) + eps, p ← p − lr(1 − μ_t)/(1 − Π_t)·g/d − lr·μ_{t+1}/(1 − Π_t·μ_{t+1})·m/d,
/// ψ being momentumDecay. State per parameter: "step", "mu_product", "exp_avg", "exp_avg_sq".
/// </summary>
public class NAdam : Optimizer
{
    /// <summary>NAdam over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default 2e-3).</param>
    /// <param name="betas">Running-average coefficients (default (0.9, 0.999)); each in [0, 1).</param>
    /// <param name="eps">Added to the denominator (default 1e-8).</param>
    /// <param name="weightDecay">Weight decay (default 0).</param>
    /// <param name="momentumDecay">ψ, how fast the momentum schedule rises (default 4e-3).</param>
    /// <param name="decoupledWeightDecay">Scale the parameter, as AdamW, instead of adding to the gradient (default false).</param>
    public NAdam(IEnumerable<Parameter> parameters, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 0, double momentumDecay = 4e-3, bool decoupledWeightDecay = false)
        : this(new[] { new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters))) }, lr, betas, eps, weightDecay, momentumDecay, decoupledWeightDecay)
    {
    }

    /// <summary>NAdam over parameter groups; options a group leaves unset take these values.</summary>
    public NAdam(IEnumerable<ParamGroup> paramGroups, double lr = 2e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 0, double momentumDecay = 4e-3, bool decoupledWeightDecay = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["momentum_decay"] = momentumDecay, ["decoupled_weight_decay"] = decoupledWeightDecay,
        }, Validate)
    {
    }

    static void Validate(ParamGroup g)
    {
        OptimChecks.LrAndWeightDecay(nameof(NAdam), g);
        OptimChecks.NonNegative(nameof(NAdam), "epsilon value", g.GetDouble("eps"), "eps");
        OptimChecks.Betas(nameof(NAdam), g.Betas, "betas");
        OptimChecks.NonNegative(nameof(NAdam), "momentum_decay value", g.GetDouble("momentum_decay"), "momentumDecay");
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group)
    {
        var lr = group.Lr;
        var (beta1, beta2) = group.Betas;
        var eps = group.GetDouble("eps");
        var weightDecay = group.WeightDecay;
        var momentumDecay = group.GetDouble("momentum_decay");
        var decoupled = group.GetBool("decoupled_weight_decay");
        foreach (var (p, grad) in WithGrad(group))
        {
            var state = StateOf(p);
            if (state.Count == 0)
            {
                state["step"] = 0.0;
                state["mu_product"] = 1.0;
                state["exp_avg"] = Torch.ZerosLike(p.Detach());
                state["exp_avg_sq"] = Torch.ZerosLike(p.Detach());
            }
            var step = (double)state["step"] + 1;
            state["step"] = step;
            var (param, g) = TensorMath.WithWeightDecay(p, grad, lr, weightDecay, decoupled, maximize: false);

            var mu = beta1 * (1 - 0.5 * Math.Pow(0.96, step * momentumDecay));
            var muNext = beta1 * (1 - 0.5 * Math.Pow(0.96, (step + 1) * momentumDecay));
            var muProduct = (double)state["mu_product"] * mu;
            state["mu_product"] = muProduct;
            var expAvg = TensorMath.Lerp((Tensor)state["exp_avg"], g, 1 - beta1);
            var expAvgSq = (Tensor)state["exp_avg_sq"] * beta2 + g * g * (1 - beta2);
            state["exp_avg"] = expAvg;
            state["exp_avg_sq"] = expAvgSq;
            var denom = (expAvgSq / (1 - Math.Pow(beta2, step))).Sqrt() + eps;
            var update = g / denom * (lr * (1 - mu) / (1 - muProduct)) + expAvg / denom * (lr * muNext / (1 - muProduct * muNext));
            p.Copy_(param - update);
        }
    }
}
