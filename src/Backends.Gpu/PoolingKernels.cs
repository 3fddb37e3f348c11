using ILGPU;

namespace Hybrid.Gpu;

/// <summary>Max and average pooling, one output element per thread, as the CPU backend computes them.</summary>
internal static class PoolingKernels
{
    /// <summary>
    /// Output i: the first largest pixel of its window in (ki, kj) order, padding excluded (a
    /// NaN, once found, stays), and its position ih·W + iw in the image plane.
    /// </summary>
    public static void MaxPool<T, N>(Index1D thread, Elements elements, ArrayView<T> x, Strides4 sx, ArrayView<T> o, ArrayView<long> positions, WindowArgs w)
        where T : unmanaged where N : struct, INumeric<T>
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var num = default(N);
            var at = new OutputPosition(i, w);
            int oh = at.Oh, ow = at.Ow;
            var origin = sx.Offset + at.N * sx.S0 + at.C * sx.S1;
            var best = num.FromLong(0);
            var where = -1L;
            for (var ki = 0; ki < w.KernelH; ki++)
            {
                var ih = oh * w.StrideH - w.PadH + ki * w.DilationH;
                if (ih < 0 || ih >= w.H) continue;
                for (var kj = 0; kj < w.KernelW; kj++)
                {
                    var iw = ow * w.StrideW - w.PadW + kj * w.DilationW;
                    if (iw < 0 || iw >= w.W) continue;
                    var v = x[origin + ih * sx.S2 + iw * sx.S3];
                    if (where < 0 || !num.IsNaN(best) && (num.Lt(best, v) || num.IsNaN(v)))
                    {
                        best = v;
                        where = (long)ih * w.W + iw;
                    }
                }
            }
            o[i] = best;
            positions[i] = where;
        }
    }

    /// <summary>Output i: its window's sum in (ki, kj) order, zero padding counted, divided by kh·kw.</summary>
    public static void AvgPool<T, N>(Index1D thread, Elements elements, ArrayView<T> x, Strides4 sx, ArrayView<T> o, WindowArgs w)
        where T : unmanaged where N : struct, INumeric<T>
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var num = default(N);
            var at = new OutputPosition(i, w);
            int oh = at.Oh, ow = at.Ow;
            var origin = sx.Offset + at.N * sx.S0 + at.C * sx.S1;
            var sum = num.FromLong(0);
            for (var ki = 0; ki < w.KernelH; ki++)
            {
                var ih = oh * w.StrideH - w.PadH + ki * w.DilationH;
                if (ih < 0 || ih >= w.H) continue;
                for (var kj = 0; kj < w.KernelW; kj++)
                {
                    var iw = ow * w.StrideW - w.PadW + kj * w.DilationW;
                    if (iw >= 0 && iw < w.W) sum = num.Add(sum, x[origin + ih * sx.S2 + iw * sx.S3]);
                }
            }
            o[i] = num.Div(sum, num.FromLong(w.K));
        }
    }

    /// <summary>
    /// Image pixel i of average pooling's adjoint: the sum, in (ki, kj) order, of the gradients of
    /// the windows that hold it (window row oh holds row ih at kernel row ki when
    /// oh·StrideH = ih + PadH − ki·DilationH), divided by kh·kw. A gather: no atomics.
    /// </summary>
    public static void AvgPoolBackward<T, N>(Index1D thread, Elements elements, ArrayView<T> g, Strides4 sg, ArrayView<T> o, WindowArgs w)
        where T : unmanaged where N : struct, INumeric<T>
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var num = default(N);
            var at = new PixelPosition(i, w);
            int ih = at.Ih, iw = at.Iw;
            var origin = sg.Offset + at.N * sg.S0 + at.C * sg.S1;
            var sum = num.FromLong(0);
            for (var ki = 0; ki < w.KernelH; ki++)
            {
                var rowStep = ih + w.PadH - ki * w.DilationH;
                if (rowStep < 0 || rowStep % w.StrideH != 0 || rowStep / w.StrideH >= w.OutH) continue;
                var oh = rowStep / w.StrideH;
                for (var kj = 0; kj < w.KernelW; kj++)
                {
                    var colStep = iw + w.PadW - kj * w.DilationW;
                    if (colStep >= 0 && colStep % w.StrideW == 0 && colStep / w.StrideW < w.OutW)
                        sum = num.Add(sum, g[origin + oh * sg.S2 + colStep / w.StrideW * sg.S3]);
                }
            }
            o[i] = num.Div(sum, num.FromLong(w.K));
        }
    }
}
