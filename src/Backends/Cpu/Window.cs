using System.Numerics;

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
        if (x.DType is DType.Float32 or DType.Float64 && x.Strides[3] == 1 && w.StrideW == 1 && w.DilationW == 1)
        {
            var fast = Storages.Allocate(x.DType, Layout.Count([g.N, g.C * g.K, g.L]));
            if (x.DType == DType.Float32) UnfoldRows<float>(x, g, fast);
            else UnfoldRows<double>(x, g, fast);
            return fast;
        }
        // Zeroed: padding positions are simply never written.
        var o = Storages.Allocate(x.DType, Layout.Count([g.N, g.C * g.K, g.L]), zeroed: true);
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
    readonly struct Geometry
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

    static void Unfold<T>(Strided xv, Geometry g, Storage os) where T : unmanaged
    {
        ReadOnlySpan<T> x = Storages.Span<T>(xv.Storage);
        var o = Storages.Span<T>(os);
        int sn = xv.Strides[0], sc = xv.Strides[1], sh = xv.Strides[2], sw = xv.Strides[3], step = g.W.StrideW;
        for (var n = 0; n < g.N; n++)
        for (var c = 0; c < g.C; c++)
        for (var ki = 0; ki < g.W.KernelH; ki++)
        for (var kj = 0; kj < g.W.KernelW; kj++)
        {
            var row = ((n * g.C + c) * g.K + ki * g.W.KernelW + kj) * g.L;
            var (lo, hi) = g.Columns(kj, out var shift);
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var ih = g.Ih(oh, ki);
                if ((uint)ih >= (uint)g.H) continue;
                var xi = xv.Offset + n * sn + c * sc + ih * sh + shift * sw;
                var oi = row + oh * g.OutW;
                for (var ow = lo; ow < hi; ow++) o[oi + ow] = x[xi + ow * step * sw];
            }
        }
    }

    /// <summary>
    /// Unfold when the input's rows are contiguous and the window moves one pixel at a time along
    /// them: every output row segment is a copy of an input row segment, with zeros (written
    /// here: the output is not pre-zeroed) where the window hangs over the padding. Channel
    /// planes (n, c) are independent and run on <see cref="CpuParallel"/> when the output is large.
    /// </summary>
    static void UnfoldRows<T>(Strided xv, Geometry g, Storage os) where T : unmanaged
    {
        var xs = xv.Storage;
        int offset = xv.Offset, sn = xv.Strides[0], sc = xv.Strides[1], sh = xv.Strides[2];
        var planes = g.N * g.C;
        ForJob.Run(planes, (double)planes * g.K * g.L, plane =>
        {
            ReadOnlySpan<T> x = Storages.Span<T>(xs);
            var o = Storages.Span<T>(os);
            int n = plane / g.C, c = plane % g.C;
            var xPlane = offset + n * sn + c * sc;
            for (var ki = 0; ki < g.W.KernelH; ki++)
            for (var kj = 0; kj < g.W.KernelW; kj++)
            {
                var row = (plane * g.K + ki * g.W.KernelW + kj) * g.L;
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
                    dest[..lo].Clear();
                    x.Slice(xPlane + ih * sh + shift + lo, hi - lo).CopyTo(dest[lo..hi]);
                    dest[hi..].Clear();
                }
            }
        });
    }

    static void Fold<T>(Strided cv, Geometry g, Storage os) where T : unmanaged, INumber<T>
    {
        ReadOnlySpan<T> cols = Storages.Span<T>(cv.Storage);
        var o = Storages.Span<T>(os);
        int sn = cv.Strides[0], sr = cv.Strides[1], sl = cv.Strides[2], step = g.W.StrideW;
        for (var n = 0; n < g.N; n++)
        for (var c = 0; c < g.C; c++)
        for (var ki = 0; ki < g.W.KernelH; ki++)
        for (var kj = 0; kj < g.W.KernelW; kj++)
        {
            var row = cv.Offset + n * sn + (c * g.K + ki * g.W.KernelW + kj) * sr;
            var (lo, hi) = g.Columns(kj, out var shift);
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var ih = g.Ih(oh, ki);
                if ((uint)ih >= (uint)g.H) continue;
                var image = ((n * g.C + c) * g.H + ih) * g.Wd + shift;
                var ci = row + oh * g.OutW * sl;
                for (var ow = lo; ow < hi; ow++) o[image + ow * step] += cols[ci + ow * sl];
            }
        }
    }
}
