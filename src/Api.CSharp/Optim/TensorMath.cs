namespace Hybrid.Optim;

/// <summary>Small tensor formulas the optimizers share, written as PyTorch's kernels compute them.</summary>
internal static class TensorMath
{
    /// <summary>a + w·(b − a), evaluated as PyTorch's lerp kernel does (from the nearer end).</summary>
    public static Tensor Lerp(Tensor a, Tensor b, double w) =>
        w < 0.5 ? a + (b - a) * w : b - (b - a) * (1 - w);

    /// <summary>
    /// The parameter and gradient an Adam-family step works from: with decoupled weight decay
    /// (AdamW) the parameter scaled by 1 − lr·weightDecay and the plain gradient, otherwise the
    /// parameter and the gradient plus weightDecay·p (both negated first when maximizing).
    /// </summary>
    public static (Tensor Param, Tensor Grad) WithWeightDecay(Tensor param, Tensor grad, double lr, double weightDecay, bool decoupled, bool maximize)
    {
        var p = param.Detach();
        if (!decoupled) return (p, EffectiveGrad(grad, param, maximize, weightDecay));
        return (weightDecay != 0 ? p * (1 - lr * weightDecay) : p, maximize ? -grad : grad);
    }

    /// <summary>The gradient, negated when maximizing, plus the L2 term weightDecay·p.</summary>
    public static Tensor EffectiveGrad(Tensor grad, Tensor param, bool maximize, double weightDecay)
    {
        var g = maximize ? -grad : grad;
        return weightDecay != 0 ? g + param.Detach() * weightDecay : g;
    }
}
