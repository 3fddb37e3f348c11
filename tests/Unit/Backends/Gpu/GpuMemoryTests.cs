using System.Runtime.CompilerServices;
using Hybrid;
using Hybrid.Gpu;
using Hybrid.NN;
using Hybrid.Optim;
using Xunit;
using static Hybrid.Unit.Backends.Gpu.GpuAgreement;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>The caching allocator: size classes, reuse, release by Dispose and by the GC, and steady-state training.</summary>
[Collection(GpuMemoryCollection.Name)]
public class GpuMemoryTests
{
    static GpuBackend Backend => (GpuBackend)GpuKernels;

    [Theory]
    [InlineData(1, 512)]
    [InlineData(512, 512)]
    [InlineData(513, 640)]
    [InlineData(1024, 1024)]
    [InlineData(1025, 1280)]
    [InlineData(3000, 3072)]
    [InlineData(1L << 30, 1L << 30)]
    public void Size_classes_are_512_bytes_then_quarters_of_each_power_of_two(long bytes, long sizeClass) =>
        Assert.Equal(sizeClass, CachingAllocator.SizeClass(bytes));

    [Fact]
    public void A_disposed_block_serves_the_next_request_of_its_class_without_a_device_allocation()
    {
        var before = Backend.MemoryStatistics;
        var a = (GpuStorage)Backend.Full(DType.Float32, 1000, 1); // 4000 bytes: class 4096
        var held = Backend.MemoryStatistics;
        Assert.Equal(before.AllocatedBytes + 4096, held.AllocatedBytes);
        a.Dispose();
        Assert.Equal(before.AllocatedBytes, Backend.MemoryStatistics.AllocatedBytes);

        var b = Backend.Full(DType.Float64, 500, 2); // another 4000 bytes
        var after = Backend.MemoryStatistics;
        Assert.Equal(held.DeviceAllocations, after.DeviceAllocations);
        Assert.Equal(held.CacheHits + 1, after.CacheHits);
        Assert.All((double[])Backend.ToArray(Strided.Contiguous(b, [500])), v => Assert.Equal(2.0, v));
        Assert.Throws<ObjectDisposedException>(() => a.View<float>());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void AllocateAndDrop() => Backend.Full(DType.Float32, 12345, 0);

    [Fact]
    public void A_dropped_storage_returns_its_block_when_the_GC_finalizes_it()
    {
        var before = Backend.MemoryStatistics.AllocatedBytes;
        AllocateAndDrop();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.True(Backend.MemoryStatistics.AllocatedBytes <= before);
    }

    [Fact]
    public void EmptyCache_frees_every_block_no_tensor_holds()
    {
        using (var s = (GpuStorage)Backend.Full(DType.Float32, 5000, 0)) { }
        Assert.True(Backend.MemoryStatistics.ReservedBytes > Backend.MemoryStatistics.AllocatedBytes);
        Torch.Cuda.EmptyCache(GpuAgreement.Device);
        var stats = Torch.Cuda.MemoryStats(GpuAgreement.Device);
        Assert.Equal(stats.AllocatedBytes, stats.ReservedBytes);
        Assert.Equal(stats.AllocatedBytes, Torch.Cuda.MemoryAllocated(GpuAgreement.Device));
    }

    [Fact]
    public void Steady_state_training_makes_no_device_allocation()
    {
        Torch.ManualSeed(0);
        var model = new Sequential(new Linear(20, 32), new ReLU(), new Linear(32, 5));
        model.To(GpuAgreement.Device);
        var optimizer = new SGD(model.Parameters(), lr: 0.1, momentum: 0.9);
        var criterion = new CrossEntropyLoss();
        var x = Torch.Randn([16, 20]).To(GpuAgreement.Device);
        var y = Torch.RandInt(0, 5, [16]).To(GpuAgreement.Device);
        double Step()
        {
            var loss = criterion.Forward(model.Forward(x), y);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            return loss.Item<float>();
        }

        for (var i = 0; i < 10; i++) Step(); // warm-up: the cache grows to the loop's working set
        var before = Backend.MemoryStatistics;
        var first = Step();
        double last = first;
        for (var i = 0; i < 40; i++) last = Step();
        var after = Backend.MemoryStatistics;

        Assert.True(last < first, $"the loss should fall: {first} → {last}");
        Assert.Equal(before.DeviceAllocations, after.DeviceAllocations);
        Assert.True(after.CacheHits - before.CacheHits >= 41 * 10, $"{after.CacheHits - before.CacheHits} cache hits in 41 steps");
    }
}
