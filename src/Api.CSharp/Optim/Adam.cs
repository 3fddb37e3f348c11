using Hybrid.NN;

namespace Hybrid.Optim;

/// <summary>
/// Adam (torch.optim.Adam). Per step t, with g the gradient (−g when maximizing):
/// g ← g + weightDecay·p (L2; AdamW decays p instead), m ← β1·m + (1 − β1)·g,
/// v ← β2·v + (1 − β2)·g², v̂max ← max(v̂max, v) with amsgrad,
/// p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps) (√v̂max in place of √v with amsgrad).
/// State per parameter: "step", "exp_avg", "exp_avg_sq", and "max_exp_avg_sq" with amsgrad.
/// </summary>
public class Adam : Optimizer
{
    /// <summary>Adam over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default 1e-3).</param>
    /// <param name="betas">Coefficients of the running averages of the gradient and its square (default (0.9, 0.999)); each in [0, 1).</param>
    /// <param name="eps">Added to the denominator for numerical stability (default 1e-8).</param>
    /// <param name="weightDecay">L2 penalty added to the gradient (default 0).</param>
    /// <param name="amsgrad">Use the maximum of past squared-gradient averages (AMSGrad, default false).</param>
    /// <param name="maximize">Maximize the objective (default false).</param>
    public Adam(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(new[] { new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters))) }, lr, betas, eps, weightDecay, amsgrad, maximize)
    {
    }

    /// <summary>Adam over parameter groups; options a group leaves unset take these values.</summary>
    public Adam(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : this(paramGroups, lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize, decoupled: false)
    {
    }

    /// <summary>For AdamW: the same algorithm with decoupled weight decay.</summary>
    private protected Adam(IEnumerable<ParamGroup> paramGroups, double lr, (double, double) betas, double eps,
                           double weightDecay, bool amsgrad, bool maximize, bool decoupled)
        : base(paramGroups, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["betas"] = betas, ["eps"] = eps, ["weight_decay"] = weightDecay,
            ["amsgrad"] = amsgrad, ["maximize"] = maximize,
        }, decoupled ? ValidateAdamW : ValidateAdam)
    {
        Decoupled = decoupled;
    }

    /// <summary>True for AdamW: weight decay multiplies the parameter by (1 − lr·weightDecay) instead of entering the gradient.</summary>
    protected bool Decoupled { get; }

    static void ValidateAdam(ParamGroup g) => Validate("Adam", g);
    static void ValidateAdamW(ParamGroup g) => Validate("AdamW", g);

    static void Validate(string name, ParamGroup g)
    {
        OptimChecks.LrAndWeightDecay(name, g);
        OptimChecks.NonNegative(name, "epsilon value", g.GetDouble("eps"), "eps");
        OptimChecks.Betas(name, g.Betas, "betas");
    }

    /// <inheritdoc/>
    protected override void Update(ParamGroup group)
    {
        var lr = group.Lr;
        var (beta1, beta2) = group.Betas;
        var eps = group.GetDouble("eps");
        var weightDecay = group.WeightDecay;
        var amsgrad = group.GetBool("amsgrad");
        var maximize = group.GetBool("maximize");
        foreach (var (p, grad) in WithGrad(group))
        {
            var state = StateOf(p);
            if (state.Count == 0)
            {
                state["step"] = 0.0;
                state["exp_avg"] = Torch.ZerosLike(p.Detach());
                state["exp_avg_sq"] = Torch.ZerosLike(p.Detach());
                if (amsgrad) state["max_exp_avg_sq"] = Torch.ZerosLike(p.Detach());
            }
            var step = (double)state["step"] + 1;
            state["step"] = step;
            if (!amsgrad && FusedStep(p, grad, state, new AdamOptions(lr, beta1, beta2, eps, weightDecay, Decoupled, maximize, step)))
                continue;

            var (param, g) = TensorMath.WithWeightDecay(p, grad, lr, weightDecay, Decoupled, maximize);

            var expAvg = TensorMath.Lerp((Tensor)state["exp_avg"], g, 1 - beta1);
            var expAvgSq = (Tensor)state["exp_avg_sq"] * beta2 + g * g * (1 - beta2);
            state["exp_avg"] = expAvg;
            state["exp_avg_sq"] = expAvgSq;

            var stepSize = lr / (1 - Math.Pow(beta1, step));
            var biasCorrection2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, step));
            var second = expAvgSq;
            if (amsgrad)
            {
                var max = state.TryGetValue("max_exp_avg_sq", out var m) ? ((Tensor)m).Maximum(expAvgSq) : expAvgSq;
                state["max_exp_avg_sq"] = second = max;
            }
            var denom = second.Sqrt() / biasCorrection2Sqrt + eps;
            p.Copy_(param - expAvg / denom * stepSize);
        }
    }

    /// <summary>
    /// The update above as one backend kernel when the device offers it for these operands
    /// (bit-identical results); false sends the caller down the general path.
    /// </summary>
    static bool FusedStep(Parameter p, Tensor grad, Dictionary<string, object> state, AdamOptions options)
    {
        if (state["exp_avg"] is not Tensor m || state["exp_avg_sq"] is not Tensor v) return false;
        if (!p.backend.TryAdamStep(p.strided, grad.strided, m.strided, v.strided, options, out var newM, out var newV)) return false;
        state["exp_avg"] = Prim.Plain(newM!, p.Shape);
        state["exp_avg_sq"] = Prim.Plain(newV!, p.Shape);
        p.storage.MarkWritten("Adam.Step");
        return true;
    }
}
