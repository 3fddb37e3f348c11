using ILGPU;

namespace Hybrid.Gpu;

/// <summary>
/// One unfold/fold problem as a kernel argument: the (N, C, H, W) image, the window, and the
/// output grid (OutH, OutW) of window positions; L = OutH·OutW, K = KernelH·KernelW.
/// </summary>
internal struct WindowArgs
{
    public int N, C, H, W;
    public int KernelH, KernelW, StrideH, StrideW, PadH, PadW, DilationH, DilationW;
    public int OutH, OutW;

    public readonly int K => KernelH * KernelW;
    public readonly int L => OutH * OutW;

    public static WindowArgs Of(Window2d w, int n, int c, int h, int width) => new()
    {
        N = n, C = c, H = h, W = width,
        KernelH = w.KernelH, KernelW = w.KernelW, StrideH = w.StrideH, StrideW = w.StrideW,
        PadH = w.PadH, PadW = w.PadW, DilationH = w.DilationH, DilationW = w.DilationW,
        // As the CPU backend: a window larger than the padded image gives no positions.
        OutH = Math.Max(0, w.OutH(h)), OutW = Math.Max(0, w.OutW(width)),
    };
}

/// <summary>Where output element i of an (N, C, OutH, OutW) result lies: its image plane (N, C) and window position (Oh, Ow).</summary>
internal readonly struct OutputPosition
{
    public readonly int N, C, Oh, Ow;

    public OutputPosition(int i, WindowArgs w)
    {
        int l = i % w.L, plane = i / w.L;
        Oh = l / w.OutW;
        Ow = l - Oh * w.OutW;
        N = plane / w.C;
        C = plane - N * w.C;
    }
}

/// <summary>Where pixel i of an (N, C, H, W) image lies.</summary>
internal readonly struct PixelPosition
{
    public readonly int N, C, Ih, Iw;

    public PixelPosition(int i, WindowArgs w)
    {
        Iw = i % w.W;
        var rest = i / w.W;
        Ih = rest % w.H;
        var plane = rest / w.H;
        N = plane / w.C;
        C = plane - N * w.C;
    }
}

/// <summary>Strides and offset of a rank-4 view (an image (N, C, H, W), or columns (N, rows, L) with S3 unused).</summary>
internal struct Strides4
{
    public int Offset, S0, S1, S2, S3;

    public static Strides4 Of(Strided x) => new()
    {
        Offset = x.Offset, S0 = x.Strides[0], S1 = x.Strides[1], S2 = x.Strides[2], S3 = x.Strides.Length > 3 ? x.Strides[3] : 0,
    };
}

/// <summary>
/// im2col and col2im, one output element per thread. Column entry (n, c·K + ki·KernelW + kj,
/// oh·OutW + ow) is image pixel (n, c, oh·StrideH − PadH + ki·DilationH, ow·StrideW − PadW +
/// kj·DilationW), or zero padding outside the image. Fold gathers rather than scatters: each
/// image pixel sums the column entries that read it, in (ki, kj) order, so the result needs no
/// atomics and is the same on every run (and the same as the CPU backend's, which adds in that
/// order too).
/// </summary>
internal static class WindowKernels
{
    /// <summary>Output element i of unfold: consecutive threads take consecutive window positions.</summary>
    public static void Unfold<T>(Index1D thread, Elements elements, ArrayView<T> x, Strides4 sx, ArrayView<T> o, WindowArgs w) where T : unmanaged
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            int l = i % w.L, rest = i / w.L;
            int kernel = rest % w.K, plane = rest / w.K;
            int oh = l / w.OutW, ow = l - oh * w.OutW;
            int ki = kernel / w.KernelW, kj = kernel - ki * w.KernelW;
            int ih = oh * w.StrideH - w.PadH + ki * w.DilationH, iw = ow * w.StrideW - w.PadW + kj * w.DilationW;
            int n = plane / w.C, c = plane - n * w.C;
            o[i] = ih >= 0 && ih < w.H && iw >= 0 && iw < w.W
                ? x[sx.Offset + n * sx.S0 + c * sx.S1 + ih * sx.S2 + iw * sx.S3]
                : default;
        }
    }

    /// <summary>
    /// Image pixel i of fold: window row oh covers image row ih at kernel row ki when
    /// ih + PadH − ki·DilationH = oh·StrideH, with 0 ≤ oh &lt; OutH (and likewise for columns).
    /// </summary>
    public static void Fold<T, N>(Index1D thread, Elements elements, ArrayView<T> cols, Strides4 sc, ArrayView<T> o, WindowArgs w)
        where T : unmanaged where N : struct, INumeric<T>
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var num = default(N);
            var at = new PixelPosition(i, w);
            int ih = at.Ih, iw = at.Iw;
            var sum = num.FromLong(0);
            var image = sc.Offset + at.N * sc.S0 + at.C * w.K * sc.S1;
            for (var ki = 0; ki < w.KernelH; ki++)
            {
                var dh = ih + w.PadH - ki * w.DilationH;
                if (dh < 0 || dh % w.StrideH != 0) continue;
                var oh = dh / w.StrideH;
                if (oh >= w.OutH) continue;
                for (var kj = 0; kj < w.KernelW; kj++)
                {
                    var dw = iw + w.PadW - kj * w.DilationW;
                    if (dw < 0 || dw % w.StrideW != 0) continue;
                    var ow = dw / w.StrideW;
                    if (ow >= w.OutW) continue;
                    sum = num.Add(sum, cols[image + (ki * w.KernelW + kj) * sc.S1 + (oh * w.OutW + ow) * sc.S2]);
                }
            }
            o[i] = sum;
        }
    }
}
