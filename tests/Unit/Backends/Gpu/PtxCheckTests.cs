using System.Reflection;
using Hybrid.Gpu;
using ILGPU;
using Xunit;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>The check that every kernel run on the simulated device also compiles for CUDA.</summary>
public class PtxCheckTests
{
    internal static void Scale(Index1D i, ArrayView<float> x) => x[i] *= 2;

    // A managed allocation: fine on the CPU accelerator, impossible on a GPU.
    internal static void AllocatesAnArray(Index1D i, ArrayView<int> x) => x[i] = new int[x[i] + 1].Length;

    [Fact]
    public void A_plain_kernel_compiles_to_PTX() =>
        PtxCheck.Compile(typeof(PtxCheckTests).GetMethod(nameof(Scale), BindingFlags.NonPublic | BindingFlags.Static)!, explicitlyGrouped: false);

    [Fact]
    public void A_kernel_that_allocates_fails_naming_the_kernel()
    {
        var e = Assert.Throws<NotSupportedException>(() =>
            PtxCheck.Compile(typeof(PtxCheckTests).GetMethod(nameof(AllocatesAnArray), BindingFlags.NonPublic | BindingFlags.Static)!, explicitlyGrouped: false));
        Assert.Contains("PtxCheckTests.AllocatesAnArray", e.Message);
        Assert.Contains("does not compile for CUDA", e.Message);
    }
}
