using System.Numerics;
using System.Runtime.Intrinsics;

namespace Hybrid.Cpu;

/// <summary>
/// Fused 2-D convolution for float32 and float64: one image at a time, its columns unfolded
/// into a scratch buffer of the thread (Cg·kh·kw × L, reused from call to call) and multiplied
/// by the packed GEMM, so no (N, C·kh·kw, L) tensor is ever allocated and the columns stay in
/// cache. Images run in parallel; one image alone gets the GEMM's threads instead. Every
/// output element is computed by one thread in a fixed order, so results do not depend on the
/// thread count. Stride-1 float32 convolutions on AVX-512 read the images in place instead
/// (<see cref="ImplicitConvolution"/>): the forward pass, the input gradient (itself such a
/// convolution) and small weight gradients.
/// </summary>
internal static unsafe class Convolution
{
    /// <summary>Images of at least this many bytes are convolved in runs, each fetching the next one's input (ImplicitConvolution.Image).</summary>
    const long RunImageBytes = 32 << 10;

    /// <summary>
    /// y[n, group] (O/G × L) = w[group] (O/G × Cg·K) · cols(x[n, group]) (Cg·K × L) + bias. The
    /// bias starts each output's FMA chain; the weights are packed once for all images.
    /// </summary>
    public static Storage Forward<T>(Strided x, Strided w, Strided? bias, Window2d window, int groups) where T : unmanaged, INumber<T>
    {
        var p = new Problem(x.Shape, w.Shape[0], window, groups);
        var y = Storages.Uninitialized<T>(p.N * p.O * p.L);
        var weights = Contiguous<T>(w);
        // Each group's weights are packed once for all images, when one pass of the GEMM covers their depth.
        var packed = Gemm.CanPackA<T>(p.CgK);
        var panels = packed ? Gemm.PackedALength<T>(p.Og, p.CgK) : 0;
        var packedWeights = new T[p.G * panels];
        fixed (T* pw = weights, pp = packedWeights)
            for (var group = 0; packed && group < p.G; group++)
                Gemm.PackA(pw + group * p.Og * p.CgK, p.CgK, 1, p.Og, p.CgK, pp + group * panels);
        var work = 2.0 * p.N * p.O * p.CgK * p.L;
        // Stride 1 reads the image in place (an implicit GEMM), one image per thread: a single
        // image keeps the unfold path, whose GEMM can use every thread.
        if (packed && ImplicitConvolution.Applies<T>(window) && (p.N > 1 || CpuParallel.WorkersFor(work) == 1))
        {
            var plan = new ImplicitConvolution.Plan(p.Geometry, p.Cg, p.Og);
            var starts = bias is { } bv ? ImplicitConvolution.Starts(plan, p.G, Storages.Span<float>(bv.Storage), bv.Offset, bv.Strides[0]) : null;
            // Large images come in runs per task, so that each one's input can be fetched into
            // cache while the one before it is multiplied (four runs per thread keep the threads
            // balanced when a helper joins late); small ones, one per task, the finest balance.
            var imageBytes = (long)p.C * p.Geometry.H * p.Geometry.Wd * sizeof(float);
            var perTask = imageBytes < RunImageBytes ? 1 : (p.N + 4 * CpuParallel.MaxThreads - 1) / (4 * CpuParallel.MaxThreads);
            var units = p.N * p.G;   // (image, group) pairs, in order
            ForJob.Run((p.N + perTask - 1) / perTask, work, task =>
            {
                fixed (T* px = Storages.Span<T>(x.Storage), pp = packedWeights, py = y)
                fixed (float* ps = starts)
                {
                    var input = (float*)px + x.Offset;
                    float* Input(int unit) => input + (nint)(unit / p.G) * x.Strides[0] + (nint)(unit % p.G) * p.Cg * x.Strides[1];
                    int first = task * perTask * p.G, last = Math.Min(units, first + perTask * p.G);
                    for (var unit = first; unit < last; unit++)
                    {
                        int n = unit / p.G, group = unit % p.G;
                        ImplicitConvolution.Image(plan, Input(unit), x.Strides[1], x.Strides[2], x.Strides[3],
                            (float*)pp + group * panels, ps == null ? null : ps + group * plan.Rows, (float*)py + ((nint)n * p.O + group * p.Og) * p.L,
                            unit + 1 < last ? Input(unit + 1) : null);
                    }
                }
            });
            return new CpuStorage<T>(y);
        }
        ForJob.Run(p.N, work, n =>
        {
            var cols = Scratch<T>.Get(p.CgK * p.L);
            ReadOnlySpan<T> b = bias is { } v ? Storages.Span<T>(v.Storage) : default;
            fixed (T* pw = weights, pp = packedWeights, pc = cols, py = y)
                for (var group = 0; group < p.G; group++)
                {
                    p.Unfold<T>(x, n, group, cols);
                    var output = py + ((nint)n * p.O + group * p.Og) * p.L;
                    if (bias is { } bv)
                        for (var o = 0; o < p.Og; o++)
                            new Span<T>(output + (nint)o * p.L, p.L).Fill(b[bv.Offset + (group * p.Og + o) * bv.Strides[0]]);
                    if (packed) Gemm.MultiplyPacked(pp + group * panels, pc, p.L, 1, output, p.L, p.Og, p.L, p.CgK, accumulate: bias != null);
                    else Gemm.Multiply(pw + group * p.Og * p.CgK, p.CgK, 1, pc, p.L, 1, output, p.L, p.Og, p.L, p.CgK, accumulate: bias != null);
                }
        });
        return new CpuStorage<T>(y);
    }

    /// <summary>dx[n] = fold(w[group]ᵀ (Cg·K × O/G) · g[n, group] (O/G × L)), image by image.</summary>
    public static Storage InputGrad<T>(Strided g, Strided w, Window2d window, int groups, int height, int width) where T : unmanaged, INumber<T>
    {
        var p = new Problem([g.Shape[0], w.Shape[1] * groups, height, width], w.Shape[0], window, groups);
        if (AsConvolution<T>(w, p, window) is var (flipped, along)) return Forward<T>(g, flipped, null, along, groups);
        var dx = Storages.Uninitialized<T>(p.N * p.C * p.H * p.W);
        var weights = Contiguous<T>(w);
        var grads = Contiguous<T>(g);
        ForJob.Run(p.N, 2.0 * p.N * p.O * p.CgK * p.L, n =>
        {
            var cols = Scratch<T>.Get(p.CgK * p.L);
            var image = dx.AsSpan(n * p.C * p.H * p.W, p.C * p.H * p.W);
            image.Clear();
            fixed (T* pw = weights, pg = grads, pc = cols)
                for (var group = 0; group < p.G; group++)
                {
                    Gemm.Multiply(pw + group * p.Og * p.CgK, 1, p.CgK, pg + ((nint)n * p.O + group * p.Og) * p.L, p.L, 1, pc, p.L, p.CgK, p.L, p.Og, accumulate: false);
                    for (var c = 0; c < p.Cg; c++)
                        Window.FoldPlane<T>(cols, c * p.Geometry.K * p.L, p.L, 1, p.Geometry, image.Slice((group * p.Cg + c) * p.H * p.W, p.H * p.W));
                }
        });
        return new CpuStorage<T>(dx);
    }

    /// <summary>
    /// For stride 1, the input gradient is itself a convolution that the implicit GEMM can run:
    /// dx = conv(g, w′) with padding d·(k − 1) − pad, where w′[c, o, i, j] = w[o, c, kh−1−i, kw−1−j]
    /// within each group. Null where that does not apply (a padding wider than the window's reach
    /// would make the new padding negative), or does not pay: the product's rows are then the Cg
    /// input channels, and fewer than one 14-row panel leave the micro-kernel partly idle (LeNet's
    /// second layer, Cg = 6: 0.22 ms against 0.18 by GEMM and fold; 64 channels: 5.6 against 7.5 ms).
    /// </summary>
    static (Strided Weights, Window2d Window)? AsConvolution<T>(Strided w, in Problem p, Window2d window) where T : unmanaged
    {
        var along = window with { PadH = window.DilationH * (window.KernelH - 1) - window.PadH, PadW = window.DilationW * (window.KernelW - 1) - window.PadW };
        if (p.Cg < GemmKernels.Float32Vector512.MR || along.PadH < 0 || along.PadW < 0 || !Gemm.CanPackA<T>(p.Og * p.Geometry.K) || !ImplicitConvolution.Applies<T>(along)) return null;
        var weights = Contiguous<T>(w);
        var flipped = GC.AllocateUninitializedArray<T>(weights.Length);
        int kh = window.KernelH, kw = window.KernelW;
        for (var group = 0; group < p.G; group++)
        for (var c = 0; c < p.Cg; c++)
        for (var o = 0; o < p.Og; o++)
        for (var i = 0; i < kh; i++)
        for (var j = 0; j < kw; j++)
            flipped[(((group * p.Cg + c) * p.Og + o) * kh + i) * kw + j] = weights[(((group * p.Og + o) * p.Cg + c) * kh + kh - 1 - i) * kw + kw - 1 - j];
        return (Strided.Contiguous(new CpuStorage<T>(flipped), [p.C, p.Og, kh, kw]), along);
    }

    /// <summary>
    /// dw[group] = Σₙ g[n, group] (O/G × L) · cols(x[n, group])ᵀ (L × Cg·K). The batch is cut into
    /// a fixed number of blocks (a function of N only), each summed into its own partial by
    /// chained GEMMs; the partials are then added in block order, whatever the thread count.
    /// </summary>
    public static Storage WeightGrad<T>(Strided x, Strided g, Window2d window, int groups) where T : unmanaged, INumber<T>
    {
        var p = new Problem(x.Shape, g.Shape[1], window, groups);
        var size = p.O * p.CgK;
        if (p.N == 0) return new CpuStorage<T>(new T[size]);
        var blocks = Math.Min(p.N, WeightGradBlocks);
        var partials = new T[(blocks - 1) * size];
        var dw = Storages.Uninitialized<T>(size);
        var grads = Contiguous<T>(g);
        // Both operands run along L: small products over long rows take unpacked dot products (whose
        // reductions across lanes short rows don't repay), the rest the GEMM.
        var dots = Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && (long)p.Og * p.CgK <= RowDotsLimit && p.L >= RowDotsMinLength;
        var work = 2.0 * p.N * p.O * p.CgK * p.L;
        // Stride 1, small products, output rows of a vector or more: dot products along the rows
        // read the images in place (no unfolded columns). (Shorter rows leave lanes idle: LeNet's
        // second layer, rows of 10, takes 0.22 ms that way against 0.20 by unfolding and the GEMM; its
        // first, rows of 28, 0.09 against 0.15.)
        if ((long)p.Og * p.CgK <= RowDotsLimit && p.Geometry.OutW >= Vector512<float>.Count && ImplicitConvolution.Applies<T>(window))
        {
            var plan = new ImplicitConvolution.Plan(p.Geometry, p.Cg, p.Og);
            ForJob.Run(blocks, work, block =>
            {
                int first = (int)((long)block * p.N / blocks), last = (int)((long)(block + 1) * p.N / blocks);
                fixed (T* px = Storages.Span<T>(x.Storage), pg = grads, pd = dw, pp = partials)
                {
                    var sum = block == 0 ? pd : pp + (nint)(block - 1) * size;
                    for (var group = 0; group < p.G; group++)
                        ImplicitConvolution.WeightGrad(plan, (float*)px + x.Offset + (nint)group * p.Cg * x.Strides[1], x.Strides[0], x.Strides[1], x.Strides[2], x.Strides[3],
                            first, last, (float*)pg + (nint)group * p.Og * p.L, (nint)p.O * p.L, (float*)sum + (nint)group * p.Og * p.CgK);
                }
            });
        }
        else ForJob.Run(blocks, work, block =>
        {
            var cols = Scratch<T>.Get(p.CgK * p.L);
            int first = (int)((long)block * p.N / blocks), last = (int)((long)(block + 1) * p.N / blocks);
            fixed (T* pg = grads, pc = cols, pd = dw, pp = partials)
            {
                var sum = block == 0 ? pd : pp + (nint)(block - 1) * size;
                for (var n = first; n < last; n++)
                for (var group = 0; group < p.G; group++)
                {
                    p.Unfold<T>(x, n, group, cols);
                    var gn = pg + ((nint)n * p.O + group * p.Og) * p.L;
                    if (dots) RowDots.Multiply(gn, p.L, p.Og, pc, p.L, p.CgK, p.L, sum + group * p.Og * p.CgK, p.CgK, accumulate: n > first);
                    else Gemm.Multiply(gn, p.L, 1, pc, 1, p.L, sum + group * p.Og * p.CgK, p.CgK, p.Og, p.CgK, p.L, accumulate: n > first);
                }
            }
        });
        var total = dw.AsSpan();
        for (var block = 1; block < blocks; block++)
            for (var i = 0; i < size; i++) total[i] += partials[(block - 1) * size + i];
        return new CpuStorage<T>(dw);
    }

    /// <summary>Largest weight-gradient product (O/G × Cg·K elements) computed by <see cref="RowDots"/> rather than the packed GEMM.</summary>
    const int RowDotsLimit = 4096;

    /// <summary>Shortest row (output positions L) for <see cref="RowDots"/>: each dot product ends in a reduction across lanes.</summary>
    const int RowDotsMinLength = 256;

    /// <summary>Partial sums of the weight gradient: enough blocks to keep the cores busy, few enough to add cheaply.</summary>
    const int WeightGradBlocks = 8;

    /// <summary>The sizes of one convolution, and the unfolding of one image's group of channels.</summary>
    readonly struct Problem
    {
        public readonly Window.Geometry Geometry;
        public readonly int O, G;

        public Problem(int[] x, int o, Window2d window, int groups)
        {
            Geometry = new Window.Geometry(window, x[0], x[1], x[2], x[3]);
            (O, G) = (o, groups);
        }

        public int N => Geometry.N;
        public int C => Geometry.C;
        public int H => Geometry.H;
        public int W => Geometry.Wd;
        public int L => Geometry.L;
        public int Cg => C / G;
        public int Og => O / G;
        public int CgK => Cg * Geometry.K;

        /// <summary>cols (Cg·K × L) = the columns of image n's channels of <paramref name="group"/>.</summary>
        public void Unfold<T>(Strided x, int n, int group, Span<T> cols) where T : unmanaged
        {
            ReadOnlySpan<T> data = Storages.Span<T>(x.Storage);
            var plane = Geometry.K * L;
            for (var c = 0; c < Cg; c++)
                Window.UnfoldPlane(data, x.Offset + n * x.Strides[0] + (group * Cg + c) * x.Strides[1], x.Strides[2], x.Strides[3], Geometry, cols.Slice(c * plane, plane));
        }
    }

    /// <summary>The elements of a view, row-major: its own array when it already is one.</summary>
    static T[] Contiguous<T>(Strided v) where T : unmanaged
    {
        var data = Storages.Span<T>(v.Storage);
        if (v.IsContiguous && v.Offset == 0 && data.Length == v.Count) return ((CpuStorage<T>)v.Storage).Data;
        return ((CpuStorage<T>)Cast.Copy(v, v.DType)).Data;
    }

    /// <summary>A scratch array per thread, grown on demand and kept for the next call.</summary>
    static class Scratch<T> where T : unmanaged
    {
        [ThreadStatic] static T[]? buffer;

        public static T[] Get(int length) => Storages.Grown(ref buffer, length);
    }
}
