using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Hybrid.Cpu;

/// <summary>
/// Packing of the GEMM's operands: A into MR-row panels laid out [p][i], B into NR-column
/// panels laid out [p][j], from any strides (a plain copy of runs, a 16×16 register transpose,
/// or element by element), the last panel zero-padded.
/// </summary>
internal sealed unsafe partial class GemmJob<T>
{
    /// <summary>
    /// The packed panels of A's rows [i0, i0 + mc) and depths [p0, p0 + depth): packed into
    /// <paramref name="buffer"/> now, or, when A came packed, found in place.
    /// </summary>
    T* PanelsOfA(T* pa, int i0, int p0, int mc, int depth, T* buffer)
    {
        if (aPrepacked) return pa + (nint)i0 * depth;
        PackA(kernel.MR, pa + i0 * aRow + p0 * aCol, aRow, aCol, mc, depth, buffer);
        return buffer;
    }

    /// <summary>
    /// Packs rows of A (mc × depth at <paramref name="src"/>, strides rs/cs) into MR-row
    /// panels laid out [p][i], the last one zero-padded.
    /// </summary>
    public static void PackA(int mr, T* src, nint rs, nint cs, int mc, int depth, T* dst)
    {
        for (var i0 = 0; i0 < mc; i0 += mr, dst += (nint)mr * depth)
        {
            var rows = Math.Min(mr, mc - i0);
            var panel = src + i0 * rs;
            if (cs == 1) GatherLines(panel, rs, rows, depth, mr, dst);
            else if (rs == 1) CopyRuns(panel, cs, rows, depth, mr, dst);
            else Scalar(panel, rs, cs, rows, 0, depth, mr, dst);
        }
    }

    /// <summary>
    /// Packs columns of B (depth × nc at <paramref name="src"/>, strides bRow/bCol) into
    /// NR-column panels laid out [p][j], the last one zero-padded: B's columns are packed as
    /// A's rows are, with the two strides swapped.
    /// </summary>
    void PackB(T* src, int depth, int nc, T* dst) => PackA(kernel.NR, src, bCol, bRow, nc, depth, dst);

    /// <summary>
    /// dst[p·width + i] = line i's element p (line i at src + i·lineStride, elements p·step
    /// apart) for i &lt; count and p0 ≤ p &lt; depth, and 0 for count ≤ i &lt; width.
    /// </summary>
    static void Scalar(T* src, nint lineStride, nint step, int count, int p0, int depth, int width, T* dst)
    {
        for (nint p = p0; p < depth; p++)
        {
            var d = dst + p * width;
            var s = src + p * step;
            nint i = 0;
            for (; i < count; i++) d[i] = s[i * lineStride];
            for (; i < width; i++) d[i] = default;
        }
    }

    /// <summary>
    /// dst[p·width + i] = src[i·stride + p] (and 0 for count ≤ i &lt; width): each source line is
    /// contiguous in p (a row of row-major A, a column of column-major B), so this is a
    /// transpose, done 16×16 in registers where AVX-512 is available.
    /// </summary>
    static void GatherLines(T* src, nint stride, int count, int depth, int width, T* dst)
    {
        var p0 = 0;
        if (typeof(T) == typeof(float) && Avx512F.IsSupported && depth > 16)
        {
            // A width that is not a multiple of 16 spills from each row into the next: leave
            // at least one row to the scalar loop, so the last spill lands inside this panel
            // (other threads may be packing the next one).
            p0 = (width % 16 == 0 ? depth : depth - 1) & ~15;
            Transposes((float*)src, stride, count, p0, width, (float*)dst);
        }
        if (p0 < depth) Scalar(src, stride, 1, count, p0, depth, width, dst);
    }

    /// <summary>
    /// Lines [g, g+16) × p [p0, p0+16) at a time: 16 loads, a 16×16 transpose in registers
    /// (a butterfly of 4 stages × 16 two-source permutes), 16 stores. Stores are full vectors:
    /// with width 14 a store spills 2 lanes into the next p's slot, which the next store (or
    /// the next block, or the scalar tail, or the next panel) overwrites; the buffers have
    /// slack for the very last one.
    /// </summary>
    static void Transposes(float* src, nint stride, int count, int depth, int width, float* dst)
    {
        Vector512<int> lo8, hi8, lo4, hi4, lo2, hi2, lo1, hi1;
        (lo8, hi8) = TransposeIndices(8);
        (lo4, hi4) = TransposeIndices(4);
        (lo2, hi2) = TransposeIndices(2);
        (lo1, hi1) = TransposeIndices(1);
        for (var g = 0; g < width; g += 16)
        {
            var lines = Math.Min(16, count - g);
            var line = src + g * stride;
            for (nint p0 = 0; p0 < depth; p0 += 16)
            {
                Vector512<float> x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15, t;
                if (lines == 16)
                {
                    x0 = Vector512.Load(line + 0 * stride + p0);
                    x1 = Vector512.Load(line + 1 * stride + p0);
                    x2 = Vector512.Load(line + 2 * stride + p0);
                    x3 = Vector512.Load(line + 3 * stride + p0);
                    x4 = Vector512.Load(line + 4 * stride + p0);
                    x5 = Vector512.Load(line + 5 * stride + p0);
                    x6 = Vector512.Load(line + 6 * stride + p0);
                    x7 = Vector512.Load(line + 7 * stride + p0);
                    x8 = Vector512.Load(line + 8 * stride + p0);
                    x9 = Vector512.Load(line + 9 * stride + p0);
                    x10 = Vector512.Load(line + 10 * stride + p0);
                    x11 = Vector512.Load(line + 11 * stride + p0);
                    x12 = Vector512.Load(line + 12 * stride + p0);
                    x13 = Vector512.Load(line + 13 * stride + p0);
                    x14 = Vector512.Load(line + 14 * stride + p0);
                    x15 = Vector512.Load(line + 15 * stride + p0);
                }
                else
                {
                    x0 = lines > 0 ? Vector512.Load(line + 0 * stride + p0) : default;
                    x1 = lines > 1 ? Vector512.Load(line + 1 * stride + p0) : default;
                    x2 = lines > 2 ? Vector512.Load(line + 2 * stride + p0) : default;
                    x3 = lines > 3 ? Vector512.Load(line + 3 * stride + p0) : default;
                    x4 = lines > 4 ? Vector512.Load(line + 4 * stride + p0) : default;
                    x5 = lines > 5 ? Vector512.Load(line + 5 * stride + p0) : default;
                    x6 = lines > 6 ? Vector512.Load(line + 6 * stride + p0) : default;
                    x7 = lines > 7 ? Vector512.Load(line + 7 * stride + p0) : default;
                    x8 = lines > 8 ? Vector512.Load(line + 8 * stride + p0) : default;
                    x9 = lines > 9 ? Vector512.Load(line + 9 * stride + p0) : default;
                    x10 = lines > 10 ? Vector512.Load(line + 10 * stride + p0) : default;
                    x11 = lines > 11 ? Vector512.Load(line + 11 * stride + p0) : default;
                    x12 = lines > 12 ? Vector512.Load(line + 12 * stride + p0) : default;
                    x13 = lines > 13 ? Vector512.Load(line + 13 * stride + p0) : default;
                    x14 = lines > 14 ? Vector512.Load(line + 14 * stride + p0) : default;
                    x15 = lines > 15 ? Vector512.Load(line + 15 * stride + p0) : default;
                }
                t = Avx512F.PermuteVar16x32x2(x0, lo8, x8); x8 = Avx512F.PermuteVar16x32x2(x0, hi8, x8); x0 = t;
                t = Avx512F.PermuteVar16x32x2(x1, lo8, x9); x9 = Avx512F.PermuteVar16x32x2(x1, hi8, x9); x1 = t;
                t = Avx512F.PermuteVar16x32x2(x2, lo8, x10); x10 = Avx512F.PermuteVar16x32x2(x2, hi8, x10); x2 = t;
                t = Avx512F.PermuteVar16x32x2(x3, lo8, x11); x11 = Avx512F.PermuteVar16x32x2(x3, hi8, x11); x3 = t;
                t = Avx512F.PermuteVar16x32x2(x4, lo8, x12); x12 = Avx512F.PermuteVar16x32x2(x4, hi8, x12); x4 = t;
                t = Avx512F.PermuteVar16x32x2(x5, lo8, x13); x13 = Avx512F.PermuteVar16x32x2(x5, hi8, x13); x5 = t;
                t = Avx512F.PermuteVar16x32x2(x6, lo8, x14); x14 = Avx512F.PermuteVar16x32x2(x6, hi8, x14); x6 = t;
                t = Avx512F.PermuteVar16x32x2(x7, lo8, x15); x15 = Avx512F.PermuteVar16x32x2(x7, hi8, x15); x7 = t;
                t = Avx512F.PermuteVar16x32x2(x0, lo4, x4); x4 = Avx512F.PermuteVar16x32x2(x0, hi4, x4); x0 = t;
                t = Avx512F.PermuteVar16x32x2(x1, lo4, x5); x5 = Avx512F.PermuteVar16x32x2(x1, hi4, x5); x1 = t;
                t = Avx512F.PermuteVar16x32x2(x2, lo4, x6); x6 = Avx512F.PermuteVar16x32x2(x2, hi4, x6); x2 = t;
                t = Avx512F.PermuteVar16x32x2(x3, lo4, x7); x7 = Avx512F.PermuteVar16x32x2(x3, hi4, x7); x3 = t;
                t = Avx512F.PermuteVar16x32x2(x8, lo4, x12); x12 = Avx512F.PermuteVar16x32x2(x8, hi4, x12); x8 = t;
                t = Avx512F.PermuteVar16x32x2(x9, lo4, x13); x13 = Avx512F.PermuteVar16x32x2(x9, hi4, x13); x9 = t;
                t = Avx512F.PermuteVar16x32x2(x10, lo4, x14); x14 = Avx512F.PermuteVar16x32x2(x10, hi4, x14); x10 = t;
                t = Avx512F.PermuteVar16x32x2(x11, lo4, x15); x15 = Avx512F.PermuteVar16x32x2(x11, hi4, x15); x11 = t;
                t = Avx512F.PermuteVar16x32x2(x0, lo2, x2); x2 = Avx512F.PermuteVar16x32x2(x0, hi2, x2); x0 = t;
                t = Avx512F.PermuteVar16x32x2(x1, lo2, x3); x3 = Avx512F.PermuteVar16x32x2(x1, hi2, x3); x1 = t;
                t = Avx512F.PermuteVar16x32x2(x4, lo2, x6); x6 = Avx512F.PermuteVar16x32x2(x4, hi2, x6); x4 = t;
                t = Avx512F.PermuteVar16x32x2(x5, lo2, x7); x7 = Avx512F.PermuteVar16x32x2(x5, hi2, x7); x5 = t;
                t = Avx512F.PermuteVar16x32x2(x8, lo2, x10); x10 = Avx512F.PermuteVar16x32x2(x8, hi2, x10); x8 = t;
                t = Avx512F.PermuteVar16x32x2(x9, lo2, x11); x11 = Avx512F.PermuteVar16x32x2(x9, hi2, x11); x9 = t;
                t = Avx512F.PermuteVar16x32x2(x12, lo2, x14); x14 = Avx512F.PermuteVar16x32x2(x12, hi2, x14); x12 = t;
                t = Avx512F.PermuteVar16x32x2(x13, lo2, x15); x15 = Avx512F.PermuteVar16x32x2(x13, hi2, x15); x13 = t;
                t = Avx512F.PermuteVar16x32x2(x0, lo1, x1); x1 = Avx512F.PermuteVar16x32x2(x0, hi1, x1); x0 = t;
                t = Avx512F.PermuteVar16x32x2(x2, lo1, x3); x3 = Avx512F.PermuteVar16x32x2(x2, hi1, x3); x2 = t;
                t = Avx512F.PermuteVar16x32x2(x4, lo1, x5); x5 = Avx512F.PermuteVar16x32x2(x4, hi1, x5); x4 = t;
                t = Avx512F.PermuteVar16x32x2(x6, lo1, x7); x7 = Avx512F.PermuteVar16x32x2(x6, hi1, x7); x6 = t;
                t = Avx512F.PermuteVar16x32x2(x8, lo1, x9); x9 = Avx512F.PermuteVar16x32x2(x8, hi1, x9); x8 = t;
                t = Avx512F.PermuteVar16x32x2(x10, lo1, x11); x11 = Avx512F.PermuteVar16x32x2(x10, hi1, x11); x10 = t;
                t = Avx512F.PermuteVar16x32x2(x12, lo1, x13); x13 = Avx512F.PermuteVar16x32x2(x12, hi1, x13); x12 = t;
                t = Avx512F.PermuteVar16x32x2(x14, lo1, x15); x15 = Avx512F.PermuteVar16x32x2(x14, hi1, x15); x14 = t;
                var d = dst + p0 * width + g;
                x0.Store(d + 0 * width);
                x1.Store(d + 1 * width);
                x2.Store(d + 2 * width);
                x3.Store(d + 3 * width);
                x4.Store(d + 4 * width);
                x5.Store(d + 5 * width);
                x6.Store(d + 6 * width);
                x7.Store(d + 7 * width);
                x8.Store(d + 8 * width);
                x9.Store(d + 9 * width);
                x10.Store(d + 10 * width);
                x11.Store(d + 11 * width);
                x12.Store(d + 12 * width);
                x13.Store(d + 13 * width);
                x14.Store(d + 14 * width);
                x15.Store(d + 15 * width);
            }
        }
    }

    // For the butterfly stage of block size s: x'[r] takes columns c with (c & s) = 0 from x[r]
    // and the others from x[r+s] shifted down by s; x'[r+s] takes the remaining halves.
    static (Vector512<int> Low, Vector512<int> High) TransposeIndices(int s)
    {
        var lo = stackalloc int[16];
        var hi = stackalloc int[16];
        for (var c = 0; c < 16; c++)
        {
            lo[c] = (c & s) == 0 ? c : 16 + c - s;
            hi[c] = (c & s) == 0 ? c + s : 16 + c;
        }
        return (Vector512.Load(lo), Vector512.Load(hi));
    }

    /// <summary>
    /// dst[p·width + i] = src[p·stride + i] (and 0 for count ≤ i &lt; width): each step of p
    /// copies a contiguous run (a row of row-major B, a column of column-major A).
    /// </summary>
    static void CopyRuns(T* src, nint stride, int count, int depth, int width, T* dst)
    {
        var bytes = count * sizeof(T);
        if (bytes == 128 && Vector512.IsHardwareAccelerated)
        {
            for (nint p = 0; p < depth; p++)
            {
                var s = (byte*)(src + p * stride);
                var d = (byte*)(dst + p * width);
                Vector512.Store(Vector512.Load(s), d);
                Vector512.Store(Vector512.Load(s + 64), d + 64);
            }
            return;
        }
        if (bytes is >= 32 and <= 64 && Vector256.IsHardwareAccelerated)
        {
            // Two overlapping 32-byte moves cover 32 to 64 bytes (A's 14 floats, for one).
            for (nint p = 0; p < depth; p++)
            {
                var s = (byte*)(src + p * stride);
                var d = (byte*)(dst + p * width);
                var head = Vector256.Load(s);
                var tail = Vector256.Load(s + bytes - 32);
                head.Store(d);
                tail.Store(d + bytes - 32);
            }
        }
        else
            for (nint p = 0; p < depth; p++)
                Unsafe.CopyBlockUnaligned(dst + p * width, src + p * stride, (uint)bytes);
        if (count < width)
            for (nint p = 0; p < depth; p++)
                new Span<T>(dst + p * width + count, width - count).Clear();
    }
}
