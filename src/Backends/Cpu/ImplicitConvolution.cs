using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hybrid.Cpu;

/// <summary>
/// A float32 convolution of stride 1 as an implicit GEMM on AVX-512: no unfolded columns are
/// written. Each image's channels are copied once into zero-padded Hp × Wp planes. On the grid
/// of "virtual" output positions l = oh·Wp + ow (ow running over the whole padded width), the
/// input under window element p = (c, ki, kj) is the padded image shifted by
/// off[p] = c·Hp·Wp + ki·dh·Wp + kj·dw, so the micro-kernel reads row p of the GEMM's B at
/// image + off[p] + l through an offset table (<see cref="GemmKernels.F32x512Offsets"/>).
/// The columns ow ≥ OutW of each row are computed and thrown away (kw − 1 of every Wp).
/// Products land in a scratch C whose rows are padded to whole 14-row panels and columns to
/// whole 32-column tiles, and the valid positions are copied out.
/// </summary>
/// <remarks>
/// Each output is the FMA chain of the packed GEMM (from its bias or zero, over p in order),
/// so results equal <see cref="Convolution"/>'s unfold path bit for bit.
/// </remarks>
internal static unsafe class ImplicitConvolution
{
    const int MR = 14, NR = 32;

    /// <summary>For tests: false sends every convolution through the unfold path.</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>
    /// Whether a convolution can run here: stride 1, float32 with the AVX-512 GEMM kernel in use,
    /// and weights packed whole (Cg·K within one GEMM pass).
    /// </summary>
    public static bool Applies<T>(Window2d window, bool weightsPacked) where T : unmanaged =>
        Enabled && typeof(T) == typeof(float) && weightsPacked && window.StrideH == 1 && window.StrideW == 1
        && Gemm.Float32 == GemmKernels.Float32Vector512 && Avx512F.IsSupported;

    /// <summary>The sizes shared by every image of one convolution, and the offset table.</summary>
    public sealed class Plan
    {
        public readonly Window.Geometry G;
        public readonly int Cg, Og, Depth, Hp, Wp, Tiles, Ld, Rows, PaddedLength;
        public readonly int[] Offsets;

        public Plan(Window.Geometry g, int cg, int og)
        {
            G = g;
            (Cg, Og) = (cg, og);
            var w = g.W;
            Depth = cg * g.K;
            Hp = g.H + 2 * w.PadH;
            Wp = g.Wd + 2 * w.PadW;
            var virtualLength = g.L == 0 ? 0 : (g.OutH - 1) * Wp + g.OutW;
            Tiles = (virtualLength + NR - 1) / NR;
            Ld = Tiles * NR;
            Rows = (og + MR - 1) / MR * MR;
            Offsets = new int[Depth];
            var p = 0;
            for (var c = 0; c < cg; c++)
            for (var ki = 0; ki < w.KernelH; ki++)
            for (var kj = 0; kj < w.KernelW; kj++)
                Offsets[p++] = c * Hp * Wp + ki * w.DilationH * Wp + kj * w.DilationW;
            // The last tile reads past the last plane by up to its width: zeros there.
            PaddedLength = Math.Max(cg * Hp * Wp, (Depth == 0 ? 0 : Offsets[^1]) + Ld);
        }
    }

    /// <summary>
    /// y (Og × L, contiguous) = packed weights (Og × Cg·K, <see cref="Gemm.PackA{T}"/>) ∗ the
    /// channels [c0, c0 + Cg) of one image (channel c's pixel (ih, iw) at x + c·sc + ih·sh + iw·sw),
    /// plus bias[o] (bias + o·biasStride) when bias is not null.
    /// </summary>
    public static void Image(Plan plan, float* x, nint sc, nint sh, nint sw, float* packedWeights, float* bias, nint biasStride, float* y)
    {
        var g = plan.G;
        if (g.L == 0) return;
        var buffers = Buffers.Current;
        var padded = buffers.Get(ref buffers.Padded, plan.PaddedLength);
        var c = buffers.Get(ref buffers.Products, plan.Rows * plan.Ld);
        fixed (float* pi = padded, pc = c)
        fixed (int* offsets = plan.Offsets)
        {
            Pad(plan, x, sc, sh, sw, pi);
            if (bias != null)
                for (var o = 0; o < plan.Og; o++) new Span<float>(pc + (nint)o * plan.Ld, plan.Ld).Fill(bias[o * biasStride]);
            var accumulate = bias != null ? 1 : 0;
            var panels = plan.Rows / MR;
            for (var t = 0; t < plan.Tiles; t++)
            for (var panel = 0; panel < panels; panel++)
            {
                var tile = pc + (nint)panel * MR * plan.Ld + t * NR;
                var next = panel + 1 < panels ? tile + MR * plan.Ld : pc + (t + 1) * NR;
                var a = packedWeights + (nint)panel * MR * plan.Depth;
                var b = pi + t * NR;
                var rows = plan.Og - panel * MR;
                if (rows <= 4) GemmKernels.F32x512OffsetsRows4(plan.Depth, a, b, offsets, tile, plan.Ld, accumulate, next);
                else if (rows <= 8) GemmKernels.F32x512OffsetsRows8(plan.Depth, a, b, offsets, tile, plan.Ld, accumulate, next);
                else GemmKernels.F32x512Offsets(plan.Depth, a, b, offsets, tile, plan.Ld, accumulate, next);
            }
            // The valid positions: the first OutW of every Wp columns.
            for (var o = 0; o < plan.Og; o++)
            for (var oh = 0; oh < g.OutH; oh++)
                ShortCopy.Run(ref pc[(nint)o * plan.Ld + oh * plan.Wp], ref y[((nint)o * g.OutH + oh) * g.OutW], g.OutW);
        }
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
                new Span<float>(row, pw).Clear();
                if (sw == 1) ShortCopy.Run(ref src[0], ref row[pw], g.Wd);
                else
                    for (var iw = 0; iw < g.Wd; iw++) row[pw + iw] = src[iw * sw];
                new Span<float>(row + pw + g.Wd, pw).Clear();
            }
            new Span<float>(dst + (nint)(ph + g.H) * plan.Wp, ph * plan.Wp).Clear();
        }
        new Span<float>(padded + (nint)plan.Cg * plane, plan.PaddedLength - plan.Cg * plane).Clear();
    }

    /// <summary>Two scratch arrays per thread, grown on demand and kept for the next call.</summary>
    sealed class Buffers
    {
        [ThreadStatic] static Buffers? current;
        public static Buffers Current => current ??= new();

        public float[]? Padded, Products;

        public float[] Get(ref float[]? buffer, int length)
        {
            if (buffer == null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<float>(Math.Max(length, (buffer?.Length ?? 0) * 3 / 2));
            return buffer;
        }
    }
}
