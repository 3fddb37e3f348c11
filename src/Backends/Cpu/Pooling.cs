using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hybrid.Cpu;

/// <summary>Max pooling (with the positions of the maxima) and average pooling, one channel plane at a time.</summary>
internal static class Pooling
{
    /// <summary>Lane indices that split two vectors of a row's pixels into its even and odd columns (for 2×2 windows of stride 2).</summary>
    static readonly Vector512<int> EvenLanes = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), OddLanes = EvenLanes + Vector512<int>.One;

    public static Storage MaxPool2d(Strided x, Window2d window, out Storage indices)
    {
        var g = new Window.Geometry(window, x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]);
        var count = g.N * g.C * g.L;
        var positions = Storages.Uninitialized<long>(count);
        indices = new CpuStorage<long>(positions);
        var values = Storages.Allocate(x.DType, count);
        switch (x.DType)
        {
            case DType.Float32 when Avx512F.IsSupported && IsPairs(window, g, x.Strides[3]): PairsFloat32(x, g, values, positions); break;
            case DType.Float32 when Avx512F.IsSupported && Avx2.IsSupported: MaxPool2dFloat32(x, g, values, positions); break;
            case DType.Float32: MaxPool2d<float>(x, g, values, positions); break;
            case DType.Float64: MaxPool2d<double>(x, g, values, positions); break;
            case DType.Int64: MaxPool2d<long>(x, g, values, positions); break;
            case DType.Int32: MaxPool2d<int>(x, g, values, positions); break;
            case DType.UInt8: MaxPool2d<byte>(x, g, values, positions); break;
            default: throw Storages.Unsupported("max_pool2d", x.DType);
        }
        return values;
    }

    /// <summary>
    /// The common 2×2 window of stride 2 (no padding, no dilation) over rows of contiguous pixels,
    /// with output rows of at least 4 (shorter ones fill too few lanes): see <see cref="PairsFloat32"/>.
    /// </summary>
    static bool IsPairs(Window2d w, in Window.Geometry g, int sw) =>
        w is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0, DilationH: 1, DilationW: 1 } && sw == 1 && g.OutW >= 4;

    /// <summary>
    /// 2×2 windows of stride 2, 16 outputs of a row at a time: the two input rows' 32 pixels are
    /// loaded (masked past the row's end) and split into even and odd columns, which are the
    /// window's four positions in (ki, kj) order; the running maximum follows the same rules as
    /// <see cref="MaxPool2d{T}"/> (the first largest; a NaN, once found, stays) by masks.
    /// </summary>
    static unsafe void PairsFloat32(Strided xv, Window.Geometry g, Storage os, long[] positions)
    {
        int sn = xv.Strides[0], sc = xv.Strides[1], sh = xv.Strides[2];
        ForJob.Run(g.N * g.C, (double)g.N * g.C * g.L * g.K, plane =>
        {
            int n = plane / g.C, c = plane % g.C;
            fixed (float* x = Storages.Span<float>(xv.Storage), o = Storages.Span<float>(os))
            fixed (long* p = positions)
            {
                var image = x + xv.Offset + n * sn + c * sc;
                for (var oh = 0; oh < g.OutH; oh++)
                {
                    float* row0 = image + 2 * oh * sh, row1 = row0 + sh;
                    for (var ow = 0; ow < g.OutW; ow += 16)
                    {
                        var count = Math.Min(16, g.OutW - ow);
                        // Pixels [2·ow, 2·ow + 2·count) of each row, zero past them.
                        var low = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(2 * count)).AsSingle();
                        var high = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(2 * count - 16)).AsSingle();
                        Vector512<float> a0 = Avx512F.MaskLoad(row0 + 2 * ow, low, default), a1 = Avx512F.MaskLoad(row0 + 2 * ow + 16, high, default);
                        Vector512<float> b0 = Avx512F.MaskLoad(row1 + 2 * ow, low, default), b1 = Avx512F.MaskLoad(row1 + 2 * ow + 16, high, default);
                        var place = Vector512.Create(2 * oh * g.Wd + 2 * ow) + EvenLanes;
                        var top = Avx512F.PermuteVar16x32x2(a0, EvenLanes, a1);
                        var position = place;
                        Keep(ref top, ref position, Avx512F.PermuteVar16x32x2(a0, OddLanes, a1), place + Vector512<int>.One);
                        Keep(ref top, ref position, Avx512F.PermuteVar16x32x2(b0, EvenLanes, b1), place + Vector512.Create(g.Wd));
                        Keep(ref top, ref position, Avx512F.PermuteVar16x32x2(b0, OddLanes, b1), place + Vector512.Create(g.Wd + 1));
                        Store(top, position, o, p, plane * g.L + oh * g.OutW + ow, count);
                    }
                }
            }
        });
    }

    /// <summary>The first <paramref name="count"/> lanes of a chunk's maxima and their positions, to the outputs from <paramref name="first"/> on (masked stores).</summary>
    static unsafe void Store(Vector512<float> top, Vector512<int> position, float* o, long* p, int first, int count)
    {
        Avx512F.MaskStore(o + first, Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count)).AsSingle(), top);
        Avx512F.MaskStore(p + first, Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)count)), Avx512F.ConvertToVector512Int64(position.GetLower()));
        Avx512F.MaskStore(p + first + 8, Vector512.LessThan(Vector512<long>.Indices, Vector512.Create(count - 8L)), Avx512F.ConvertToVector512Int64(position.GetUpper()));
    }

    /// <summary>The next window position v (at <paramref name="place"/>) replaces the maximum where it is larger or NaN, unless the maximum is NaN already.</summary>
    static void Keep(ref Vector512<float> top, ref Vector512<int> position, Vector512<float> v, Vector512<int> place)
    {
        var take = Vector512.Equals(top, top).AsInt32() & (Vector512.GreaterThan(v, top).AsInt32() | ~Vector512.Equals(v, v).AsInt32());
        top = Vector512.ConditionalSelect(take.AsSingle(), v, top);
        position = Vector512.ConditionalSelect(take, place, position);
    }

    /// <summary>
    /// As <see cref="MaxPool2d{T}"/>, 16 outputs of a plane at a time (across rows when they are
    /// short): each window position's 16 pixels are gathered (two AVX2 gathers of 8) and the
    /// running maximum is kept by masks rather than branches, whose outcome on real data is a
    /// coin toss. Every plane has the same geometry, so each chunk's pixel offsets, reported
    /// positions and in-image masks are worked out once per call (<see cref="ChunkTable"/>).
    /// </summary>
    static unsafe void MaxPool2dFloat32(Strided xv, Window.Geometry g, Storage os, long[] positions)
    {
        int sn = xv.Strides[0], sc = xv.Strides[1];
        var table = new ChunkTable(g, xv.Strides[2], xv.Strides[3]);
        ForJob.Run(g.N * g.C, (double)g.N * g.C * g.L * g.K, plane =>
        {
            int n = plane / g.C, c = plane % g.C;
            fixed (float* x = Storages.Span<float>(xv.Storage), o = Storages.Span<float>(os))
            fixed (long* p = positions)
            fixed (int* offsets = table.Offsets, places = table.Places, masks = table.Inside)
            {
                var image = x + xv.Offset + n * sn + c * sc;
                for (var chunk = 0; chunk < table.Chunks; chunk++)
                {
                    var top = Vector512.Create(float.NegativeInfinity);
                    var position = Vector512.Create(-1);
                    var found = Vector512<int>.Zero;
                    for (var k = 0; k < g.K; k++)
                    {
                        var at = (chunk * g.K + k) * 16;
                        var inside = Vector512.Load(masks + at);
                        if (inside == Vector512<int>.Zero) continue;
                        var index = Vector512.Load(offsets + at);
                        var v = Vector512.Create(Avx2.GatherVector256(image, index.GetLower(), 4), Avx2.GatherVector256(image, index.GetUpper(), 4));
                        var vNaN = ~Vector512.Equals(v, v).AsInt32();
                        var topNaN = ~Vector512.Equals(top, top).AsInt32();
                        var take = inside & (~found | ~topNaN & (Vector512.GreaterThan(v, top).AsInt32() | vNaN));
                        top = Vector512.ConditionalSelect(take.AsSingle(), v, top);
                        position = Vector512.ConditionalSelect(take, Vector512.Load(places + at), position);
                        found |= inside;
                    }
                    Store(top, position, o, p, plane * g.L + chunk * 16, Math.Min(16, g.L - chunk * 16));
                }
            }
        });
    }

    /// <summary>
    /// For output l = 16·chunk + lane of any plane and window position k = ki·kw + kj: the
    /// pixel's offset from the plane's origin (clamped into the image), its position ih·W + iw,
    /// and whether it lies in the image (all ones) or not, or l is past the plane's end (zero).
    /// </summary>
    sealed class ChunkTable
    {
        public readonly int Chunks;
        public readonly int[] Offsets, Places, Inside;

        public ChunkTable(Window.Geometry g, int sh, int sw)
        {
            Chunks = (g.L + 15) / 16;
            Offsets = new int[Chunks * g.K * 16];
            Places = new int[Offsets.Length];
            Inside = new int[Offsets.Length];
            var w = g.W;
            for (var chunk = 0; chunk < Chunks; chunk++)
            for (var lane = 0; lane < 16; lane++)
            {
                var l = chunk * 16 + lane;
                if (l >= g.L) continue;
                int oh = l / g.OutW, ow = l % g.OutW;
                for (var ki = 0; ki < w.KernelH; ki++)
                for (var kj = 0; kj < w.KernelW; kj++)
                {
                    int ih = g.Ih(oh, ki), iw = ow * w.StrideW - w.PadW + kj * w.DilationW;
                    var at = (chunk * g.K + ki * w.KernelW + kj) * 16 + lane;
                    var inImage = (uint)ih < (uint)g.H && (uint)iw < (uint)g.Wd;
                    Inside[at] = inImage ? -1 : 0;
                    Places[at] = ih * g.Wd + iw;
                    Offsets[at] = inImage ? ih * sh + iw * sw : 0;
                }
            }
        }
    }

    static void MaxPool2d<T>(Strided xv, Window.Geometry g, Storage os, long[] positions) where T : unmanaged, INumber<T>
    {
        var w = g.W;
        int sn = xv.Strides[0], sc = xv.Strides[1], sh = xv.Strides[2], sw = xv.Strides[3];
        ForJob.Run(g.N * g.C, (double)g.N * g.C * g.L * g.K, plane =>
        {
            ReadOnlySpan<T> x = Storages.Span<T>(xv.Storage);
            var o = Storages.Span<T>(os);
            int n = plane / g.C, c = plane % g.C, origin = xv.Offset + n * sn + c * sc;
            for (int oh = 0, at = plane * g.L; oh < g.OutH; oh++)
            for (var ow = 0; ow < g.OutW; ow++, at++)
            {
                // The first largest in (ki, kj) order; a NaN, once found, stays.
                var best = default(T);
                var where = -1L;
                for (var ki = 0; ki < w.KernelH; ki++)
                {
                    var ih = g.Ih(oh, ki);
                    if ((uint)ih >= (uint)g.H) continue;
                    for (var kj = 0; kj < w.KernelW; kj++)
                    {
                        var iw = ow * w.StrideW - w.PadW + kj * w.DilationW;
                        if ((uint)iw >= (uint)g.Wd) continue;
                        var v = x[origin + ih * sh + iw * sw];
                        if (where < 0 || !T.IsNaN(best) && (v > best || T.IsNaN(v)))
                        {
                            best = v;
                            where = (long)ih * g.Wd + iw;
                        }
                    }
                }
                o[at] = best;
                positions[at] = where;
            }
        });
    }

    /// <summary>
    /// Average pooling: each window's sum, padding counted as zeros, divided by kh·kw (see
    /// <see cref="WindowSums{T}"/>); 2×2 windows of stride 2 over contiguous float32 rows take
    /// <see cref="AvgPairsFloat32"/>.
    /// </summary>
    public static Storage AvgPool2d(Strided x, Window2d window) =>
        Average(x, new Window.Geometry(window, x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]), adjoint: false);

    /// <summary>The adjoint of <see cref="AvgPool2d(Strided, Window2d)"/>: each window's gradient spread evenly over its pixels.</summary>
    public static Storage AvgPool2dBackward(Strided g, Window2d window, int height, int width) =>
        Average(g, new Window.Geometry(window, g.Shape[0], g.Shape[1], height, width), adjoint: true);

    static Storage Average(Strided src, Window.Geometry g, bool adjoint)
    {
        var o = Storages.Allocate(src.DType, g.N * g.C * (adjoint ? g.H * g.Wd : g.L), zeroed: true);
        switch (src.DType)
        {
            case DType.Float32 when Avx512F.IsSupported && IsPairs(g.W, g, src.Strides[3]):
                if (adjoint) AvgPairsBackwardFloat32(src, g, o);
                else AvgPairsFloat32(src, g, o);
                break;
            case DType.Float32: WindowSums<float>(src, g, o, adjoint); break;
            case DType.Float64: WindowSums<double>(src, g, o, adjoint); break;
            default: throw Storages.Unsupported(adjoint ? "avg_pool2d_backward" : "avg_pool2d", src.DType);
        }
        return o;
    }

    /// <summary>
    /// Average pooling (<paramref name="src"/> the image) or its adjoint (<paramref name="src"/>
    /// the gradient, <paramref name="adjoint"/>) into the zeroed <paramref name="os"/>, one plane
    /// per worker: for each kernel position (ki, kj), every window row adds the image row it
    /// covers into the output row (or the gradient row into the image row), as one run; then
    /// everything is divided by kh·kw. A run of stride 1 over contiguous rows is a vector add.
    /// Each output (or pixel) thus sums its terms in (ki, kj) order, as the GPU kernels do.
    /// </summary>
    static void WindowSums<T>(Strided src, Window.Geometry g, Storage os, bool adjoint) where T : unmanaged, INumber<T>
    {
        var w = g.W;
        int sn = src.Strides[0], sc = src.Strides[1], sh = src.Strides[2], sw = src.Strides[3];
        var divisor = T.CreateChecked(g.K);
        int planeSize = adjoint ? g.H * g.Wd : g.L, rowSize = adjoint ? g.Wd : g.OutW;
        ForJob.Run(g.N * g.C, (double)g.N * g.C * g.L * g.K, plane =>
        {
            ReadOnlySpan<T> from = Storages.Span<T>(src.Storage);
            var o = Storages.Span<T>(os).Slice(plane * planeSize, planeSize);
            int n = plane / g.C, c = plane % g.C, origin = src.Offset + n * sn + c * sc;
            for (var ki = 0; ki < w.KernelH; ki++)
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var ih = g.Ih(oh, ki);
                if ((uint)ih >= (uint)g.H) continue;
                var row = o.Slice((adjoint ? ih : oh) * rowSize, rowSize);
                var read = origin + (adjoint ? oh : ih) * sh;
                for (var kj = 0; kj < w.KernelW; kj++)
                {
                    // Window columns [lo, hi) hold image column ow·strideW + shift.
                    var (lo, hi) = g.Columns(kj, out var shift);
                    if (hi <= lo) continue;   // (lo may lie past the row: no column of this kj is inside)
                    if (w.StrideW == 1 && sw == 1)
                    {
                        var into = row.Slice(adjoint ? lo + shift : lo, hi - lo);
                        TensorPrimitives.Add(into, from.Slice(adjoint ? read + lo : read + lo + shift, hi - lo), into);
                    }
                    else
                    {
                        // In bounds by Columns: no per-element checks.
                        ref var first = ref MemoryMarshal.GetReference(from);
                        ref var target = ref MemoryMarshal.GetReference(row);
                        for (var ow = lo; ow < hi; ow++)
                        {
                            var image = ow * w.StrideW + shift;
                            if (adjoint) Unsafe.Add(ref target, image) += Unsafe.Add(ref first, read + ow * sw);
                            else Unsafe.Add(ref target, ow) += Unsafe.Add(ref first, read + image * sw);
                        }
                    }
                }
            }
            TensorPrimitives.Divide(o, divisor, o);
        });
    }

    /// <summary>
    /// 2×2 average pooling of stride 2 over contiguous rows, 16 outputs at a time: each row's 32
    /// pixels split into even and odd columns, the window's four pixels in (ki, kj) order, added
    /// from zero in that order and divided by 4, as the general loop does (bit for bit).
    /// </summary>
    static unsafe void AvgPairsFloat32(Strided xv, Window.Geometry g, Storage os)
    {
        int sn = xv.Strides[0], sc = xv.Strides[1], sh = xv.Strides[2];
        ForJob.Run(g.N * g.C, (double)g.N * g.C * g.L * g.K, plane =>
        {
            int n = plane / g.C, c = plane % g.C;
            fixed (float* x = Storages.Span<float>(xv.Storage), o = Storages.Span<float>(os))
            {
                var image = x + xv.Offset + n * sn + c * sc;
                var output = o + plane * g.L;
                for (var oh = 0; oh < g.OutH; oh++, output += g.OutW)
                {
                    float* row0 = image + 2 * oh * sh, row1 = row0 + sh;
                    var ow = 0;
                    for (; ow + 16 <= g.OutW; ow += 16)   // pixels [2·ow, 2·ow + 32) lie inside the row
                    {
                        Vector512<float> a0 = Vector512.Load(row0 + 2 * ow), a1 = Vector512.Load(row0 + 2 * ow + 16);
                        Vector512<float> b0 = Vector512.Load(row1 + 2 * ow), b1 = Vector512.Load(row1 + 2 * ow + 16);
                        var sum = Vector512<float>.Zero + Avx512F.PermuteVar16x32x2(a0, EvenLanes, a1);
                        sum += Avx512F.PermuteVar16x32x2(a0, OddLanes, a1);
                        sum += Avx512F.PermuteVar16x32x2(b0, EvenLanes, b1);
                        sum += Avx512F.PermuteVar16x32x2(b0, OddLanes, b1);
                        (sum / Vector512.Create(4f)).Store(output + ow);
                    }
                    for (; ow < g.OutW; ow++)
                        output[ow] = (0f + row0[2 * ow] + row0[2 * ow + 1] + row1[2 * ow] + row1[2 * ow + 1]) / 4f;
                }
            }
        });
    }

    /// <summary>
    /// The adjoint of <see cref="AvgPairsFloat32"/>: the windows do not overlap, so each covered
    /// pixel is its window's gradient (added to zero) over 4, written 16 gradients at a time as
    /// pairs into both rows; a last odd row or column stays zero.
    /// </summary>
    static unsafe void AvgPairsBackwardFloat32(Strided gv, Window.Geometry g, Storage os)
    {
        int sn = gv.Strides[0], sc = gv.Strides[1], sh = gv.Strides[2];
        var low = Vector512.Create(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
        var high = low + Vector512.Create(8);
        var pixels = g.H * g.Wd;
        ForJob.Run(g.N * g.C, (double)g.N * g.C * g.L * g.K, plane =>
        {
            int n = plane / g.C, c = plane % g.C;
            fixed (float* grad = Storages.Span<float>(gv.Storage), o = Storages.Span<float>(os))
            {
                var source = grad + gv.Offset + n * sn + c * sc;
                var image = o + plane * pixels;
                for (var oh = 0; oh < g.OutH; oh++, source += sh)
                {
                    float* row0 = image + 2 * oh * g.Wd, row1 = row0 + g.Wd;
                    var ow = 0;
                    for (; ow + 16 <= g.OutW; ow += 16)
                    {
                        var quarter = (Vector512<float>.Zero + Vector512.Load(source + ow)) / Vector512.Create(4f);
                        var first = Avx512F.PermuteVar16x32(quarter, low);
                        var second = Avx512F.PermuteVar16x32(quarter, high);
                        first.Store(row0 + 2 * ow);
                        second.Store(row0 + 2 * ow + 16);
                        first.Store(row1 + 2 * ow);
                        second.Store(row1 + 2 * ow + 16);
                    }
                    for (; ow < g.OutW; ow++)
                        row0[2 * ow] = row0[2 * ow + 1] = row1[2 * ow] = row1[2 * ow + 1] = (0f + source[ow]) / 4f;
                }
            }
        });
    }
}
