using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Hybrid.Cpu;

/// <summary>
/// c[i][j] = (c[i][j] when accumulating, else 0) + Σₚ a[i][p]·b[j][p] for operands whose rows run
/// along p: the product a·bᵀ without packing either, 2 rows of a by 4 rows of b at a time in 8
/// vector accumulators, each reduced across its lanes at the end. For the small products of a
/// convolution's weight gradient (few output channels, short kernels), where packing both
/// operands for the GEMM costs more than the product. Each element is summed in a fixed order.
/// </summary>
internal static unsafe class RowDots
{
    public static void Multiply<T>(T* a, int lda, int m, T* b, int ldb, int n, int k, T* c, int ldc, bool accumulate)
        where T : unmanaged, INumber<T>
    {
        var i = 0;
        for (; i + 2 <= m; i += 2)
        {
            var j = 0;
            for (; j + 4 <= n; j += 4) Tile2x4(a + (nint)i * lda, lda, b + (nint)j * ldb, ldb, k, c + (nint)i * ldc + j, ldc, accumulate);
            for (; j < n; j++)
                for (var r = i; r < i + 2; r++) Store(c + (nint)r * ldc + j, Dot(a + (nint)r * lda, b + (nint)j * ldb, k), accumulate);
        }
        for (; i < m; i++)
            for (var j = 0; j < n; j++) Store(c + (nint)i * ldc + j, Dot(a + (nint)i * lda, b + (nint)j * ldb, k), accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> s) where T : unmanaged, INumber<T> =>
        typeof(T) == typeof(float) ? Vector512.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), s.AsSingle()).As<float, T>()
        : typeof(T) == typeof(double) ? Vector512.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), s.AsDouble()).As<double, T>()
        : x * y + s;

    /// <summary>c = value, or c + value when accumulating.</summary>
    public static void Store<T>(T* c, T value, bool accumulate) where T : unmanaged, INumber<T> => *c = accumulate ? *c + value : value;

    static void Tile2x4<T>(T* a, int lda, T* b, int ldb, int k, T* c, int ldc, bool accumulate) where T : unmanaged, INumber<T>
    {
        Vector512<T> s00 = default, s01 = default, s02 = default, s03 = default, s10 = default, s11 = default, s12 = default, s13 = default;
        T* a1 = a + lda, b1 = b + ldb, b2 = b + 2 * ldb, b3 = b + 3 * ldb;
        var p = 0;
        for (; p + Vector512<T>.Count <= k; p += Vector512<T>.Count)
        {
            var x0 = Vector512.Load(a + p);
            var x1 = Vector512.Load(a1 + p);
            var y = Vector512.Load(b + p);
            s00 = Fma(x0, y, s00);
            s10 = Fma(x1, y, s10);
            y = Vector512.Load(b1 + p);
            s01 = Fma(x0, y, s01);
            s11 = Fma(x1, y, s11);
            y = Vector512.Load(b2 + p);
            s02 = Fma(x0, y, s02);
            s12 = Fma(x1, y, s12);
            y = Vector512.Load(b3 + p);
            s03 = Fma(x0, y, s03);
            s13 = Fma(x1, y, s13);
        }
        T t00 = Vector512.Sum(s00), t01 = Vector512.Sum(s01), t02 = Vector512.Sum(s02), t03 = Vector512.Sum(s03);
        T t10 = Vector512.Sum(s10), t11 = Vector512.Sum(s11), t12 = Vector512.Sum(s12), t13 = Vector512.Sum(s13);
        for (; p < k; p++)
        {
            T x0 = a[p], x1 = a1[p];
            t00 += x0 * b[p]; t01 += x0 * b1[p]; t02 += x0 * b2[p]; t03 += x0 * b3[p];
            t10 += x1 * b[p]; t11 += x1 * b1[p]; t12 += x1 * b2[p]; t13 += x1 * b3[p];
        }
        Store(c, t00, accumulate); Store(c + 1, t01, accumulate); Store(c + 2, t02, accumulate); Store(c + 3, t03, accumulate);
        Store(c + ldc, t10, accumulate); Store(c + ldc + 1, t11, accumulate); Store(c + ldc + 2, t12, accumulate); Store(c + ldc + 3, t13, accumulate);
    }

    static T Dot<T>(T* a, T* b, int k) where T : unmanaged, INumber<T>
    {
        Vector512<T> s = default;
        var p = 0;
        for (; p + Vector512<T>.Count <= k; p += Vector512<T>.Count) s = Fma(Vector512.Load(a + p), Vector512.Load(b + p), s);
        var t = Vector512.Sum(s);
        for (; p < k; p++) t += a[p] * b[p];
        return t;
    }
}
