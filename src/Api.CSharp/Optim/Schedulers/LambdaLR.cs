namespace Hybrid.Optim;

/// <summary>
/// Sets each group's learning rate to initial_lr · lrLambda(epoch)
/// (torch.optim.lr_scheduler.LambdaLR); one function for every group, or one per group.
/// </summary>
public sealed class LambdaLR : LRScheduler
{
    readonly Func<int, double>[] _lambdas;

    /// <param name="optimizer">The optimizer whose rates to set.</param>
    /// <param name="lrLambda">The factor as a function of the epoch, for every group.</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming (default −1: start).</param>
    public LambdaLR(Optimizer optimizer, Func<int, double> lrLambda, int lastEpoch = -1)
        : this(optimizer, new[] { lrLambda ?? throw new ArgumentNullException(nameof(lrLambda)) }, lastEpoch)
    {
    }

    /// <param name="optimizer">The optimizer whose rates to set.</param>
    /// <param name="lrLambdas">One factor function per parameter group (or a single one for all).</param>
    /// <param name="lastEpoch">The index of the last epoch when resuming (default −1: start).</param>
    public LambdaLR(Optimizer optimizer, IReadOnlyList<Func<int, double>> lrLambdas, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(lrLambdas);
        var n = optimizer.ParamGroups.Count;
        if (lrLambdas.Count != 1 && lrLambdas.Count != n)
            throw new ArgumentException($"LambdaLR: Expected {n} lr_lambdas, but got {lrLambdas.Count}", nameof(lrLambdas));
        if (lrLambdas.Any(f => f is null)) throw new ArgumentException("LambdaLR: a lr_lambda is null", nameof(lrLambdas));
        _lambdas = lrLambdas.Count == 1 ? Enumerable.Repeat(lrLambdas[0], n).ToArray() : lrLambdas.ToArray();
        InitialStep();
    }

    /// <inheritdoc/>
    protected override double[] GetLr() => BaseLrs.Select((lr, i) => lr * _lambdas[i](LastEpoch)).ToArray();
}
