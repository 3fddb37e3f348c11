namespace Hybrid.NN;

/// <summary>Base of the loss modules: a reduction (mean by default) and a two-argument Forward.</summary>
public abstract class Loss(Reduction reduction) : Module
{
    /// <summary>How per-element losses are combined.</summary>
    public Reduction Reduction { get; } = reduction;

    /// <summary>The loss of input against target.</summary>
    public abstract Tensor Forward(Tensor input, Tensor target);

    /// <summary>Losses take two tensors: use Forward(input, target).</summary>
    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException($"{GetType().Name} takes (input, target): call Forward(input, target)");

    /// <summary>Applies the reduction.</summary>
    protected Tensor Reduce(Tensor loss) => Reduction switch
    {
        Reduction.None => loss,
        Reduction.Sum => loss.Sum(),
        _ => loss.Mean(),
    };

    /// <summary>Fails unless input and target have one shape, naming the loss and both shapes.</summary>
    protected void SameShape(Tensor input, Tensor target)
    {
        if (!input.Shape.SequenceEqual(target.Shape))
            throw new ArgumentException($"{GetType().Name}: input shape {LayerText.Shape(input.Shape)} and target shape {LayerText.Shape(target.Shape)} must be the same");
    }

    protected override string ExtraRepr() => "";
}

/// <summary>Mean squared error (torch.nn.MSELoss).</summary>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.MseLoss(input, target, Reduction);
}

/// <summary>Mean absolute error (torch.nn.L1Loss).</summary>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.L1Loss(input, target, Reduction);
}

/// <summary>Huber-like loss with a quadratic zone of width beta, divided by beta (torch.nn.SmoothL1Loss).</summary>
public sealed class SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.SmoothL1Loss(input, target, Reduction, beta);
}

/// <summary>Huber loss: quadratic below delta, linear above (torch.nn.HuberLoss).</summary>
public sealed class HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.HuberLoss(input, target, Reduction, delta);
}

/// <summary>
/// Cross-entropy of logits (N, C) against class indices (N, Int64) or class probabilities
/// (N, C), with optional class weights, an ignored index and label smoothing (torch.nn.CrossEntropyLoss).
/// </summary>
public sealed class CrossEntropyLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignoreIndex = -100, double labelSmoothing = 0.0) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) =>
        Functional.CrossEntropy(input, target, Reduction, weight!, ignoreIndex, labelSmoothing);

    protected override string ExtraRepr() => "";
}

/// <summary>Negative log-likelihood of log-probabilities (N, C) and class indices (torch.nn.NLLLoss).</summary>
public sealed class NLLLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, long ignoreIndex = -100) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) =>
        Functional.NllLoss(input, target, Reduction, weight!, ignoreIndex);
}

/// <summary>Binary cross-entropy of probabilities in (0, 1) (torch.nn.BCELoss); logs clamped at −100 as PyTorch.</summary>
public sealed class BCELoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.BinaryCrossEntropy(input, target, Reduction, weight!);
}

/// <summary>Binary cross-entropy of logits, stable for any logit, with an optional positive-class weight (torch.nn.BCEWithLogitsLoss).</summary>
public sealed class BCEWithLogitsLoss(Tensor? weight = null, Reduction reduction = Reduction.Mean, Tensor? posWeight = null) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target)
    {
        SameShape(input, target);
        Tensor loss;
        if (posWeight is null) loss = Functional.BinaryCrossEntropyWithLogits(input, target, Reduction.None);
        else
        {
            // (1 − y)·x + (1 + (p − 1)·y)·softplus(−x), PyTorch's formula.
            var logWeight = (posWeight - 1) * target + 1;
            loss = (1 - target) * input + logWeight * (-input).Softplus();
        }
        return Reduce(weight is null ? loss : loss * weight);
    }
}

/// <summary>KL divergence with input as log-probabilities (torch.nn.KLDivLoss); mean reduction averages over elements.</summary>
public sealed class KLDivLoss(Reduction reduction = Reduction.Mean, bool logTarget = false) : Loss(reduction)
{
    public override Tensor Forward(Tensor input, Tensor target) => Functional.KlDiv(input, target, Reduction, logTarget);
}
