namespace Hybrid.NN;

/// <summary>torch.nn.utils: gradient clipping.</summary>
public static partial class Utils
{
    /// <summary>
    /// Scales the gradients of <paramref name="parameters"/> in place so that their total norm
    /// (the <paramref name="normType"/>-norm of all gradients together) is at most
    /// <paramref name="maxNorm"/>: each is multiplied by min(1, maxNorm / (total + 1e-6)), as
    /// torch.nn.utils.clip_grad_norm_. Parameters without a gradient are ignored. Returns the total
    /// norm before clipping (0 when no parameter has a gradient).
    /// </summary>
    /// <param name="parameters">Parameters (or tensors) whose gradients to clip.</param>
    /// <param name="maxNorm">Maximum total norm.</param>
    /// <param name="normType">p of the p-norm (default 2); <c>double.PositiveInfinity</c> for the max norm.</param>
    /// <param name="errorIfNonfinite">Throw when the total norm is NaN or infinite (default false).</param>
    public static Tensor ClipGradNorm_(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var grads = parameters.Where(p => p?.Grad is not null).Select(p => p.Grad).ToList();
        if (grads.Count == 0) return Torch.Tensor(0f);
        Tensor total;
        using (Torch.NoGrad())
        {
            var dtype = grads[0].DType;
            var norms = grads.Select(g => VectorNorm(g.Detach(), normType).To(dtype)).ToArray();
            total = norms.Length == 1 ? norms[0] : VectorNorm(Torch.Stack(norms), normType);
            if (errorIfNonfinite)
            {
                var v = total.ToDouble();
                if (double.IsNaN(v) || double.IsInfinity(v))
                    throw new InvalidOperationException($"ClipGradNorm_: The total norm of order {normType} for gradients from `parameters` is non-finite ({v}), so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false");
            }
            var coef = (maxNorm / (total + 1e-6)).ClampMax(1.0);
            foreach (var g in grads) g.Mul_(coef);
        }
        return total;
    }

    /// <summary>
    /// Clamps every gradient of <paramref name="parameters"/> in place to [−clipValue, clipValue]
    /// (torch.nn.utils.clip_grad_value_). Parameters without a gradient are ignored.
    /// </summary>
    public static void ClipGradValue_(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using (Torch.NoGrad())
            foreach (var p in parameters)
                p?.Grad?.Clamp_(-clipValue, clipValue);
    }

    /// <summary>torch.linalg.vector_norm over all elements: (Σ|x|ᵖ)^(1/p), max|x| for ∞, min|x| for −∞, the count of non-zeros for 0.</summary>
    static Tensor VectorNorm(Tensor x, double p)
    {
        var a = x.Abs();
        if (double.IsPositiveInfinity(p)) return a.Max();
        if (double.IsNegativeInfinity(p)) return a.Min();
        if (p == 0) return a.Ne(0.0).To(x.DType).Sum();
        if (p == 1) return a.Sum();
        if (p == 2) return (a * a).Sum().Sqrt();
        return a.Pow(p).Sum().Pow(1 / p);
    }
}
