using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hybrid.Cpu;

/// <summary>
/// Batched matrix product. Float32 and float64 go to the packed, multi-threaded
/// <see cref="Gemm"/>; integer dtypes use the reference kernel below (single-threaded),
/// which tests also use as the oracle. In it, each row of C is built as a sum of rows of B
/// scaled by A's entries (C[i,:] += A[i,p]·B[p,:]), which streams B and C with unit stride and
/// vectorizes with FMA; columns are processed in chunks that stay in L1 while p runs over k.
/// </summary>
internal static class MatMulKernel
{
    /// <summary>Columns of C updated together while p runs over k (chosen so a chunk stays in L1).</summary>
    const int ColumnChunk = 512;

    public static Storage Compute(Strided a, Strided b)
    {
        var dtype = DTypes.Promote(a.DType, b.DType);
        if (dtype == DType.Float32) return Gemm.Compute<float>(Cast.As(a, dtype), Cast.As(b, dtype));
        if (dtype == DType.Float64) return Gemm.Compute<double>(Cast.As(a, dtype), Cast.As(b, dtype));
        return Reference(a, b);
    }

    /// <summary>The simple kernel, for every dtype: the oracle the packed one is tested against.</summary>
    public static Storage Reference(Strided a, Strided b)
    {
        var dtype = DTypes.Promote(a.DType, b.DType);
        a = Cast.As(a, dtype);
        b = Cast.As(b, dtype);
        int rank = a.Shape.Length, m = a.Shape[rank - 2], n = b.Shape[rank - 1];
        var batchShape = a.Shape[..(rank - 2)];
        var count = Layout.Count([.. batchShape, m, n]);
        // Zeroed: C accumulates, and k = 0 must give zeros.
        var o = Storages.Allocate(dtype, count, zeroed: true);
        switch (dtype)
        {
            case DType.Float32: Batched<float>(a, b, Storages.Span<float>(o)); break;
            case DType.Float64: Batched<double>(a, b, Storages.Span<double>(o)); break;
            case DType.Int64: Batched<long>(a, b, Storages.Span<long>(o)); break;
            case DType.Int32: Batched<int>(a, b, Storages.Span<int>(o)); break;
            case DType.UInt8: Batched<byte>(a, b, Storages.Span<byte>(o)); break;
            default: throw Storages.Unsupported("matmul", dtype);
        }
        return o;
    }

    static void Batched<T>(Strided av, Strided bv, Span<T> c) where T : unmanaged, INumber<T>
    {
        if (c.Length == 0) return;
        ReadOnlySpan<T> a = Storages.Span<T>(av.Storage), b = Storages.Span<T>(bv.Storage);
        int rank = av.Shape.Length, m = av.Shape[rank - 2], k = av.Shape[rank - 1], n = bv.Shape[rank - 1];
        if (k == 0) return;
        int aRow = av.Strides[rank - 2], aCol = av.Strides[rank - 1];
        int bRow = bv.Strides[rank - 2], bCol = bv.Strides[rank - 1];

        // B's rows must be contiguous for the vector kernel; otherwise each batch slice is
        // copied to a dense k×n scratch (once per distinct slice: broadcast batches share one).
        var packB = bCol != 1 && n > 1;
        var scratch = packB ? new T[k * n] : null;
        var packedAt = -1;

        var batch = new StridedLoop(av.Shape[..(rank - 2)], (av.Strides[..(rank - 2)], av.Offset), (bv.Strides[..(rank - 2)], bv.Offset));
        var cOffset = 0;
        for (var row = 0; row < batch.Rows; row++, batch.Advance())
        {
            int ao = batch.Offsets[0], bo = batch.Offsets[1];
            for (var j = 0; j < batch.Inner; j++, ao += batch.InnerStrides[0], bo += batch.InnerStrides[1], cOffset += m * n)
            {
                var cBatch = c.Slice(cOffset, m * n);
                if (!packB)
                {
                    Multiply(a, ao, aRow, aCol, b, bo, bRow, cBatch, m, k, n);
                    continue;
                }
                if (packedAt != bo)
                {
                    for (var p = 0; p < k; p++)
                        for (var q = 0; q < n; q++) scratch![p * n + q] = b[bo + p * bRow + q * bCol];
                    packedAt = bo;
                }
                Multiply(a, ao, aRow, aCol, scratch, 0, n, cBatch, m, k, n);
            }
        }
    }

    /// <summary>C (m×n, dense) += A (strided) · B (rows at <paramref name="bo"/> + p·<paramref name="bRow"/>, unit column stride).</summary>
    static void Multiply<T>(ReadOnlySpan<T> a, int ao, int aRow, int aCol, ReadOnlySpan<T> b, int bo, int bRow, Span<T> c, int m, int k, int n)
        where T : unmanaged, INumber<T>
    {
        for (var i = 0; i < m; i++)
        {
            var ai = ao + i * aRow;
            for (var j0 = 0; j0 < n; j0 += ColumnChunk)
            {
                var len = Math.Min(ColumnChunk, n - j0);
                var ci = c.Slice(i * n + j0, len);
                var p = 0;
                // Four rows of B per pass: C's chunk is loaded and stored once per four FMAs.
                for (; p + 4 <= k; p += 4)
                {
                    var bp = bo + p * bRow + j0;
                    Axpy4(a[ai + p * aCol], a[ai + (p + 1) * aCol], a[ai + (p + 2) * aCol], a[ai + (p + 3) * aCol],
                        b.Slice(bp, len), b.Slice(bp + bRow, len), b.Slice(bp + 2 * bRow, len), b.Slice(bp + 3 * bRow, len), ci);
                }
                for (; p < k; p++) Axpy(a[ai + p * aCol], b.Slice(bo + p * bRow + j0, len), ci);
            }
        }
    }

    /// <summary>y += α·x.</summary>
    static void Axpy<T>(T alpha, ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, INumber<T>
    {
        var j = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && y.Length >= Vector<T>.Count)
        {
            var va = new Vector<T>(alpha);
            var xv = MemoryMarshal.Cast<T, Vector<T>>(x);
            var yv = MemoryMarshal.Cast<T, Vector<T>>(y);
            for (var v = 0; v < yv.Length; v++) yv[v] = Fma(va, xv[v], yv[v]);
            j = yv.Length * Vector<T>.Count;
        }
        for (; j < y.Length; j++) y[j] = Fma(alpha, x[j], y[j]);
    }

    /// <summary>y += α0·x0 + α1·x1 + α2·x2 + α3·x3, accumulated in that order.</summary>
    static void Axpy4<T>(T a0, T a1, T a2, T a3, ReadOnlySpan<T> x0, ReadOnlySpan<T> x1, ReadOnlySpan<T> x2, ReadOnlySpan<T> x3, Span<T> y)
        where T : unmanaged, INumber<T>
    {
        var j = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported && y.Length >= Vector<T>.Count)
        {
            Vector<T> v0 = new(a0), v1 = new(a1), v2 = new(a2), v3 = new(a3);
            var yv = MemoryMarshal.Cast<T, Vector<T>>(y);
            ReadOnlySpan<Vector<T>> w0 = MemoryMarshal.Cast<T, Vector<T>>(x0), w1 = MemoryMarshal.Cast<T, Vector<T>>(x1),
                w2 = MemoryMarshal.Cast<T, Vector<T>>(x2), w3 = MemoryMarshal.Cast<T, Vector<T>>(x3);
            for (var v = 0; v < yv.Length; v++)
                yv[v] = Fma(v3, w3[v], Fma(v2, w2[v], Fma(v1, w1[v], Fma(v0, w0[v], yv[v]))));
            j = yv.Length * Vector<T>.Count;
        }
        for (; j < y.Length; j++) y[j] = Fma(a3, x3[j], Fma(a2, x2[j], Fma(a1, x1[j], Fma(a0, x0[j], y[j]))));
    }

    // Fused multiply-add for floats (one rounding, one instruction), plain a·b + c otherwise.
    // The typeof tests are JIT-time constants, so each instantiation keeps a single branch.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<T> Fma<T>(Vector<T> a, Vector<T> b, Vector<T> c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
            return Vector.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static T Fma<T>(T a, T b, T c) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
        {
            var r = MathF.FusedMultiplyAdd(Unsafe.As<T, float>(ref a), Unsafe.As<T, float>(ref b), Unsafe.As<T, float>(ref c));
            return Unsafe.As<float, T>(ref r);
        }
        if (typeof(T) == typeof(double))
        {
            var r = Math.FusedMultiplyAdd(Unsafe.As<T, double>(ref a), Unsafe.As<T, double>(ref b), Unsafe.As<T, double>(ref c));
            return Unsafe.As<double, T>(ref r);
        }
        return a * b + c;
    }
}
