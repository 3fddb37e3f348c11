using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hybrid.Cpu;

/// <summary>
/// A float32 convolution of stride 1 as an implicit GEMM on AVX-512: no unfolded columns are
/// written. Each image's channels are copied once into zero-padded Hp × Wp planes, in which the
/// input under window element p = (c, ki, kj) for output (oh, ow) sits at
/// off[p] + oh·Wp + ow, with off[p] = c·Hp·Wp + ki·dh·Wp + kj·dw. So a run of 32 outputs
/// along a row of the padded grid is a run of 32 consecutive pixels for every p, and the
/// micro-kernel reads row p of the GEMM's B panel at image + off[p] + start through an offset
/// table (<see cref="GemmKernels.F32x512Offsets"/>). Tiles either follow the output rows (32
/// columns at a time, the last one of a row partly wasted) or run over the padded grid as one
/// long row (l = oh·Wp + ow, the kw − 1 columns past each output row wasted), whichever makes
/// fewer tiles. Products land in a scratch C whose rows are padded to whole 14-row panels, and
/// the valid positions are copied out, or, when rows hold whole tiles, straight in the output.
/// The weight gradient reads the same padded images (<see cref="WeightGrad"/>).
/// </summary>
internal static unsafe class ImplicitConvolution
{
    const int MR = 14, NR = 32;

    /// <summary>For tests: false sends every convolution through the unfold path.</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether a convolution can run here: stride 1, float32 with the AVX-512 GEMM kernel in use.
    /// (The forward pass also needs its weights packed whole: Cg·K within one GEMM pass.)
    /// </summary>
    public static bool Applies<T>(Window2d window) where T : unmanaged =>
        Enabled && typeof(T) == typeof(float) && window.StrideH == 1 && window.StrideW == 1
        && Gemm.Float32 == GemmKernels.Float32Vector512 && Avx512F.IsSupported;

    /// <summary>The sizes shared by every image of one convolution, the offset table and the tiles.</summary>
    public sealed class Plan
    {
        public readonly Window.Geometry G;
        public readonly int Cg, Og, Depth, Hp, Wp, Ld, Rows, PaddedLength;
        public readonly int[] Offsets;
        /// <summary>Tile t's first output in the padded grid (oh·Wp + ow) and in the product's rows.</summary>
        public readonly int[] TileInput, TileOutput;
        /// <summary>Columns of the products between output rows (oh, 0) and (oh + 1, 0).</summary>
        public readonly int RowStride;
        /// <summary>Whether the products are the output itself (tiles follow rows of whole tiles).</summary>
        public readonly bool Direct;

        public Plan(Window.Geometry g, int cg, int og)
        {
            G = g;
            (Cg, Og) = (cg, og);
            var w = g.W;
            Depth = cg * g.K;
            Hp = g.H + 2 * w.PadH;
            Wp = g.Wd + 2 * w.PadW;
            Rows = (og + MR - 1) / MR * MR;
            Offsets = new int[Depth];
            var p = 0;
            for (var c = 0; c < cg; c++)
            for (var ki = 0; ki < w.KernelH; ki++)
            for (var kj = 0; kj < w.KernelW; kj++)
                Offsets[p++] = c * Hp * Wp + ki * w.DilationH * Wp + kj * w.DilationW;
            var perRow = (g.OutW + NR - 1) / NR;
            var virtualLength = g.L == 0 ? 0 : (g.OutH - 1) * Wp + g.OutW;
            var grid = (virtualLength + NR - 1) / NR;
            if (g.OutH * perRow <= grid)
            {
                // Tiles along each output row; products laid out as rows of perRow whole tiles.
                RowStride = perRow * NR;
                Ld = g.OutH * RowStride;
                TileInput = new int[g.OutH * perRow];
                TileOutput = new int[TileInput.Length];
                for (var oh = 0; oh < g.OutH; oh++)
                for (var q = 0; q < perRow; q++)
                    (TileInput[oh * perRow + q], TileOutput[oh * perRow + q]) = (oh * Wp + q * NR, oh * RowStride + q * NR);
                Direct = RowStride == g.OutW;
            }
            else
            {
                // One long row over the padded grid.
                RowStride = Wp;
                Ld = grid * NR;
                TileInput = new int[grid];
                for (var t = 0; t < grid; t++) TileInput[t] = t * NR;
                TileOutput = TileInput;
            }
            // The last tile reads up to NR − 1 pixels past its start: zeros after the last plane.
            var reach = TileInput.Length == 0 ? 0 : TileInput[^1] + NR;
            PaddedLength = Math.Max(cg * Hp * Wp, (Depth == 0 ? 0 : Offsets[^1]) + reach);
        }
    }

    /// <summary>
    /// Each row's start value for <see cref="Image"/>: the bias of each group's Og output channels
    /// (bias[o] at o·stride), at g·Rows + o, and zero for the rows past Og that fill the last panel.
    /// </summary>
    public static float[] Starts(Plan plan, int groups, ReadOnlySpan<float> bias, int offset, int stride)
    {
        var starts = new float[groups * plan.Rows];
        for (var g = 0; g < groups; g++)
        for (var o = 0; o < plan.Og; o++)
            starts[g * plan.Rows + o] = bias[offset + (g * plan.Og + o) * stride];
        return starts;
    }

    /// <summary>
    /// y (Og × L, contiguous) = packed weights (Og × Cg·K, <see cref="Gemm.PackA{T}"/>) ∗ the Cg
    /// channels of one image (channel c's pixel (ih, iw) at x + c·sc + ih·sh + iw·sw), plus
    /// starts[o] (a group's <see cref="Starts"/>: the bias) when starts is not null. Each row's
    /// chain starts from its start value, as the unfold path's GEMM starts from an output filled
    /// with the bias: the same sums, and C is never read. <paramref name="upcoming"/>, when not
    /// null, is the input of the caller's next image (same strides), fetched into cache meanwhile.
    /// </summary>
    public static void Image(Plan plan, float* x, nint sc, nint sh, nint sw, float* packedWeights, float* starts, float* y, float* upcoming)
    {
        var g = plan.G;
        if (g.L == 0) return;
        var buffers = Buffers.Current;
        var padded = Storages.Grown(ref buffers.Padded, plan.PaddedLength);
        // Direct: the output's own rows take the 14-row panels, and a last partial one too where
        // its kernel writes exactly the rows left (4 or 8); any other goes to scratch, not past
        // the output's last row.
        var left = plan.Og % MR;
        var wholePanels = !plan.Direct ? 0 : left is 0 or 4 or 8 ? plan.Rows / MR : plan.Og / MR;
        var scratchRows = plan.Rows - wholePanels * MR;
        var products = Storages.Grown(ref buffers.Products, scratchRows * plan.Ld);
        fixed (float* pi = padded, ps = products)
        fixed (int* offsets = plan.Offsets)
        {
            Pad(plan, x, sc, sh, sw, pi);
            var first = Math.Min(wholePanels * MR, plan.Og);
            var rowsAt = new RowsOfProducts(y, ps, first, plan.Ld);
            var panels = plan.Rows / MR;
            var tiles = plan.TileInput.Length;
            var ahead = new Upcoming(plan, upcoming, sc, sh, sw, tiles);
            for (var t = 0; t < tiles; t++)
            {
                ahead.Fetch(t);
                for (var panel = 0; panel < panels; panel++)
                {
                    var tile = rowsAt.Row(panel * MR) + plan.TileOutput[t];
                    var next = panel + 1 < panels ? rowsAt.Row((panel + 1) * MR) + plan.TileOutput[t] : t + 1 < tiles ? rowsAt.Row(0) + plan.TileOutput[t + 1] : tile;
                    var a = packedWeights + (nint)panel * MR * plan.Depth;
                    var b = pi + plan.TileInput[t];
                    var start = starts == null ? null : starts + panel * MR;
                    var rows = plan.Og - panel * MR;
                    if (rows <= 4) GemmKernels.F32x512OffsetsRows4(plan.Depth, a, b, offsets, tile, plan.Ld, start, next);
                    else if (rows <= 8) GemmKernels.F32x512OffsetsRows8(plan.Depth, a, b, offsets, tile, plan.Ld, start, next);
                    else GemmKernels.F32x512Offsets(plan.Depth, a, b, offsets, tile, plan.Ld, start, next);
                }
            }
            // The valid positions: the first OutW of every output row.
            for (var o = plan.Direct ? first : 0; o < plan.Og; o++)
            for (var oh = 0; oh < g.OutH; oh++)
                ShortCopy.Run(ref rowsAt.Row(o)[oh * plan.RowStride], ref y[((nint)o * g.OutH + oh) * g.OutW], g.OutW);
        }
    }

    /// <summary>
    /// dw (Og × Cg·K, contiguous) = Σ over images [first, last) of
    /// dw[o, p] = Σ_(oh, ow) g[n, o, oh, ow] · padded[n][off[p] + oh·Wp + ow]: dot products along
    /// the output rows (no unfolded columns), image n's x at x + n·sn and g at g + n·gn (rows of
    /// OutW, contiguous). 2 output channels × 4 window elements at a time in 8 vector
    /// accumulators, summed over <see cref="ImagesAtOnce"/> images and all their rows before one
    /// reduction across lanes (groups of images then add up in order); a row's last partial
    /// vector is read with masked loads (no element outside the row is read).
    /// </summary>
    public static void WeightGrad(Plan plan, float* x, nint sn, nint sc, nint sh, nint sw, int first, int last, float* g, nint gn, float* dw)
    {
        var geometry = plan.G;
        int imageStride = plan.Cg * plan.Hp * plan.Wp, m = plan.Og, n = plan.Depth;
        var buffers = Buffers.Current;
        // Each image's padding also zeroes the forward pass's slack after it, which the next image overwrites.
        var padded = Storages.Grown(ref buffers.Padded, (Math.Min(ImagesAtOnce, last - first) - 1) * imageStride + plan.PaddedLength);
        fixed (float* pi = padded)
        fixed (int* offsets = plan.Offsets)
            for (var group = first; group < last; group += ImagesAtOnce)
            {
                var images = Math.Min(ImagesAtOnce, last - group);
                for (var i = 0; i < images; i++) Pad(plan, x + (group + i) * sn, sc, sh, sw, pi + (nint)i * imageStride);
                var rows = new Rows(geometry.OutH, geometry.OutW, plan.Wp, images, imageStride, g + group * gn, gn);
                for (var o0 = 0; o0 < m; o0 += 2)
                for (var p0 = 0; p0 < n; p0 += 4)
                {
                    // Edge tiles repeat the last row or element and drop the repeats' results.
                    int o1 = Math.Min(o0 + 1, m - 1);
                    var tile = rows.Tile(o0, o1, pi + offsets[p0], pi + offsets[Math.Min(p0 + 1, n - 1)], pi + offsets[Math.Min(p0 + 2, n - 1)], pi + offsets[Math.Min(p0 + 3, n - 1)]);
                    for (var j = 0; j < 4 && p0 + j < n; j++)
                    {
                        RowDots.Store(dw + (nint)o0 * n + p0 + j, tile[j], group > first);
                        if (o0 + 1 < m) RowDots.Store(dw + (nint)o1 * n + p0 + j, tile[4 + j], group > first);
                    }
                }
            }
    }

    /// <summary>Images whose padded copies a weight gradient holds at once (a few hundred KB for LeNet-sized ones).</summary>
    const int ImagesAtOnce = 8;

    /// <summary>The output rows of a block of images, and the 2×4 tile of dot products over them.</summary>
    readonly struct Rows(int outH, int outW, int wp, int images, int imageStride, float* g, nint gn)
    {
        /// <summary>Σ g[o]·x over every image and output row, for o ∈ {o0, o1} and x at the 4 given pixels: [o0 × 4, o1 × 4].</summary>
        public Tile8 Tile(int o0, int o1, float* x0, float* x1, float* x2, float* x3)
        {
            Vector512<float> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
            var whole = outW / 16 * 16;
            var mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(outW - whole)).AsSingle();
            var l = outH * outW;
            for (var i = 0; i < images; i++)
            {
                float* a0 = g + i * gn + (nint)o0 * l, a1 = g + i * gn + (nint)o1 * l;
                nint image = (nint)i * imageStride;
                for (var oh = 0; oh < outH; oh++, a0 += outW, a1 += outW)
                {
                    var row = image + (nint)oh * wp;
                    float* b0 = x0 + row, b1 = x1 + row, b2 = x2 + row, b3 = x3 + row;
                    for (var ow = 0; ow <= whole; ow += 16)
                    {
                        Vector512<float> u0, u1, v0, v1, v2, v3;
                        if (ow < whole)
                            (u0, u1, v0, v1, v2, v3) = (Vector512.Load(a0 + ow), Vector512.Load(a1 + ow), Vector512.Load(b0 + ow), Vector512.Load(b1 + ow), Vector512.Load(b2 + ow), Vector512.Load(b3 + ow));
                        else if (whole < outW)
                            (u0, u1, v0, v1, v2, v3) = (Masked(a0 + ow, mask), Masked(a1 + ow, mask), Masked(b0 + ow, mask), Masked(b1 + ow, mask), Masked(b2 + ow, mask), Masked(b3 + ow, mask));
                        else break;
                        s00 = Vector512.FusedMultiplyAdd(u0, v0, s00); s10 = Vector512.FusedMultiplyAdd(u1, v0, s10);
                        s01 = Vector512.FusedMultiplyAdd(u0, v1, s01); s11 = Vector512.FusedMultiplyAdd(u1, v1, s11);
                        s02 = Vector512.FusedMultiplyAdd(u0, v2, s02); s12 = Vector512.FusedMultiplyAdd(u1, v2, s12);
                        s03 = Vector512.FusedMultiplyAdd(u0, v3, s03); s13 = Vector512.FusedMultiplyAdd(u1, v3, s13);
                    }
                }
            }
            var t = new Tile8();
            (t[0], t[1], t[2], t[3]) = (Vector512.Sum(s00), Vector512.Sum(s01), Vector512.Sum(s02), Vector512.Sum(s03));
            (t[4], t[5], t[6], t[7]) = (Vector512.Sum(s10), Vector512.Sum(s11), Vector512.Sum(s12), Vector512.Sum(s13));
            return t;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector512<float> Masked(float* p, Vector512<float> mask) => Avx512F.MaskLoad(p, mask, Vector512<float>.Zero);
    }

    [InlineArray(8)]
    struct Tile8
    {
        float element;
    }

    /// <summary>The image's Cg channels into Hp × Wp planes with zero borders, and zeros after the last plane.</summary>
    static void Pad(Plan plan, float* x, nint sc, nint sh, nint sw, float* padded)
    {
        var g = plan.G;
        int ph = g.W.PadH, pw = g.W.PadW, plane = plan.Hp * plan.Wp;
        for (var ch = 0; ch < plan.Cg; ch++)
        {
            var dst = padded + (nint)ch * plane;
            new Span<float>(dst, ph * plan.Wp).Clear();
            for (var ih = 0; ih < g.H; ih++)
            {
                var row = dst + (nint)(ph + ih) * plan.Wp;
                var src = x + ch * sc + ih * sh;
                // The side borders are a few elements: stores in line cost less than a call to clear them.
                for (var i = 0; i < pw; i++) row[i] = 0;
                if (sw == 1) ShortCopy.Run(ref src[0], ref row[pw], g.Wd);
                else
                    for (var iw = 0; iw < g.Wd; iw++) row[pw + iw] = src[iw * sw];
                for (var i = pw + g.Wd; i < plan.Wp; i++) row[i] = 0;
            }
            new Span<float>(dst + (nint)(ph + g.H) * plan.Wp, ph * plan.Wp).Clear();
        }
        new Span<float>(padded + (nint)plan.Cg * plane, plan.PaddedLength - plan.Cg * plane).Clear();
    }

    /// <summary>
    /// Brings the next image's input into L2 while this one is multiplied, a share per tile.
    /// Padding a 64-channel 32×32 image read from memory took 20 µs of the 300 µs of its
    /// convolution; from L2, about 10. Only an input in one contiguous run (c, h, w order) is fetched.
    /// </summary>
    readonly struct Upcoming(Plan plan, float* x, nint sc, nint sh, nint sw, int tiles)
    {
        readonly long lines = x != null && sw == 1 && sh == plan.G.Wd && sc == (nint)plan.G.H * plan.G.Wd
            ? ((long)plan.Cg * sc * sizeof(float) + 63) / 64 : 0;

        public void Fetch(int tile)
        {
            if (lines == 0 || !Sse.IsSupported) return;
            var bytes = (byte*)x;
            for (long line = tile * lines / tiles, end = (tile + 1) * lines / tiles; line < end; line++)
                Sse.Prefetch1(bytes + line * 64);
        }
    }

    /// <summary>Rows [0, first) of the products are the output's own rows; the rest are scratch.</summary>
    readonly struct RowsOfProducts(float* y, float* scratch, int first, int ld)
    {
        public float* Row(int o) => o < first ? y + (nint)o * ld : scratch + (nint)(o - first) * ld;
    }

    /// <summary>Scratch arrays per thread (the padded image, the products), grown on demand and kept for the next call.</summary>
    sealed class Buffers
    {
        [ThreadStatic] static Buffers? current;
        public static Buffers Current => current ??= new();

        public float[]? Padded, Products;
    }
}
