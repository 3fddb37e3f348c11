using Hybrid;
using Hybrid.Cpu;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

/// <summary>Tests that change the GEMM's global knobs (thread count, micro-kernel) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class CpuGemmCollection
{
    public const string Name = "CPU GEMM knobs";
}

/// <summary>
/// The packed GEMM against the reference kernel (bit for bit: both compute each element as
/// one FMA chain in k order) and against a triple loop in double (within rounding), over
/// edge sizes, layouts, batches, every micro-kernel the machine runs, and 1 or 2 threads.
/// </summary>
[Collection(CpuGemmCollection.Name)]
public class CpuGemmTests
{
    public enum Order
    {
        RowMajor,
        Transposed,
        /// <summary>Neither stride is 1 (every other column of a wider, padded matrix).</summary>
        Strided,
    }

    static readonly int[] EdgeSizes = [1, 2, 13, 14, 15, 31, 32, 33, 100, 257];

    /// <summary>A random (batch..., rows, cols) operand with the given layout after 3 padding elements; broadcast dims get stride 0.</summary>
    static Strided Operand(System.Random rng, int[] batch, bool[] broadcast, int rows, int cols, Order layout, bool float32)
    {
        int rowStride, colStride, matrix;
        switch (layout)
        {
            case Order.RowMajor: (rowStride, colStride, matrix) = (cols, 1, rows * cols); break;
            case Order.Transposed: (rowStride, colStride, matrix) = (1, rows, rows * cols); break;
            default: (rowStride, colStride, matrix) = (2 * cols + 1, 2, rows * (2 * cols + 1)); break;
        }
        var strides = new int[batch.Length + 2];
        var step = Math.Max(matrix, 1);
        for (var d = batch.Length - 1; d >= 0; d--)
        {
            strides[d] = broadcast[d] ? 0 : step;
            if (!broadcast[d]) step *= batch[d];
        }
        strides[^2] = rowStride;
        strides[^1] = colStride;
        const int offset = 3;
        var values = RandomDoubles(rng, offset + step, 1);
        return float32
            ? View(values.Select(v => (float)v).ToArray(), [.. batch, rows, cols], strides, offset)
            : View(values, [.. batch, rows, cols], strides, offset);
    }

    static double Get(Strided v, int[] index) =>
        v.Storage is CpuStorage<float> ? At<float>(v, index) : At<double>(v, index);

    static double[] Values(Storage s) =>
        s is CpuStorage<float> f ? f.Data.Select(v => (double)v).ToArray() : ((CpuStorage<double>)s).Data;

    /// <summary>The product by the definition, in double, with the bound Σ|a||b| of each element's rounding error.</summary>
    static (double[] Value, double[] Scale) Naive(Strided a, Strided b)
    {
        int rank = a.Shape.Length, m = a.Shape[rank - 2], k = a.Shape[rank - 1], n = b.Shape[rank - 1];
        var value = new List<double>();
        var scale = new List<double>();
        foreach (var batch in Indices(a.Shape[..(rank - 2)]))
            for (var i = 0; i < m; i++)
                for (var j = 0; j < n; j++)
                {
                    double sum = 0, abs = 0;
                    for (var p = 0; p < k; p++)
                    {
                        var x = Get(a, [.. batch, i, p]) * Get(b, [.. batch, p, j]);
                        sum += x;
                        abs += Math.Abs(x);
                    }
                    value.Add(sum);
                    scale.Add(abs);
                }
        return (value.ToArray(), scale.ToArray());
    }

    /// <summary>The packed product equals the reference kernel's bit for bit (and is close to the definition when <paramref name="naive"/>).</summary>
    static void Check(Strided a, Strided b, bool naive = true)
    {
        var actual = CpuKernels.MatMul(a, b);
        var expected = MatMulKernel.Reference(a, b);
        Assert.Equal(expected.DType, actual.DType);
        var (got, want) = (Values(actual), Values(expected));
        Assert.Equal(want.Length, got.Length);
        for (var i = 0; i < want.Length; i++)
            if (BitConverter.DoubleToInt64Bits(want[i]) != BitConverter.DoubleToInt64Bits(got[i]))
                Assert.Fail($"element {i} of ({string.Join(", ", a.Shape)})·({string.Join(", ", b.Shape)}): reference {want[i]:R}, packed {got[i]:R}");
        if (!naive) return;
        var (value, scale) = Naive(a, b);
        var k = a.Shape[^1];
        var eps = actual.DType == DType.Float32 ? 1.0 / (1 << 24) : 1.0 / (1L << 53);
        for (var i = 0; i < value.Length; i++)
            Assert.True(Math.Abs(got[i] - value[i]) <= 2 * (k + 1) * eps * scale[i] + 1e-30,
                $"element {i}: naive {value[i]:R}, packed {got[i]:R}");
    }

    static void WithThreads(int threads, Action action)
    {
        var saved = CpuParallel.MaxThreads;
        CpuParallel.MaxThreads = threads;
        try { action(); }
        finally { CpuParallel.MaxThreads = saved; }
    }

    static void WithKernel(GemmKernel<float> f32, GemmKernel<double> f64, Action action)
    {
        var (s32, s64) = (Gemm.Float32, Gemm.Float64);
        (Gemm.Float32, Gemm.Float64) = (f32, f64);
        try { action(); }
        finally { (Gemm.Float32, Gemm.Float64) = (s32, s64); }
    }

    public static TheoryData<string> Kernels()
    {
        var data = new TheoryData<string>();
        foreach (var k in GemmKernels.AllFloat32) data.Add(k.Name[4..]);
        return data;
    }

    static void WithKernel(string name, Action action) => WithKernel(
        GemmKernels.AllFloat32.Single(k => k.Name[4..] == name),
        GemmKernels.AllFloat64.Single(k => k.Name[4..].Split(' ')[0] == name.Split(' ')[0]),
        action);

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Every_combination_of_edge_sizes_matches_the_reference(string kernel)
    {
        var rng = new System.Random(1);
        WithKernel(kernel, () =>
        {
            foreach (var m in EdgeSizes)
                foreach (var k in EdgeSizes)
                    foreach (var n in EdgeSizes)
                    {
                        var a = Operand(rng, [], [], m, k, Order.RowMajor, float32: true);
                        var b = Operand(rng, [], [], k, n, Order.RowMajor, float32: true);
                        // The definition is slow at 257³: check it on a sample.
                        Check(a, b, naive: m * n * k < 50_000 || rng.Next(16) == 0);
                    }
        });
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Random_shapes_and_layouts_match_the_reference_and_the_definition(string kernel)
    {
        var rng = new System.Random(2);
        WithKernel(kernel, () =>
        {
            for (var trial = 0; trial < 40; trial++)
            {
                int m = Pick(rng), k = Pick(rng), n = Pick(rng);
                var la = (Order)rng.Next(3);
                var lb = (Order)rng.Next(3);
                var float32 = trial % 3 != 0;
                Check(Operand(rng, [], [], m, k, la, float32), Operand(rng, [], [], k, n, lb, float32));
            }
        });
    }

    static int Pick(System.Random rng) => rng.Next(3) == 0 ? EdgeSizes[rng.Next(EdgeSizes.Length)] : rng.Next(1, 200);

    [Theory]
    [InlineData(Order.RowMajor, Order.RowMajor)]
    [InlineData(Order.Transposed, Order.RowMajor)]
    [InlineData(Order.RowMajor, Order.Transposed)]
    [InlineData(Order.Transposed, Order.Transposed)]
    [InlineData(Order.Strided, Order.Transposed)]
    [InlineData(Order.Transposed, Order.Strided)]
    public void Transposed_and_strided_operands_are_read_by_the_packing(Order la, Order lb)
    {
        var rng = new System.Random((int)la * 3 + (int)lb);
        foreach (var float32 in new[] { true, false })
            foreach (var (m, k, n) in new[] { (1, 1, 1), (15, 33, 31), (100, 257, 14), (33, 2, 100) })
                Check(Operand(rng, [], [], m, k, la, float32), Operand(rng, [], [], k, n, lb, float32));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Batched_products_with_broadcast_batches(bool broadcastA, bool broadcastB)
    {
        var rng = new System.Random(broadcastA ? 1 : broadcastB ? 2 : 3);
        foreach (var float32 in new[] { true, false })
            foreach (var (m, k, n) in new[] { (3, 5, 7), (31, 15, 33), (40, 70, 90) })
            {
                int[] batch = [2, 3];
                var a = Operand(rng, batch, [broadcastA, false], m, k, Order.Transposed, float32);
                var b = Operand(rng, batch, [false, broadcastB], k, n, Order.RowMajor, float32);
                Check(a, b);
            }
    }

    [Fact]
    public void Many_small_batches_and_a_few_large_ones()
    {
        var rng = new System.Random(5);
        // 64 products of 20×30·30×25 (handed out whole to threads), and 3 of 150×120·120×90 (each split).
        Check(Operand(rng, [4, 16], [false, false], 20, 30, Order.RowMajor, true),
            Operand(rng, [4, 16], [true, false], 30, 25, Order.Transposed, true));
        Check(Operand(rng, [3], [false], 150, 120, Order.RowMajor, true),
            Operand(rng, [3], [false], 120, 90, Order.RowMajor, true), naive: false);
    }

    [Fact]
    public void Empty_and_tiny_products()
    {
        foreach (var float32 in new[] { true, false })
        {
            var rng = new System.Random(6);
            foreach (var (m, k, n) in new[] { (0, 3, 4), (3, 0, 4), (3, 4, 0), (0, 0, 0), (1, 1, 1), (1, 0, 1) })
            {
                var a = Operand(rng, [], [], m, k, Order.RowMajor, float32);
                var b = Operand(rng, [], [], k, n, Order.RowMajor, float32);
                var c = Values(CpuKernels.MatMul(a, b));
                Assert.Equal(m * n, c.Length);
                if (k == 0) Assert.All(c, v => Assert.Equal(0.0, v));
                Check(a, b);
            }
            // An empty batch, and a batch of empty products.
            Assert.Empty(Values(CpuKernels.MatMul(Operand(rng, [0], [false], 3, 4, Order.RowMajor, float32),
                Operand(rng, [0], [false], 4, 5, Order.RowMajor, float32))));
            Assert.Equal(new double[2 * 3 * 5], Values(CpuKernels.MatMul(Operand(rng, [2], [false], 3, 0, Order.RowMajor, float32),
                Operand(rng, [2], [false], 0, 5, Order.RowMajor, float32))));
        }
    }

    [Fact]
    public void Deep_and_wide_products_span_several_blocks()
    {
        var rng = new System.Random(7);
        // k over the depth block (several passes reload C); n over the column block.
        Check(Operand(rng, [], [], 20, 2100, Order.RowMajor, true), Operand(rng, [], [], 2100, 40, Order.Transposed, true));
        Check(Operand(rng, [], [], 30, 1100, Order.Transposed, false), Operand(rng, [], [], 1100, 50, Order.RowMajor, false));
        Check(Operand(rng, [], [], 17, 9, Order.RowMajor, true), Operand(rng, [], [], 9, 4200, Order.RowMajor, true));
    }

    [Fact]
    public void Last_panels_of_a_few_rows_or_columns_take_the_narrow_kernels()
    {
        var rng = new System.Random(11);
        // m mod 14 ∈ {4, 8, 2, 6}: the 4- and 8-row kernels, straight into C or through the edge
        // tile; n mod 32 ≤ 16: the half-width kernel; k over KC reloads C.
        foreach (var float32 in new[] { true, false })
            foreach (var m in new[] { 4, 8, 18, 22, 30, 34 })
                foreach (var k in new[] { 50, 1100 })
                    foreach (var n in new[] { 32, 64, 45, 16, 10, 48 })
                        Check(Operand(rng, [], [], m, k, Order.RowMajor, float32), Operand(rng, [], [], k, n, Order.RowMajor, float32), naive: false);
    }

    public static TheoryData<int, int, int, int> ThreadShapes() => new()
    {
        { 1, 300, 200, 500 },   // columns of C split (nothing shared)
        { 1, 500, 300, 40 },    // rows split (too few columns), B packed together
        { 1, 500, 2100, 40 },   // rows split, several passes over k
        { 1, 200, 2100, 150 },  // columns split, several passes over k
        { 1, 2400, 900, 120 },  // rows split (A too large to pack per thread)
        { 1, 30, 40, 4200 },    // several column blocks
        { 6, 50, 60, 70 },      // whole products per thread
        { 3, 120, 130, 140 },   // products one after another, each split
    };

    [Theory]
    [MemberData(nameof(ThreadShapes))]
    public void Results_do_not_depend_on_the_thread_count(int batches, int m, int k, int n)
    {
        var rng = new System.Random(m + k + n);
        foreach (var float32 in new[] { true, false })
        {
            var a = Operand(rng, [batches], [false], m, k, Order.RowMajor, float32);
            var b = Operand(rng, [batches], [false], k, n, Order.Transposed, float32);
            double[] one = [];
            WithThreads(1, () => one = Values(CpuKernels.MatMul(a, b)));
            // 3 and 4 threads oversubscribe a 2-core machine but must not change a bit either.
            foreach (var threads in new[] { 2, 3, 4 })
            {
                double[] many = [];
                WithThreads(threads, () => many = Values(CpuKernels.MatMul(a, b)));
                Assert.Equal(one.Select(BitConverter.DoubleToInt64Bits), many.Select(BitConverter.DoubleToInt64Bits));
            }
            WithThreads(2, () => Check(a, b, naive: false));
        }
    }

    [Fact]
    public void Products_started_from_several_threads_at_once_are_right()
    {
        // Only one product at a time gets the helper threads; the others run on their callers.
        var rng = new System.Random(14);
        var cases = Enumerable.Range(0, 12).Select(i => (
            A: Operand(rng, [], [], 60 + 17 * i, 150, Order.RowMajor, true),
            B: Operand(rng, [], [], 150, 90 + 13 * i, i % 2 == 0 ? Order.RowMajor : Order.Transposed, true))).ToArray();
        var expected = cases.Select(c => Values(MatMulKernel.Reference(c.A, c.B))).ToArray();
        for (var round = 0; round < 3; round++)
        {
            var actual = new double[cases.Length][];
            System.Threading.Tasks.Parallel.For(0, cases.Length, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 4 },
                i => actual[i] = Values(CpuKernels.MatMul(cases[i].A, cases[i].B)));
            for (var i = 0; i < cases.Length; i++) Assert.Equal(expected[i], actual[i]);
        }
    }

    [Fact]
    public void Every_kernel_packs_shared_panels_safely_with_two_threads()
    {
        // Rows of C split and a large B packed by both threads at once, transposed (so packed
        // by the in-register transposes) with k a multiple of 16, for every kernel's panel width.
        var rng = new System.Random(12);
        var a = Operand(rng, [], [], 150, 608, Order.RowMajor, true);
        var b = Operand(rng, [], [], 608, 230, Order.Transposed, true);
        var saved = Gemm.ForceMode;
        Gemm.ForceMode = 1;
        try
        {
            foreach (var kernel in GemmKernels.AllFloat32)
                WithKernel(kernel, Gemm.Float64, () => WithThreads(2, () =>
                {
                    for (var i = 0; i < 5; i++) Check(a, b, naive: false);
                }));
        }
        finally
        {
            Gemm.ForceMode = saved;
        }
    }

    [Fact]
    public void Zero_strides_inside_a_matrix_and_odd_strides_of_unit_dims()
    {
        var rng = new System.Random(13);
        foreach (var float32 in new[] { true, false })
        {
            var data = RandomDoubles(rng, 4000, 1);
            Strided Make(int[] shape, int[] strides, int offset) => float32
                ? View(data.Select(v => (float)v).ToArray(), shape, strides, offset)
                : View(data, shape, strides, offset);
            // A row vector expanded to 40 rows (row stride 0), times B whose columns are one column repeated.
            Check(Make([40, 70], [0, 1], 5), Make([70, 50], [1, 0], 100));
            // Every element the same (both strides 0), against a strided B.
            Check(Make([33, 17], [0, 0], 7), Make([17, 45], [3, 51], 9));
            // Size-1 dims with arbitrary strides (never stepped along).
            Check(Make([1, 64], [12345, 1], 0), Make([64, 1], [1, 777], 3));
            Check(Make([20, 1], [2, 999], 1), Make([1, 40], [555, 1], 0));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_way_of_splitting_gives_the_reference_bits(int mode)
    {
        var saved = Gemm.ForceMode;
        Gemm.ForceMode = mode;
        try
        {
            var rng = new System.Random(mode);
            foreach (var (batches, m, k, n) in new[] { (1, 100, 50, 4200), (2, 70, 2100, 33), (3, 257, 100, 31), (1, 1, 1, 1), (2, 15, 1, 200) })
                WithThreads(2, () => Check(
                    Operand(rng, [batches], [false], m, k, Order.RowMajor, true),
                    Operand(rng, [batches], [true], k, n, Order.RowMajor, true), naive: false));
        }
        finally
        {
            Gemm.ForceMode = saved;
        }
    }

    [Fact]
    public void Every_kernel_gives_the_same_bits()
    {
        var rng = new System.Random(8);
        var a = Operand(rng, [], [], 45, 130, Order.Strided, true);
        var b = Operand(rng, [], [], 130, 70, Order.RowMajor, true);
        var results = GemmKernels.AllFloat32.Select(k =>
        {
            double[] r = [];
            WithKernel(k, Gemm.Float64, () => r = Values(CpuKernels.MatMul(a, b)));
            return r;
        }).ToArray();
        foreach (var r in results[1..]) Assert.Equal(results[0], r);
    }

    [Fact]
    public void Mixed_float_operands_promote_to_float64()
    {
        var rng = new System.Random(9);
        var a = Operand(rng, [], [], 5, 6, Order.RowMajor, float32: true);
        var b = Operand(rng, [], [], 6, 7, Order.RowMajor, float32: false);
        Assert.Equal(DType.Float64, CpuKernels.MatMul(a, b).DType);
        Check(a, b);
    }

    [Fact]
    public void Nan_and_infinity_propagate_through_the_packed_kernel()
    {
        var a = new float[33 * 20];
        var b = new float[20 * 40];
        for (var i = 0; i < b.Length; i++) b[i] = 1;
        a[5 * 20 + 3] = float.PositiveInfinity;
        a[30 * 20 + 7] = float.NaN;
        b[3 * 40 + 39] = 0; // ∞·0 in column 39 of row 5
        var c = Data<float>(CpuKernels.MatMul(View(a, 33, 20), View(b, 20, 40)));
        Assert.Equal(float.PositiveInfinity, c[5 * 40]);
        Assert.True(float.IsNaN(c[5 * 40 + 39]));
        Assert.True(float.IsNaN(c[30 * 40 + 17]));
        Assert.Equal(0, c[0]);
    }

    [Fact]
    public void Steady_state_calls_allocate_little_more_than_the_result()
    {
        var rng = new System.Random(10);
        var a = Operand(rng, [], [], 200, 300, Order.RowMajor, true);
        var b = Operand(rng, [], [], 300, 250, Order.Transposed, true);
        foreach (var threads in new[] { 1, 2 })
            WithThreads(threads, () =>
            {
                // The first calls may create helper threads and grow the packing buffers; the
                // least of a few later calls is the steady state (a JIT tier-up can allocate too).
                for (var i = 0; i < 3; i++) CpuKernels.MatMul(a, b);
                var least = long.MaxValue;
                for (var i = 0; i < 5; i++)
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    CpuKernels.MatMul(a, b);
                    least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
                }
                Assert.InRange(least, 200 * 250 * 4, 200 * 250 * 4 + 512);
            });
    }
}
