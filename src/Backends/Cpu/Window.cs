using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Hybrid.Cpu;

/// <summary>
/// im2col (unfold) and col2im (fold) for 2-D sliding windows, as torch.nn.functional.unfold
/// and fold. Column entry (n, c·kh·kw + ki·kw + kj, oh·outW + ow) is input pixel
/// (n, c, oh·sH − pH + ki·dH, ow·sW − pW + kj·dW), or zero padding outside the image.
/// Fold sums columns back into pixels: it is the adjoint (transpose) of unfold.
/// </summary>
internal static class Window
{
    public static Storage Unfold(Strided x, Window2d w)
    {
        var g = new Geometry(w, x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]);
        var o = Storages.Allocate(x.DType, Layout.Count([g.N, g.C * g.K, g.L]));
        switch (x.DType)
        {
            case DType.Float32: Unfold<float>(x, g, o); break;
            case DType.Float64: Unfold<double>(x, g, o); break;
            case DType.Int64: Unfold<long>(x, g, o); break;
            case DType.Int32: Unfold<int>(x, g, o); break;
            case DType.UInt8: Unfold<byte>(x, g, o); break;
            case DType.Bool: Unfold<bool>(x, g, o); break;
            default: throw Storages.Unsupported("unfold", x.DType);
        }
        return o;
    }

    public static Storage Fold(Strided cols, Window2d w, int channels, int height, int width)
    {
        var g = new Geometry(w, cols.Shape[0], channels, height, width);
        var o = Storages.Allocate(cols.DType, Layout.Count([g.N, channels, height, width]), zeroed: true);
        switch (cols.DType)
        {
            case DType.Float32: Fold<float>(cols, g, o); break;
            case DType.Float64: Fold<double>(cols, g, o); break;
            case DType.Int64: Fold<long>(cols, g, o); break;
            case DType.Int32: Fold<int>(cols, g, o); break;
            case DType.UInt8: Fold<byte>(cols, g, o); break;
            default: throw Storages.Unsupported("fold", cols.DType);
        }
        return o;
    }

    /// <summary>Sizes of one unfold/fold problem.</summary>
    internal readonly struct Geometry
    {
        public readonly Window2d W;
        public readonly int N, C, H, Wd, OutH, OutW, K, L;

        public Geometry(Window2d w, int n, int c, int h, int width)
        {
            W = w;
            (N, C, H, Wd) = (n, c, h, width);
            OutH = Math.Max(0, w.OutH(h));
            OutW = Math.Max(0, w.OutW(width));
            K = w.KernelH * w.KernelW;
            L = OutH * OutW;
        }

        /// <summary>Input row of output row <paramref name="oh"/> at kernel row <paramref name="ki"/>.</summary>
        public int Ih(int oh, int ki) => oh * W.StrideH - W.PadH + ki * W.DilationH;

        /// <summary>
        /// The output columns [lo, hi) whose input column ow·sW + shift lies inside [0, W):
        /// computed once per kernel column, so the inner loops carry no bounds test.
        /// </summary>
        public (int Lo, int Hi) Columns(int kj, out int shift)
        {
            shift = kj * W.DilationW - W.PadW;
            var lo = shift >= 0 ? 0 : (-shift + W.StrideW - 1) / W.StrideW;
            var hi = Wd - 1 - shift < 0 ? 0 : Math.Min(OutW, (Wd - 1 - shift) / W.StrideW + 1);
            return (lo, Math.Max(lo, hi));
        }
    }

    /// <summary>Channel planes (n, c) are independent: they run on <see cref="CpuParallel"/> when the output is large.</summary>
    static void Unfold<T>(Strided xv, Geometry g, Storage os) where T : unmanaged
    {
        var xs = xv.Storage;
        int offset = xv.Offset, sn = xv.Strides[0], sc = xv.Strides[1], sh = xv.Strides[2], sw = xv.Strides[3];
        var planes = g.N * g.C;
        ForJob.Run(planes, (double)planes * g.K * g.L, plane =>
        {
            int n = plane / g.C, c = plane % g.C;
            UnfoldPlane<T>(Storages.Span<T>(xs), offset + n * sn + c * sc, sh, sw, g, Storages.Span<T>(os).Slice(plane * g.K * g.L, g.K * g.L));
        });
    }

    /// <summary>
    /// The K×L columns of one channel plane (pixel (ih, iw) at origin + ih·sh + iw·sw) written
    /// over <paramref name="o"/>, zeros where the window hangs over the padding. Each output row
    /// segment is a run of an input row: a vector copy when the window steps one pixel along
    /// contiguous rows.
    /// </summary>
    internal static void UnfoldPlane<T>(ReadOnlySpan<T> x, int origin, int sh, int sw, in Geometry g, Span<T> o) where T : unmanaged
    {
        var step = g.W.StrideW * sw;
        for (var ki = 0; ki < g.W.KernelH; ki++)
        for (var kj = 0; kj < g.W.KernelW; kj++)
        {
            var row = (ki * g.W.KernelW + kj) * g.L;
            var (lo, hi) = g.Columns(kj, out var shift);
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var dest = o.Slice(row + oh * g.OutW, g.OutW);
                var ih = g.Ih(oh, ki);
                if ((uint)ih >= (uint)g.H || lo >= hi)
                {
                    dest.Clear();
                    continue;
                }
                for (var ow = 0; ow < lo; ow++) dest[ow] = default;
                var xi = origin + ih * sh + (shift + lo * g.W.StrideW) * sw;
                if (step == 1) ShortCopy.Run(ref Unsafe.AsRef(in x[xi]), ref dest[lo], hi - lo);
                else
                    for (var ow = lo; ow < hi; ow++, xi += step) dest[ow] = x[xi];
                for (var ow = hi; ow < dest.Length; ow++) dest[ow] = default;
            }
        }
    }

    static void Fold<T>(Strided cv, Geometry g, Storage os) where T : unmanaged, INumber<T>
    {
        ReadOnlySpan<T> cols = Storages.Span<T>(cv.Storage);
        var o = Storages.Span<T>(os);
        int sn = cv.Strides[0], sr = cv.Strides[1], sl = cv.Strides[2];
        for (var n = 0; n < g.N; n++)
        for (var c = 0; c < g.C; c++)
            FoldPlane(cols, cv.Offset + n * sn + c * g.K * sr, sr, sl, g, o.Slice((n * g.C + c) * g.H * g.Wd, g.H * g.Wd));
    }

    /// <summary>
    /// Adds one channel plane's K×L columns (entry (r, l) at origin + r·sr + l·sl) into its
    /// H×W <paramref name="image"/>: the adjoint of <see cref="UnfoldPlane{T}"/>.
    /// </summary>
    internal static void FoldPlane<T>(ReadOnlySpan<T> cols, int origin, int sr, int sl, in Geometry g, Span<T> image) where T : unmanaged, INumber<T>
    {
        var step = g.W.StrideW;
        for (var ki = 0; ki < g.W.KernelH; ki++)
        for (var kj = 0; kj < g.W.KernelW; kj++)
        {
            var row = origin + (ki * g.W.KernelW + kj) * sr;
            var (lo, hi) = g.Columns(kj, out var shift);
            if (lo >= hi) continue;
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var ih = g.Ih(oh, ki);
                if ((uint)ih >= (uint)g.H) continue;
                var pixel = ih * g.Wd + shift + lo * step;
                var ci = row + (oh * g.OutW + lo) * sl;
                if (step == 1 && sl == 1)
                {
                    var run = image.Slice(pixel, hi - lo);
                    TensorPrimitives.Add(run, cols.Slice(ci, hi - lo), run);
                }
                else
                    for (var ow = lo; ow < hi; ow++, pixel += step, ci += sl) image[pixel] += cols[ci];
            }
        }
    }
}
