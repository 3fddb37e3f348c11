using Hybrid.NN;

namespace Hybrid.Optim;

/// <summary>
/// Rectified Adam (torch.optim.RAdam). Per step t, with g the gradient (plus weightDecay·p, or
/// with p first scaled by 1 − lr·weightDecay when decoupled): m ← β₁m + (1 − β₁)g,
/// v ← β₂v + (1 − β₂)g², m̂ = m/(1 − β₁ᵗ), ρ∞ = 2/(1 − β₂) − 1, ρ_t = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ).
/// While ρ_t ≤ 5 the variance of the adaptive rate is not yet tractable and p ← p − lr·m̂ (SGD
/// with momentum); after, p ← p − lr·m̂·r_t·√(1 − β₂ᵗ)/(√v + eps), with the rectification
/// r_t = √((ρ_t − 4)(ρ_t − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρ_t)). State: "step", "exp_avg", "exp_avg_sq".
/// </summary>
public class RAdam : Optimizer
{
    /// <summary>RAdam over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default 1e-3).</param>
    /// <param name="betas">Running-average coefficients (default (0.9, 0.999)); each in [0, 1).</param>
    /// <param name="eps">Added to the denominator (default 1e-8).</param>
    /// <param name="weightDecay">Weight decay (default 0).</param>
    /// <param name="decoupledWeightDecay">Scale the parameter, as AdamW, instead of adding to the gradient (default false).</param>
    public RAdam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 0, bool decoupledWeightDecay = false)
        : this(new[] { new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters))) }, lr, betas, eps, weightDecay, decoupledWeightDecay)
    {
    }

    /// <summary>RAdam over parameter groups; options a group leaves unset take these values.</summary>
    public RAdam(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 0, bool decoupledWeightDecay = false)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["betas"] = betas ?? (0.9, 0.999), ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["decoupled_weight_decay"] = decoupledWeightDecay,
        }, Validate)
    {
    }

    static void Validate(ParamGroup g)
    {
        OptimChecks.LrAndWeightDecay(nameof(RAdam), g);
        OptimChecks.NonNegative(nameof(RAdam), "epsilon value", g.GetDouble("eps"), "eps");
        OptimChecks.Betas(nameof(RAdam), g.Betas, "betas");
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group)
    {
        var lr = group.Lr;
        var (beta1, beta2) = group.Betas;
        var eps = group.GetDouble("eps");
        var weightDecay = group.WeightDecay;
        var decoupled = group.GetBool("decoupled_weight_decay");
        var rhoInf = 2 / (1 - beta2) - 1;
        foreach (var (p, grad) in WithGrad(group))
        {
            var state = StateOf(p);
            if (state.Count == 0)
            {
                state["step"] = 0.0;
                state["exp_avg"] = Torch.ZerosLike(p.Detach());
                state["exp_avg_sq"] = Torch.ZerosLike(p.Detach());
            }
            var step = (double)state["step"] + 1;
            state["step"] = step;
            var (param, g) = TensorMath.WithWeightDecay(p, grad, lr, weightDecay, decoupled, maximize: false);

            var expAvg = TensorMath.Lerp((Tensor)state["exp_avg"], g, 1 - beta1);
            var expAvgSq = (Tensor)state["exp_avg_sq"] * beta2 + g * g * (1 - beta2);
            state["exp_avg"] = expAvg;
            state["exp_avg_sq"] = expAvgSq;
            var corrected = expAvg / (1 - Math.Pow(beta1, step));
            var biasCorrection2 = 1 - Math.Pow(beta2, step);
            var rho = rhoInf - 2 * step * Math.Pow(beta2, step) / biasCorrection2;
            if (rho > 5)
            {
                var rect = Math.Sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho));
                p.Copy_(param - corrected * (lr * rect * Math.Sqrt(biasCorrection2)) / (expAvgSq.Sqrt() + eps));
            }
            else p.Copy_(param - corrected * lr);
        }
    }
}
