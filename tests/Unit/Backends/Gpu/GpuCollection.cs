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
