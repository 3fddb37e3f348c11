namespace Hybrid.Data;

/// <summary>
/// What the code that loads one batch can know about its surroundings (PyTorch's
/// get_worker_info, plus the random source). Random transforms built without an explicit
/// generator draw from <see cref="Generator"/>.
/// </summary>
public static class DataLoaderContext
{
    [ThreadStatic] static Generator? _generator;
    [ThreadStatic] static int _batchIndex;
    [ThreadStatic] static int _workerId;
    [ThreadStatic] static bool _active;

    /// <summary>
    /// Inside a DataLoader: a generator derived from the loader's epoch seed and the batch
    /// index, so a batch's random augmentations do not depend on numWorkers or thread timing.
    /// Elsewhere: <see cref="Hybrid.Generator.Default"/>.
    /// </summary>
    public static Generator Generator => _active && _generator is not null ? _generator : Generator.Default;

    /// <summary>True while a DataLoader is loading a batch on this thread.</summary>
    public static bool InLoader => _active;

    /// <summary>The index of the batch being loaded in its epoch, or −1 outside a loader.</summary>
    public static int BatchIndex => _active ? _batchIndex : -1;

    /// <summary>The worker loading the batch (0..numWorkers−1), or −1 on the caller's thread or outside a loader.</summary>
    public static int WorkerId => _active ? _workerId : -1;

    internal static Scope Enter(Generator generator, int batchIndex, int workerId)
    {
        var saved = new Scope(_generator, _batchIndex, _workerId, _active);
        (_generator, _batchIndex, _workerId, _active) = (generator, batchIndex, workerId, true);
        return saved;
    }

    internal readonly struct Scope(Generator? generator, int batchIndex, int workerId, bool active) : IDisposable
    {
        public void Dispose() => (_generator, _batchIndex, _workerId, _active) = (generator, batchIndex, workerId, active);
    }
}
