using Hybrid;
using Hybrid.Cpu;

namespace Hybrid.Unit.Backends;

/// <summary>
/// Helpers for backend tests: building views over arrays (contiguous, permuted, broadcast,
/// offset) and a naive element-by-multi-index reader that shares no code with the kernels.
/// </summary>
internal static class BackendTestData
{
    public static readonly CpuBackend CpuKernels = CpuBackend.Instance;

    /// <summary>A contiguous view of a new storage holding <paramref name="data"/>.</summary>
    public static Strided View<T>(T[] data, params int[] shape) where T : unmanaged =>
        Strided.Contiguous(new CpuStorage<T>(data), shape);

    /// <summary>An arbitrary view of <paramref name="data"/>.</summary>
    public static Strided View<T>(T[] data, int[] shape, int[] strides, int offset) where T : unmanaged =>
        new(new CpuStorage<T>(data), shape, strides, offset);

    /// <summary>
    /// A view of logical shape <paramref name="shape"/> whose dims are stored in the order
    /// <paramref name="storageOrder"/> (outermost first) after <paramref name="offset"/> padding
    /// elements, so strides are permuted and the view is not contiguous. Returns the view and,
    /// via <paramref name="logical"/>, the values in row-major logical order.
    /// </summary>
    public static Strided Permuted(System.Random rng, int[] shape, int[] storageOrder, int offset, out double[] logical)
    {
        var count = shape.Aggregate(1, (a, b) => a * b);
        var data = new double[offset + count];
        for (var i = 0; i < data.Length; i++) data[i] = Math.Round(rng.NextDouble() * 20 - 10, 3);
        var strides = new int[shape.Length];
        var step = 1;
        for (var k = storageOrder.Length - 1; k >= 0; k--)
        {
            strides[storageOrder[k]] = step;
            step *= shape[storageOrder[k]];
        }
        var view = View(data, shape, strides, offset);
        logical = Naive<double>(view);
        return view;
    }

    /// <summary>Random doubles in [-range, range), rounded to 3 decimals.</summary>
    public static double[] RandomDoubles(System.Random rng, int count, double range = 10)
    {
        var a = new double[count];
        for (var i = 0; i < count; i++) a[i] = Math.Round((rng.NextDouble() * 2 - 1) * range, 3);
        return a;
    }

    public static float[] RandomFloats(System.Random rng, int count, double range = 10) =>
        RandomDoubles(rng, count, range).Select(v => (float)v).ToArray();

    /// <summary>The array of a CPU storage.</summary>
    public static T[] Data<T>(Storage s) where T : unmanaged => ((CpuStorage<T>)s).Data;

    /// <summary>All multi-indices of a shape in row-major order.</summary>
    public static IEnumerable<int[]> Indices(int[] shape)
    {
        if (shape.Any(s => s == 0)) yield break;
        var idx = new int[shape.Length];
        while (true)
        {
            yield return (int[])idx.Clone();
            var d = shape.Length - 1;
            while (d >= 0 && ++idx[d] == shape[d]) idx[d--] = 0;
            if (d < 0) yield break;
        }
    }

    /// <summary>The element of a view at a multi-index, by the definition offset + Σ i·stride.</summary>
    public static T At<T>(Strided v, int[] index) where T : unmanaged
    {
        var at = v.Offset;
        for (var d = 0; d < index.Length; d++) at += index[d] * v.Strides[d];
        return Data<T>(v.Storage)[at];
    }

    /// <summary>The elements of a view in row-major order, read one multi-index at a time.</summary>
    public static T[] Naive<T>(Strided v) where T : unmanaged => Indices(v.Shape).Select(i => At<T>(v, i)).ToArray();

    /// <summary>Row-major flat position of a multi-index.</summary>
    public static int Flat(int[] shape, int[] index)
    {
        var flat = 0;
        for (var d = 0; d < shape.Length; d++) flat = flat * shape[d] + index[d];
        return flat;
    }

    public static void Close(double expected, double actual, double tol, string? what = null)
    {
        if (double.IsNaN(expected))
        {
            Xunit.Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual}");
            return;
        }
        var err = Math.Abs(expected - actual);
        Xunit.Assert.True(err <= tol * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R} (error {err:E2} > {tol:E1})");
    }

    public static void AllClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tol)
    {
        Xunit.Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++) Close(expected[i], actual[i], tol, $"element {i}");
    }
}
