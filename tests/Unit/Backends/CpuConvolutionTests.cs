using Hybrid;
using Hybrid.Cpu;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

/// <summary>
/// The fused CPU convolution (image by image, scratch columns, packed GEMM) against a direct
/// 7-loop convolution in double; its two adjoints against the identities
/// ⟨conv(x, w), g⟩ = ⟨x, inputGrad(g, w)⟩ = ⟨w, weightGrad(x, g)⟩ and against the composition
/// unfold + batched matmul + fold of the same backend.
/// </summary>
[Collection(CpuGemmCollection.Name)]
public class CpuConvolutionTests
{
    /// <summary>(N, C, H, W, O, groups, window): stride, padding, dilation, groups, edges of the GEMM's 14-row panels and 32-column tiles, more images than weight-gradient blocks, and weight gradients by dot products (RowDots).</summary>
    public static TheoryData<int, int, int, int, int, int, Window2d> Problems => new()
    {
        { 2, 3, 7, 6, 4, 1, new Window2d(3, 3, 1, 1, 1, 1, 1, 1) },
        { 1, 4, 9, 8, 6, 2, new Window2d(2, 3, 2, 1, 0, 2, 1, 1) },
        { 3, 2, 8, 9, 15, 1, new Window2d(3, 2, 2, 3, 1, 0, 2, 1) },
        { 11, 6, 5, 7, 9, 3, new Window2d(2, 2, 1, 2, 2, 1, 2, 3) },
        { 2, 1, 28, 28, 6, 1, new Window2d(5, 5, 1, 1, 2, 2, 1, 1) },
        { 2, 16, 10, 35, 29, 1, new Window2d(3, 3, 1, 1, 1, 1, 1, 1) },
        // Long rows and few weights: the weight gradient's unpacked dot products, with edges in every direction.
        { 3, 3, 17, 19, 5, 1, new Window2d(3, 3, 1, 1, 1, 1, 1, 1) },
        // Cg·K = 1044, deeper than one GEMM pass (KC = 1024): the weights are not packed once.
        { 2, 116, 5, 4, 3, 1, new Window2d(3, 3, 1, 1, 1, 1, 1, 1) },
    };

    /// <summary>Cross-correlation by its definition, with bias.</summary>
    static double[] Direct(double[] x, double[] w, double[] bias, int n, int c, int h, int wd, int o, int groups, Window2d win)
    {
        int oh = win.OutH(h), ow = win.OutW(wd), cg = c / groups, og = o / groups;
        var y = new double[n * o * oh * ow];
        for (var b = 0; b < n; b++)
        for (var oc = 0; oc < o; oc++)
        for (var i = 0; i < oh; i++)
        for (var j = 0; j < ow; j++)
        {
            var sum = bias[oc];
            for (var ci = 0; ci < cg; ci++)
            for (var ki = 0; ki < win.KernelH; ki++)
            for (var kj = 0; kj < win.KernelW; kj++)
            {
                int ih = i * win.StrideH - win.PadH + ki * win.DilationH, iw = j * win.StrideW - win.PadW + kj * win.DilationW;
                if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                var channel = oc / og * cg + ci;
                sum += x[((b * c + channel) * h + ih) * wd + iw] * w[((oc * cg + ci) * win.KernelH + ki) * win.KernelW + kj];
            }
            y[((b * o + oc) * oh + i) * ow + j] = sum;
        }
        return y;
    }

    static double Dot(IReadOnlyList<double> a, IReadOnlyList<double> b) => a.Zip(b, (p, q) => p * q).Sum();

    [Theory]
    [MemberData(nameof(Problems))]
    public void Forward_of_permuted_input_and_strided_bias_matches_the_definition(int n, int c, int h, int wd, int o, int groups, Window2d win)
    {
        var rng = new System.Random(n * 100 + o);
        // Input stored as (H, N, W, C); bias every other element of a longer array.
        var x = Permuted(rng, [n, c, h, wd], [2, 0, 3, 1], 3, out var xs);
        var ws = RandomDoubles(rng, o * (c / groups) * win.KernelH * win.KernelW, 1);
        var biasData = RandomDoubles(rng, 2 * o + 1, 1);
        var bias = View(biasData, [o], [2], 1);
        var expected = Direct(xs, ws, Naive<double>(bias), n, c, h, wd, o, groups, win);
        var actual = Data<double>(CpuKernels.Conv2d(x, View(ws, o, c / groups, win.KernelH, win.KernelW), bias, win, groups));
        AllClose(expected, actual, 1e-12);
        // float32, without bias, from a contiguous input.
        var x32 = View(xs.Select(v => (float)v).ToArray(), n, c, h, wd);
        var w32 = View(ws.Select(v => (float)v).ToArray(), o, c / groups, win.KernelH, win.KernelW);
        var plain = Direct(xs, ws, new double[o], n, c, h, wd, o, groups, win);
        AllClose(plain, Data<float>(CpuKernels.Conv2d(x32, w32, null, win, groups)).Select(v => (double)v).ToArray(), 1e-4);
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void Input_and_weight_gradients_are_the_adjoints_of_the_convolution(int n, int c, int h, int wd, int o, int groups, Window2d win)
    {
        var rng = new System.Random(n * 7 + c);
        var cg = c / groups;
        int oh = win.OutH(h), ow = win.OutW(wd);
        var xs = RandomDoubles(rng, n * c * h * wd, 1);
        var ws = RandomDoubles(rng, o * cg * win.KernelH * win.KernelW, 1);
        var gs = RandomDoubles(rng, n * o * oh * ow, 1);
        var x = View(xs, n, c, h, wd);
        var w = View(ws, o, cg, win.KernelH, win.KernelW);
        // g stored transposed in its last two dims: the kernels must read any layout.
        var gT = new double[gs.Length];
        for (var i = 0; i < n * o; i++)
        for (var r = 0; r < oh; r++)
        for (var q = 0; q < ow; q++) gT[(i * ow + q) * oh + r] = gs[(i * oh + r) * ow + q];
        var g = View(gT, [n, o, oh, ow], [o * oh * ow, oh * ow, 1, oh], 0);
        var y = Direct(xs, ws, new double[o], n, c, h, wd, o, groups, win);
        var dx = Data<double>(CpuKernels.Conv2dInputGrad(g, w, win, groups, h, wd));
        var dw = Data<double>(CpuKernels.Conv2dWeightGrad(x, g, win, groups));
        Assert.Equal(xs.Length, dx.Length);
        Assert.Equal(ws.Length, dw.Length);
        Close(Dot(y, gs), Dot(xs, dx), 1e-11, "<conv(x, w), g> = <x, inputGrad(g, w)>");
        Close(Dot(y, gs), Dot(ws, dw), 1e-11, "<conv(x, w), g> = <w, weightGrad(x, g)>");
        // And entry by entry against the composition of unfold, batched matmul and fold.
        AllClose(Data<double>(ConvolutionByUnfold.Conv2dInputGrad(CpuKernels, g, w, win, groups, h, wd)), dx, 1e-12);
        AllClose(Data<double>(ConvolutionByUnfold.Conv2dWeightGrad(CpuKernels, x, g, win, groups)), dw, 1e-12);
    }

    /// <summary>Stride-1 float32 problems of the implicit GEMM: padding, dilation, groups, 14-row panel edges, tiles over the padded grid and along output rows.</summary>
    public static TheoryData<int, int, int, int, int, int, Window2d> StrideOneProblems => new()
    {
        { 3, 64, 8, 8, 64, 1, new Window2d(3, 3, 1, 1, 1, 1, 1, 1) },
        { 4, 1, 28, 28, 6, 1, new Window2d(5, 5, 1, 1, 2, 2, 1, 1) },
        { 2, 6, 14, 14, 16, 1, new Window2d(5, 5, 1, 1, 0, 0, 1, 1) },
        { 2, 6, 9, 13, 15, 3, new Window2d(3, 2, 1, 1, 2, 0, 2, 3) },
        { 3, 5, 7, 40, 29, 1, new Window2d(1, 7, 1, 1, 0, 3, 1, 1) },
        { 2, 2, 3, 3, 3, 1, new Window2d(3, 3, 1, 1, 0, 0, 1, 1) },
        // Rows of whole 32-column tiles, written in place (and a last 6-row panel through scratch).
        { 2, 3, 6, 32, 20, 1, new Window2d(3, 3, 1, 1, 1, 1, 1, 1) },
        // ... and a last 8-row or 4-row panel written in place too (two tiles per row in the second).
        { 2, 3, 5, 32, 22, 1, new Window2d(3, 3, 1, 1, 1, 1, 1, 1) },
        { 2, 2, 4, 64, 4, 1, new Window2d(3, 3, 1, 1, 1, 1, 1, 1) },
        // Tiles along output rows of 30 columns.
        { 2, 3, 5, 30, 9, 1, new Window2d(3, 3, 1, 1, 1, 1, 1, 1) },
        // 14 input channels per group: the input gradient runs as a convolution too.
        { 2, 28, 6, 7, 4, 2, new Window2d(3, 2, 1, 1, 1, 0, 2, 3) },
        // Groups and dilation with output rows of a vector or more (the weight gradient's dot products).
        { 3, 6, 5, 20, 9, 3, new Window2d(3, 2, 1, 1, 1, 1, 2, 3) },
        // 72 images: weight-gradient blocks of 9, padded 8 at a time and then 1.
        { 72, 1, 3, 16, 2, 1, new Window2d(3, 3, 1, 1, 1, 1, 1, 1) },
        // Images of 36 KB: convolved in runs of 2 or 3 per task (the last one shorter), each
        // fetching the next image's input, two groups each.
        { 10, 16, 24, 24, 8, 2, new Window2d(3, 3, 1, 1, 1, 1, 1, 1) },
    };

    [Theory]
    [MemberData(nameof(StrideOneProblems))]
    public void The_implicit_GEMM_equals_the_unfold_path_bit_for_bit(int n, int c, int h, int wd, int o, int groups, Window2d win)
    {
        var rng = new System.Random(n * 31 + c * 7 + o);
        // Input stored as (H, N, W, C), read through its strides; bias every other element of a longer array.
        var xd = Permuted(rng, [n, c, h, wd], [2, 0, 3, 1], 3, out var xs);
        var x = View(Data<double>(xd.Storage).Select(v => (float)v).ToArray(), xd.Shape, xd.Strides, xd.Offset);
        var w = View(RandomFloats(rng, o * (c / groups) * win.KernelH * win.KernelW, 1), o, c / groups, win.KernelH, win.KernelW);
        var bias = View(RandomFloats(rng, 2 * o + 1, 1), [o], [2], 1);
        float[] Run(Strided input, bool withBias) => Data<float>(CpuKernels.Conv2d(input, w, withBias ? bias : null, win, groups));
        float[] unfolded, unfoldedPlain;
        try
        {
            ImplicitConvolution.Enabled = false;
            (unfolded, unfoldedPlain) = (Run(x, true), Run(x, false));
        }
        finally { ImplicitConvolution.Enabled = true; }
        Assert.True(ImplicitConvolution.Applies<float>(win) || !System.Runtime.Intrinsics.X86.Avx512F.IsSupported);
        Assert.Equal(unfolded, Run(x, true));
        Assert.Equal(unfoldedPlain, Run(x, false));
        // The same input stored contiguously.
        Assert.Equal(unfolded, Run(View(xs.Select(v => (float)v).ToArray(), n, c, h, wd), true));
    }

    [Theory]
    [MemberData(nameof(StrideOneProblems))]
    public void Float32_gradients_of_stride_one_match_the_double_unfold_path(int n, int c, int h, int wd, int o, int groups, Window2d win)
    {
        var rng = new System.Random(n * 17 + c * 5 + o);
        int oh = win.OutH(h), ow = win.OutW(wd);
        var ws = RandomDoubles(rng, o * (c / groups) * win.KernelH * win.KernelW, 1);
        var gs = RandomDoubles(rng, n * o * oh * ow, 1);
        // x stored as (H, N, W, C), read through its strides.
        var xd = Permuted(rng, [n, c, h, wd], [2, 0, 3, 1], 3, out var xs);
        var x = View(Data<double>(xd.Storage).Select(v => (float)v).ToArray(), xd.Shape, xd.Strides, xd.Offset);
        // The double results of the GEMM-and-fold paths (checked against the adjoint identities above):
        // the input gradient as a convolution (with 14 channels per group or more), the weight
        // gradient by dot products along rows read in place.
        var expectedDx = Data<double>(CpuKernels.Conv2dInputGrad(View(gs, n, o, oh, ow), View(ws, o, c / groups, win.KernelH, win.KernelW), win, groups, h, wd));
        var expectedDw = Data<double>(CpuKernels.Conv2dWeightGrad(View(xs, n, c, h, wd), View(gs, n, o, oh, ow), win, groups));
        var w = View(ws.Select(v => (float)v).ToArray(), o, c / groups, win.KernelH, win.KernelW);
        var g = View(gs.Select(v => (float)v).ToArray(), n, o, oh, ow);
        AllClose(expectedDx, Data<float>(CpuKernels.Conv2dInputGrad(g, w, win, groups, h, wd)).Select(v => (double)v).ToArray(), 1e-4);
        AllClose(expectedDw, Data<float>(CpuKernels.Conv2dWeightGrad(x, g, win, groups)).Select(v => (double)v).ToArray(), 1e-4);
    }

    [Fact]
    public void Results_are_bit_identical_with_one_and_two_threads()
    {
        var rng = new System.Random(5);
        var win = new Window2d(3, 3, 1, 1, 1, 1, 1, 1);
        var x = View(RandomFloats(rng, 9 * 8 * 12 * 12, 1), 9, 8, 12, 12);
        var w = View(RandomFloats(rng, 20 * 8 * 9, 1), 20, 8, 3, 3);
        var b = View(RandomFloats(rng, 20, 1), 20);
        var g = View(RandomFloats(rng, 9 * 20 * 12 * 12, 1), 9, 20, 12, 12);
        float[][] Run() =>
        [
            Data<float>(CpuKernels.Conv2d(x, w, b, win, 1)),
            Data<float>(CpuKernels.Conv2dInputGrad(g, w, win, 1, 12, 12)),
            Data<float>(CpuKernels.Conv2dWeightGrad(x, g, win, 1)),
        ];
        var saved = CpuParallel.MaxThreads;
        try
        {
            CpuParallel.MaxThreads = 1;
            var one = Run();
            CpuParallel.MaxThreads = 2;
            var two = Run();
            for (var i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
        }
        finally { CpuParallel.MaxThreads = saved; }
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(2)]
    public void One_large_image_is_split_between_threads_in_every_GEMM_mode(int mode)
    {
        // A single image's product runs on the GEMM's own threads, with the weights packed once.
        const int n = 1, c = 16, h = 20, w = 21, o = 32;
        var win = new Window2d(3, 3, 1, 1, 1, 1, 1, 1);
        var rng = new System.Random(12);
        var xs = RandomDoubles(rng, n * c * h * w, 1);
        var ws = RandomDoubles(rng, o * c * 9, 1);
        var bs = RandomDoubles(rng, o, 1);
        var expected = Direct(xs, ws, bs, n, c, h, w, o, 1, win);
        var (savedMode, savedThreads) = (Gemm.ForceMode, CpuParallel.MaxThreads);
        try
        {
            (Gemm.ForceMode, CpuParallel.MaxThreads) = (mode, 2);
            AllClose(expected, Data<double>(CpuKernels.Conv2d(View(xs, n, c, h, w), View(ws, o, c, 3, 3), View(bs, o), win, 1)), 1e-12);
        }
        finally { (Gemm.ForceMode, CpuParallel.MaxThreads) = (savedMode, savedThreads); }
    }

    [Fact]
    public void An_empty_batch_has_a_zero_weight_gradient()
    {
        var win = new Window2d(2, 2, 1, 1, 0, 0, 1, 1);
        var dw = Data<float>(CpuKernels.Conv2dWeightGrad(View(new float[0], 0, 2, 3, 3), View(new float[0], 0, 3, 2, 2), win, 1));
        Assert.Equal(new float[3 * 2 * 2 * 2], dw);
    }
}
