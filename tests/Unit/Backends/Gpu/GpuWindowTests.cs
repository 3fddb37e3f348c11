using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.Gpu.GpuAgreement;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>The GPU backend's unfold (im2col) and fold (col2im) against the CPU backend on random window geometries.</summary>
[Collection(GpuCollection.Name)]
public class GpuWindowTests
{
    const int Cases = 60;

    /// <summary>
    /// A random window (kernel 1–4, stride 1–3, padding 0–2, dilation 1–3) and an image size
    /// it fits (at least one window position each way).
    /// </summary>
    static (Window2d Window, int H, int W) RandomGeometry(System.Random rng)
    {
        while (true)
        {
            var w = new Window2d(rng.Next(1, 5), rng.Next(1, 5), rng.Next(1, 4), rng.Next(1, 4),
                rng.Next(0, 3), rng.Next(0, 3), rng.Next(1, 4), rng.Next(1, 4));
            int h = rng.Next(1, 10), width = rng.Next(1, 10);
            if (h + 2 * w.PadH >= w.DilationH * (w.KernelH - 1) + 1 && width + 2 * w.PadW >= w.DilationW * (w.KernelW - 1) + 1)
                return (w, h, width);
        }
    }

    static string Describe(Window2d w, int h, int width) =>
        $"{h}×{width} image, kernel {w.KernelH}×{w.KernelW}, stride {w.StrideH}×{w.StrideW}, pad {w.PadH}×{w.PadW}, dilation {w.DilationH}×{w.DilationW}";

    [Fact]
    public void Unfold_agrees_on_random_windows_and_views_in_every_dtype()
    {
        var rng = new System.Random(21);
        for (var c = 0; c < Cases; c++)
        {
            var (w, h, width) = RandomGeometry(rng);
            var dtype = AllDTypes[c % AllDTypes.Length];
            // Permuted, offset or broadcast (N, C, H, W) views.
            var x = RandomView(rng, dtype, [rng.Next(1, 3), rng.Next(1, 4), h, width]);
            AssertAgree(CpuKernels.Unfold(x, w), GpuKernels.Unfold(ToGpu(x), w), 0, $"unfold {dtype} case {c}: {Describe(w, h, width)}");
        }
    }

    [Fact]
    public void Fold_agrees_exactly_on_random_windows_and_views()
    {
        // Each pixel adds its entries in (ki, kj) order on both backends: equal to the last bit.
        var rng = new System.Random(22);
        var dtypes = new[] { DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.UInt8 };
        for (var c = 0; c < Cases; c++)
        {
            var (w, h, width) = RandomGeometry(rng);
            var dtype = dtypes[c % dtypes.Length];
            int n = rng.Next(1, 3), channels = rng.Next(1, 4);
            var cols = RandomView(rng, dtype, [n, channels * w.KernelH * w.KernelW, w.OutH(h) * w.OutW(width)]);
            AssertAgree(CpuKernels.Fold(cols, w, channels, h, width), GpuKernels.Fold(ToGpu(cols), w, channels, h, width), 0,
                $"fold {dtype} case {c}: {Describe(w, h, width)}");
        }
    }

    [Fact]
    public void Fold_is_the_adjoint_of_unfold_on_the_device()
    {
        // <fold(c), x> = <c, unfold(x)>, both sides computed by the GPU kernels.
        var rng = new System.Random(23);
        for (var c = 0; c < 10; c++)
        {
            var (w, h, width) = RandomGeometry(rng);
            var x = RandomView(rng, DType.Float64, [2, 3, h, width]);
            var cols = RandomView(rng, DType.Float64, [2, 3 * w.KernelH * w.KernelW, w.OutH(h) * w.OutW(width)]);
            var unfolded = Doubles(ToCpu(GpuKernels.Unfold(ToGpu(x), w)));
            var folded = Doubles(ToCpu(GpuKernels.Fold(ToGpu(cols), w, 3, h, width)));
            double[] xs = Doubles(CpuKernels.Copy(x, DType.Float64)), cs = Doubles(CpuKernels.Copy(cols, DType.Float64));
            var left = folded.Zip(xs, (p, q) => p * q).Sum();
            var right = unfolded.Zip(cs, (p, q) => p * q).Sum();
            Close(left, right, 1e-12, $"adjoint case {c}: {Describe(w, h, width)}");
        }
    }

    [Fact]
    public void Max_pooling_agrees_exactly_with_its_indices_on_random_windows_and_views()
    {
        var rng = new System.Random(24);
        var dtypes = new[] { DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.UInt8 };
        for (var c = 0; c < Cases; c++)
        {
            var (w, h, width) = RandomGeometry(rng);
            // Every window must hold a pixel, as max_pool2d's padding ≤ kernel / 2 ensures.
            w = w with { PadH = Math.Min(w.PadH, w.KernelH / 2), PadW = Math.Min(w.PadW, w.KernelW / 2), DilationH = 1, DilationW = 1 };
            if (w.OutH(h) <= 0 || w.OutW(width) <= 0) continue;
            var dtype = dtypes[c % dtypes.Length];
            var x = RandomView(rng, dtype, [rng.Next(1, 3), rng.Next(1, 4), h, width]);
            var what = $"max_pool2d {dtype} case {c}: {Describe(w, h, width)}";
            var cpu = CpuKernels.MaxPool2d(x, w, out var cpuIndices);
            var gpu = GpuKernels.MaxPool2d(ToGpu(x), w, out var gpuIndices);
            AssertAgree(cpu, gpu, 0, what);
            AssertAgree(cpuIndices, gpuIndices, 0, what + " (indices)");
        }
    }

    [Fact]
    public void Average_pooling_and_its_adjoint_agree_exactly_on_random_windows_and_views()
    {
        var rng = new System.Random(25);
        for (var c = 0; c < Cases; c++)
        {
            var (w, h, width) = RandomGeometry(rng);
            if (w.OutH(h) <= 0 || w.OutW(width) <= 0) continue;
            var dtype = c % 2 == 0 ? DType.Float32 : DType.Float64;
            var n = rng.Next(1, 3);
            var channels = rng.Next(1, 4);
            var what = $"avg_pool2d {dtype} case {c}: {Describe(w, h, width)}";
            var x = RandomView(rng, dtype, [n, channels, h, width]);
            AssertAgree(CpuKernels.AvgPool2d(x, w), GpuKernels.AvgPool2d(ToGpu(x), w), 0, what);
            var g = RandomView(rng, dtype, [n, channels, w.OutH(h), w.OutW(width)]);
            AssertAgree(CpuKernels.AvgPool2dBackward(g, w, h, width), GpuKernels.AvgPool2dBackward(ToGpu(g), w, h, width), 0, what + " (backward)");
        }
    }

    [Fact]
    public void Fold_of_bool_columns_is_refused()
    {
        var cols = Strided.Contiguous(GpuKernels.FromArray(new bool[4]), [1, 1, 4]);
        Assert.Throws<NotSupportedException>(() => GpuKernels.Fold(cols, new Window2d(1, 1, 1, 1, 0, 0, 1, 1), 1, 2, 2));
    }
}
