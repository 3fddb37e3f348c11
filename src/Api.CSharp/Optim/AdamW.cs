using Hybrid.NN;

namespace Hybrid.Optim;

/// <summary>
/// Adam with decoupled weight decay (torch.optim.AdamW): each step first multiplies the parameter
/// by (1 − lr·weightDecay), then applies the Adam update of <see cref="Adam"/> to the plain gradient.
/// Defaults as PyTorch: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 1e-2.
/// </summary>
public class AdamW : Adam
{
    /// <summary>AdamW over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">Learning rate (default 1e-3).</param>
    /// <param name="betas">Running-average coefficients (default (0.9, 0.999)); each in [0, 1).</param>
    /// <param name="eps">Added to the denominator (default 1e-8).</param>
    /// <param name="weightDecay">Decoupled weight decay coefficient (default 1e-2).</param>
    /// <param name="amsgrad">AMSGrad variant (default false).</param>
    /// <param name="maximize">Maximize the objective (default false).</param>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : this(new[] { new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters))) }, lr, betas, eps, weightDecay, amsgrad, maximize)
    {
    }

    /// <summary>AdamW over parameter groups; options a group leaves unset take these values.</summary>
    public AdamW(IEnumerable<ParamGroup> paramGroups, double lr = 1e-3, (double, double)? betas = null, double eps = 1e-8,
                 double weightDecay = 1e-2, bool amsgrad = false, bool maximize = false)
        : base(paramGroups, lr, betas ?? (0.9, 0.999), eps, weightDecay, amsgrad, maximize, decoupled: true)
    {
    }
}
