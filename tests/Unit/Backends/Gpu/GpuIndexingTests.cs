using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.Gpu.GpuAgreement;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>
/// gather, scatter (with and without accumulation), index_select and index_add against the
/// CPU backend: random shapes, dims, views and dtypes, indices with many repeats, results
/// bit-identical (repeated destinations are applied in the CPU's order), and the same error
/// for an index out of range.
/// </summary>
[Collection(GpuCollection.Name)]
public class GpuIndexingTests
{
    const int Cases = 60;

    /// <summary>A random Int64 view of <paramref name="shape"/> (permuted, offset or broadcast) with values in [0, size).</summary>
    static Strided RandomIndex(System.Random rng, int[] shape, int size)
    {
        var view = RandomView(rng, DType.Int64, shape);
        var values = ((long[])CpuKernels.ToArray(Strided.Contiguous(view.Storage, [view.Storage.Length])))
            .Select(_ => (long)rng.Next(Math.Max(size, 1))).ToArray();
        return new Strided(CpuKernels.FromArray(values), view.Shape, view.Strides, view.Offset);
    }

    /// <summary>A 1-D index of <paramref name="count"/> values in [0, size): contiguous, every other element of a larger storage, or one value broadcast.</summary>
    static Strided RandomVector(System.Random rng, int count, int size)
    {
        long Draw() => rng.Next(Math.Max(size, 1));
        return rng.Next(3) switch
        {
            0 => Strided.Contiguous(CpuKernels.FromArray(Enumerable.Range(0, count).Select(_ => Draw()).ToArray()), [count]),
            1 => new Strided(CpuKernels.FromArray(Enumerable.Range(0, 2 * count + 1).Select(_ => Draw()).ToArray()), [count], [2], 1),
            _ => new Strided(CpuKernels.FromArray(new[] { Draw() }), [count], [0], 0),
        };
    }

    /// <summary>x's shape, dim, and an index shape that fits x (at most x's size off dim, anything along it).</summary>
    static (int[] X, int Dim, int[] Index) RandomGeometry(System.Random rng)
    {
        var x = RandomShape(rng, 4);
        if (x.Length == 0) x = [rng.Next(1, 5)];
        var dim = rng.Next(x.Length);
        var index = x.Select((s, k) => k == dim ? rng.Next(1, 7) : rng.Next(1, s + 1)).ToArray();
        return (x, dim, index);
    }

    /// <summary>Float values of very different magnitudes, so that sums depend on their order.</summary>
    static Strided OrderSensitive(System.Random rng, DType dtype, int[] shape)
    {
        float[] pool = [1e8f, 1f, -1e8f, 0.5f, 3e-3f, -7.25f, 1e-7f];
        var values = Enumerable.Range(0, Layout.Count(shape)).Select(_ => pool[rng.Next(pool.Length)]).ToArray();
        var s = Strided.Contiguous(CpuKernels.FromArray(values), shape);
        return dtype == DType.Float32 ? s : Strided.Contiguous(CpuKernels.Copy(s, dtype), shape);
    }

    [Fact]
    public void Gather_agrees_on_random_views_and_dtypes()
    {
        var rng = new System.Random(11);
        for (var c = 0; c < Cases; c++)
        {
            var dtype = AllDTypes[c % AllDTypes.Length];
            var (xs, dim, ixs) = RandomGeometry(rng);
            var x = RandomView(rng, dtype, xs);
            var index = RandomIndex(rng, ixs, xs[dim]);
            AssertAgree(CpuKernels.Gather(x, dim, index), GpuKernels.Gather(ToGpu(x), dim, ToGpu(index)), 0, $"gather {dtype} dim {dim} case {c}");
        }
    }

    [Fact]
    public void Scatter_with_and_without_accumulation_agrees_with_repeated_destinations()
    {
        var rng = new System.Random(12);
        for (var c = 0; c < Cases; c++)
        foreach (var accumulate in new[] { false, true })
        {
            var dtype = AllDTypes[c % AllDTypes.Length];
            var (xs, dim, ixs) = RandomGeometry(rng);
            var x = RandomView(rng, dtype, xs);
            // Few positions along dim, many sources: most destinations are hit several times.
            var index = RandomIndex(rng, ixs, Math.Min(xs[dim], 2));
            var src = (c % 4) switch
            {
                0 => RandomView(rng, DType.Float64, ixs), // converted to x's dtype by the kernel
                1 => new Strided(CpuKernels.FromArray(new[] { 5 }), ixs, new int[ixs.Length], 0), // an expanded scalar
                2 when dtype.IsFloating() => OrderSensitive(rng, dtype, ixs),
                _ => RandomView(rng, dtype, ixs),
            };
            AssertAgree(CpuKernels.Scatter(x, dim, index, src, accumulate), GpuKernels.Scatter(ToGpu(x), dim, ToGpu(index), ToGpu(src), accumulate),
                0, $"scatter accumulate={accumulate} {dtype} dim {dim} case {c}");
        }
    }

    [Fact]
    public void Scatter_into_one_slot_keeps_the_last_source_or_sums_them_in_order()
    {
        // Every source of a column lands in row 0: the last one wins; the sum is sequential.
        var x = Strided.Contiguous(CpuKernels.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }), [2, 3]);
        var index = Strided.Contiguous(CpuKernels.FromArray(new long[12]), [4, 3]);
        var src = Strided.Contiguous(CpuKernels.FromArray(new[] { 1e8f, 1, 2, 1, 1e8f, 3, -1e8f, 1, 4, 1, -1e8f, 5 }), [4, 3]);
        foreach (var accumulate in new[] { false, true })
        {
            var gpu = GpuKernels.Scatter(ToGpu(x), 0, ToGpu(index), ToGpu(src), accumulate);
            AssertAgree(CpuKernels.Scatter(x, 0, index, src, accumulate), gpu, 0, $"one slot, accumulate={accumulate}");
        }
        var last = (float[])GpuKernels.ToArray(Strided.Contiguous(GpuKernels.Scatter(ToGpu(x), 0, ToGpu(index), ToGpu(src), false), [6]));
        Assert.Equal(new float[] { 1, -1e8f, 5, 4, 5, 6 }, last); // the last source of each column
    }

    [Fact]
    public void IndexSelect_agrees_on_random_views_dims_and_repeated_indices()
    {
        var rng = new System.Random(13);
        for (var c = 0; c < Cases; c++)
        {
            var dtype = AllDTypes[c % AllDTypes.Length];
            var xs = RandomShape(rng, 4);
            if (xs.Length == 0) xs = [3];
            var dim = rng.Next(xs.Length);
            var x = RandomView(rng, dtype, xs);
            var index = RandomVector(rng, rng.Next(0, 7), xs[dim]);
            AssertAgree(CpuKernels.IndexSelect(x, dim, index), GpuKernels.IndexSelect(ToGpu(x), dim, ToGpu(index)), 0, $"index_select {dtype} dim {dim} case {c}");
        }
    }

    [Fact]
    public void IndexAdd_agrees_with_repeated_positions_in_index_order()
    {
        var rng = new System.Random(14);
        for (var c = 0; c < Cases; c++)
        {
            var dtype = AllDTypes[c % AllDTypes.Length];
            var xs = RandomShape(rng, 4);
            if (xs.Length == 0) xs = [3];
            var dim = rng.Next(xs.Length);
            var x = RandomView(rng, dtype, xs);
            var index = RandomVector(rng, rng.Next(0, 7), Math.Min(xs[dim], 2));
            var srcShape = xs.Select((s, k) => k == dim ? index.Count : s).ToArray();
            var src = (c % 3) switch
            {
                0 when dtype.IsFloating() => OrderSensitive(rng, dtype, srcShape),
                1 => RandomView(rng, DType.Int32, srcShape),
                _ => RandomView(rng, dtype, srcShape),
            };
            AssertAgree(CpuKernels.IndexAdd(x, dim, index, src), GpuKernels.IndexAdd(ToGpu(x), dim, ToGpu(index), ToGpu(src)), 0, $"index_add {dtype} dim {dim} case {c}");
        }
    }

    [Fact]
    public void Empty_indices_and_empty_slices_agree()
    {
        var x = Strided.Contiguous(CpuKernels.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }), [2, 3]);
        var none = Strided.Contiguous(CpuKernels.FromArray(Array.Empty<long>()), [0]);
        AssertAgree(CpuKernels.IndexSelect(x, 1, none), GpuKernels.IndexSelect(ToGpu(x), 1, ToGpu(none)), 0, "index_select of nothing");
        var src = Strided.Contiguous(CpuKernels.FromArray(Array.Empty<double>()), [2, 0]);
        AssertAgree(CpuKernels.IndexAdd(x, 1, none, src), GpuKernels.IndexAdd(ToGpu(x), 1, ToGpu(none), ToGpu(src)), 0, "index_add of nothing");
        var emptyIndex = Strided.Contiguous(CpuKernels.FromArray(Array.Empty<long>()), [0, 3]);
        AssertAgree(CpuKernels.Gather(x, 0, emptyIndex), GpuKernels.Gather(ToGpu(x), 0, ToGpu(emptyIndex)), 0, "gather of nothing");
        AssertAgree(CpuKernels.Scatter(x, 0, emptyIndex, emptyIndex, true), GpuKernels.Scatter(ToGpu(x), 0, ToGpu(emptyIndex), ToGpu(emptyIndex), true), 0, "scatter of nothing");
        // Rows of zero length: index_select still reads, and checks, the index.
        var flat = Strided.Contiguous(CpuKernels.FromArray(Array.Empty<float>()), [3, 0]);
        var rows = Strided.Contiguous(CpuKernels.FromArray(new long[] { 2, 0, 2 }), [3]);
        AssertAgree(CpuKernels.IndexSelect(flat, 0, rows), GpuKernels.IndexSelect(ToGpu(flat), 0, ToGpu(rows)), 0, "index_select of empty rows");
    }

    [Fact]
    public void An_index_out_of_range_fails_as_on_the_CPU_backend()
    {
        var rng = new System.Random(15);
        var x = RandomView(rng, DType.Float32, [3, 4]);
        foreach (var bad in new long[] { 3, -1, long.MaxValue })
        {
            // The first bad value in row-major order is the one reported.
            var values = new long[] { 0, 2, 1, bad, 1, 0, 5, 2 };
            var index = Strided.Contiguous(CpuKernels.FromArray(values), [2, 4]);
            var vector = Strided.Contiguous(CpuKernels.FromArray(values), [8]);
            var src = RandomView(rng, DType.Float32, [2, 4]);
            var slices = RandomView(rng, DType.Float32, [8, 4]);
            SameError(() => CpuKernels.Gather(x, 0, index), () => GpuKernels.Gather(ToGpu(x), 0, ToGpu(index)));
            SameError(() => CpuKernels.Scatter(x, 0, index, src, false), () => GpuKernels.Scatter(ToGpu(x), 0, ToGpu(index), ToGpu(src), false));
            SameError(() => CpuKernels.Scatter(x, 0, index, src, true), () => GpuKernels.Scatter(ToGpu(x), 0, ToGpu(index), ToGpu(src), true));
            SameError(() => CpuKernels.IndexSelect(x, 0, vector), () => GpuKernels.IndexSelect(ToGpu(x), 0, ToGpu(vector)));
            SameError(() => CpuKernels.IndexAdd(x, 0, vector, slices), () => GpuKernels.IndexAdd(ToGpu(x), 0, ToGpu(vector), ToGpu(slices)));
        }
    }

    static void SameError(Func<Storage> cpu, Func<Storage> gpu)
    {
        var expected = Assert.Throws<ArgumentException>(cpu);
        var actual = Assert.Throws<ArgumentException>(gpu);
        Assert.Equal(expected.Message, actual.Message);
    }

    [Fact]
    public void Repeated_scatter_add_and_index_add_give_the_same_bits()
    {
        var rng = new System.Random(16);
        var x = RandomView(rng, DType.Float32, [4, 5]);
        var index = RandomIndex(rng, [9, 5], 2);
        var src = OrderSensitive(rng, DType.Float32, [9, 5]);
        var first = GpuKernels.Scatter(ToGpu(x), 0, ToGpu(index), ToGpu(src), true);
        var vector = RandomVector(rng, 9, 2);
        var added = GpuKernels.IndexAdd(ToGpu(x), 0, ToGpu(vector), ToGpu(src));
        for (var run = 0; run < 3; run++)
        {
            AssertAgree(ToCpu(first), GpuKernels.Scatter(ToGpu(x), 0, ToGpu(index), ToGpu(src), true), 0, $"scatter_add run {run}");
            AssertAgree(ToCpu(added), GpuKernels.IndexAdd(ToGpu(x), 0, ToGpu(vector), ToGpu(src)), 0, $"index_add run {run}");
        }
    }

    [Fact]
    public void The_kernels_compile_for_CUDA_in_every_dtype()
    {
        var kernels = typeof(global::Hybrid.Gpu.IndexingKernels);
        GpuPtx.Compile(GpuPtx.Kernel(kernels, "FirstOutOfRange"));
        foreach (var (element, numeric) in GpuPtx.Numerics)
        {
            GpuPtx.Compile(GpuPtx.Kernel(kernels, "Gather", element));
            GpuPtx.Compile(GpuPtx.Kernel(kernels, "IndexSelect", element));
            GpuPtx.Compile(GpuPtx.Kernel(kernels, "ScatterGroups", element, numeric));
            GpuPtx.Compile(GpuPtx.Kernel(kernels, "IndexAddGroups", element, numeric));
        }
    }
}
