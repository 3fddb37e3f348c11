using Xunit;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>
/// Tests that use the simulated GPU device run one at a time: they share its allocator, whose
/// counters some of them assert on.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GpuCollection
{
    public const string Name = "GPU device";
}

/// <summary>
/// Tests that count the allocator's device allocations across a loop run alone, with no other
/// test in parallel: blocks come back through finalizers, and another test's allocations move
/// the garbage collections that run them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GpuMemoryCollection
{
    public const string Name = "GPU device memory";
}
