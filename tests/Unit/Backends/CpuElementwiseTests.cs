using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

public class CpuUnaryTests
{
    static double[] Unary(UnaryOp op, double[] x, double alpha = 0, double beta = 0) =>
        Data<double>(CpuKernels.Unary(op, View(x, x.Length), alpha, beta));

    static float[] UnaryF(UnaryOp op, float[] x, double alpha = 0, double beta = 0) =>
        Data<float>(CpuKernels.Unary(op, View(x, x.Length), alpha, beta));

    [Theory]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(-1.5, -0.9661051464753108)]
    [InlineData(0.0, 0.0)]
    [InlineData(1e-8, 1.1283791670955126e-8)]
    [InlineData(3.0, 0.9999779095030014)]
    [InlineData(5.5, 0.9999999999999927)]
    [InlineData(0.1, 0.1124629160182849)]
    [InlineData(1.9, 0.9927904292352575)]
    [InlineData(2.5, 0.999593047982555)]
    [InlineData(-4.2, -0.9999999971445058)]
    [InlineData(5.9, 0.9999999999999999)]
    [InlineData(-7.0, -1.0)]
    public void Erf_matches_known_values_to_double_precision(double x, double expected)
    {
        var y = Unary(UnaryOp.Erf, [x])[0];
        // Absolute accuracy 1e-15 (4e-16 in fact), and relative accuracy near zero where erf(x) is tiny.
        Assert.True(Math.Abs(y - expected) <= 1e-15 * Math.Min(1, Math.Max(Math.Abs(expected), 1e-7)),
            $"erf({x}) = {y:R}, expected {expected:R}");
    }

    [Fact]
    public void Erf_is_odd_monotone_and_bounded_on_a_grid()
    {
        var xs = Enumerable.Range(-700, 1401).Select(i => i / 100.0).ToArray();
        var ys = Unary(UnaryOp.Erf, xs);
        for (var i = 0; i < xs.Length; i++)
        {
            Assert.Equal(-ys[i], ys[xs.Length - 1 - i]);
            Assert.InRange(ys[i], -1.0, 1.0);
            if (i > 0) Assert.True(ys[i] >= ys[i - 1], $"erf not monotone at {xs[i]}");
        }
    }

    [Fact]
    public void Erf_of_float32_is_the_rounded_double_result()
    {
        var y = UnaryF(UnaryOp.Erf, [0.5f, -1.5f, float.NaN]);
        Assert.Equal((float)0.5204998778130465, y[0]);
        Assert.Equal((float)-0.9661051464753108, y[1]);
        Assert.True(float.IsNaN(y[2]));
    }

    [Fact]
    public void Sigmoid_does_not_overflow_for_large_magnitudes()
    {
        var y = Unary(UnaryOp.Sigmoid, [-1000, -100, 0, 100, 1000]);
        Assert.Equal(0.0, y[0]);
        Close(Math.Exp(-100), y[1], 1e-14); // relative accuracy deep in the tail
        Assert.Equal(0.5, y[2]);
        Assert.Equal(1.0, y[3]);
        Assert.Equal(1.0, y[4]);
        var f = UnaryF(UnaryOp.Sigmoid, [-200f, 200f, -20f]);
        Assert.Equal([0f, 1f], f[..2]);
        Close(1 / (1 + Math.Exp(20)), f[2], 1e-6);
    }

    [Fact]
    public void Softplus_is_stable_uses_beta_and_returns_x_above_threshold()
    {
        // alpha = beta, beta = threshold (PyTorch's softplus(x, beta=2, threshold=20)).
        var y = Unary(UnaryOp.Softplus, [-1000, -3, 0, 1.5, 9.9, 10.5, 1000], alpha: 2, beta: 20);
        Assert.Equal(0.0, y[0]);
        Close(Math.Log(1 + Math.Exp(-6)) / 2, y[1], 1e-15);
        Close(Math.Log(2) / 2, y[2], 1e-15);
        Close(Math.Log(1 + Math.Exp(3)) / 2, y[3], 1e-15);
        Close(Math.Log(1 + Math.Exp(19.8)) / 2, y[4], 1e-15);
        Assert.Equal(10.5, y[5]); // 2·10.5 > 20: the identity
        Assert.Equal(1000.0, y[6]);
    }

    [Fact]
    public void Gelu_is_x_times_the_normal_cdf()
    {
        var y = Unary(UnaryOp.Gelu, [-1, 0, 1, 3]);
        Close(-0.15865525393145707, y[0], 1e-15);
        Assert.Equal(0.0, y[1]);
        Close(0.8413447460685429, y[2], 1e-15);
        Close(3 * 0.9986501019683699, y[3], 1e-15);
    }

    [Fact]
    public void Elu_and_log1p_are_accurate_for_tiny_arguments()
    {
        var elu = Unary(UnaryOp.Elu, [-1e-10, -2, 3, double.NaN], alpha: 1.5);
        Close(1.5 * (-1e-10 + 5e-21), elu[0], 1e-15);
        Close(1.5 * (Math.Exp(-2) - 1), elu[1], 1e-15);
        Assert.Equal(3.0, elu[2]);
        Assert.True(double.IsNaN(elu[3]));
        var log1p = Unary(UnaryOp.Log1p, [1e-10, -0.5, 0, -1]);
        Close(1e-10 - 5e-21, log1p[0], 1e-15);
        Close(Math.Log(0.5), log1p[1], 1e-15);
        Assert.Equal(0.0, log1p[2]);
        Assert.Equal(double.NegativeInfinity, log1p[3]);
    }

    [Fact]
    public void Relu_leaky_relu_and_silu_follow_their_definitions()
    {
        var x = new double[] { -2, -0.5, 0, 0.5, 2, double.NaN };
        var relu = Unary(UnaryOp.Relu, x);
        Assert.Equal([0, 0, 0, 0.5, 2], relu[..5]);
        Assert.True(double.IsNaN(relu[5]));
        Assert.Equal([-0.2, -0.05, 0, 0.5, 2], Unary(UnaryOp.LeakyRelu, x, alpha: 0.1)[..5]);
        var silu = Unary(UnaryOp.Silu, x);
        for (var i = 0; i < 5; i++) Close(x[i] / (1 + Math.Exp(-x[i])), silu[i], 1e-15);
    }

    [Fact]
    public void Clamp_accepts_infinite_bounds_and_passes_nan_through()
    {
        var x = new double[] { -5, -1, 0, 1, 5, double.NaN };
        Assert.Equal([-1, -1, 0, 1, 2], Unary(UnaryOp.Clamp, x, -1, 2)[..5]);
        Assert.Equal([-5, -1, 0, 1, 2], Unary(UnaryOp.Clamp, x, double.NegativeInfinity, 2)[..5]);
        Assert.Equal([-1, -1, 0, 1, 5], Unary(UnaryOp.Clamp, x, -1, double.PositiveInfinity)[..5]);
        Assert.True(double.IsNaN(Unary(UnaryOp.Clamp, x, -1, 2)[5]));
    }

    [Fact]
    public void Integer_neg_abs_sign_and_clamp_wrap_like_pytorch()
    {
        var ints = new[] { int.MinValue, -7, 0, 7 };
        Assert.Equal([int.MinValue, 7, 0, -7], Data<int>(CpuKernels.Unary(UnaryOp.Neg, View(ints, 4), 0, 0)));
        Assert.Equal([int.MinValue, 7, 0, 7], Data<int>(CpuKernels.Unary(UnaryOp.Abs, View(ints, 4), 0, 0)));
        Assert.Equal([-1, -1, 0, 1], Data<int>(CpuKernels.Unary(UnaryOp.Sign, View(ints, 4), 0, 0)));
        var longs = new long[] { -10, -3, 2, 3, 10 };
        // Bounds 2.5 and ∞ become 3 and long.MaxValue.
        Assert.Equal([3L, 3, 3, 3, 10], Data<long>(CpuKernels.Unary(UnaryOp.Clamp, View(longs, 5), 2.5, double.PositiveInfinity)));
        Assert.Equal([-3L, -3, 2, 3, 3], Data<long>(CpuKernels.Unary(UnaryOp.Clamp, View(longs, 5), -3, 3.9)));
        var bytes = new byte[] { 0, 1, 200 };
        Assert.Equal([(byte)0, 255, 56], Data<byte>(CpuKernels.Unary(UnaryOp.Neg, View(bytes, 3), 0, 0)));
        Assert.Equal([(byte)0, 1, 1], Data<byte>(CpuKernels.Unary(UnaryOp.Sign, View(bytes, 3), 0, 0)));
    }

    [Fact]
    public void Sign_of_floats_gives_zero_for_nan_as_pytorch()
    {
        Assert.Equal([-1.0, 0, 0, 1, 0], Unary(UnaryOp.Sign, [-3, -0.0, 0, 2, double.NaN]));
    }

    [Fact]
    public void Float_only_ops_are_rejected_on_integer_tensors()
    {
        var e = Assert.Throws<NotSupportedException>(() => CpuKernels.Unary(UnaryOp.Exp, View(new long[] { 1 }, 1), 0, 0));
        Assert.Contains("int64", e.Message);
    }

    [Theory]
    [InlineData(UnaryOp.Exp)]
    [InlineData(UnaryOp.Log)]
    [InlineData(UnaryOp.Sqrt)]
    [InlineData(UnaryOp.Rsqrt)]
    [InlineData(UnaryOp.Sin)]
    [InlineData(UnaryOp.Cos)]
    [InlineData(UnaryOp.Tanh)]
    [InlineData(UnaryOp.Abs)]
    [InlineData(UnaryOp.Neg)]
    public void Strided_and_contiguous_inputs_agree_with_the_scalar_function(UnaryOp op)
    {
        Func<double, double> f = op switch
        {
            UnaryOp.Exp => Math.Exp,
            UnaryOp.Log => v => Math.Log(Math.Abs(v)),
            UnaryOp.Sqrt => v => Math.Sqrt(Math.Abs(v)),
            UnaryOp.Rsqrt => v => 1 / Math.Sqrt(Math.Abs(v)),
            UnaryOp.Sin => Math.Sin,
            UnaryOp.Cos => Math.Cos,
            UnaryOp.Tanh => Math.Tanh,
            UnaryOp.Abs => Math.Abs,
            _ => v => -v,
        };
        var positive = op is UnaryOp.Log or UnaryOp.Sqrt or UnaryOp.Rsqrt;
        var rng = new System.Random(1);
        // (3, 4, 5) stored as (5, 3, 4) after 7 padding elements: every stride is permuted.
        var view = Permuted(rng, [3, 4, 5], [2, 0, 1], 7, out var logical);
        if (positive)
        {
            var data = Data<double>(view.Storage);
            for (var i = 0; i < data.Length; i++) data[i] = Math.Abs(data[i]) + 0.01;
            logical = Naive<double>(view);
        }
        // The strided walk computes per element, the contiguous one vectorized: both must match.
        var strided = Data<double>(CpuKernels.Unary(op, view, 0, 0));
        var flat = Data<double>(CpuKernels.Unary(op, View(logical, 3, 4, 5), 0, 0));
        for (var i = 0; i < logical.Length; i++)
        {
            Close(f(logical[i]), strided[i], 1e-14, $"{op} strided [{i}]");
            Close(f(logical[i]), flat[i], 1e-14, $"{op} contiguous [{i}]");
        }
    }

    [Fact]
    public void A_broadcast_input_maps_each_stored_value()
    {
        // A (2, 3) view of two values, each broadcast along the last dim (stride 0), offset 1.
        var view = View(new float[] { 9, 1, 4 }, [2, 3], [1, 0], 1);
        Assert.Equal([1f, 1, 1, 2, 2, 2], Data<float>(CpuKernels.Unary(UnaryOp.Sqrt, view, 0, 0)));
    }

    [Fact]
    public void Empty_inputs_give_empty_outputs()
    {
        var empty = View(Array.Empty<float>(), 0, 3);
        Assert.Empty(Data<float>(CpuKernels.Unary(UnaryOp.Exp, empty, 0, 0)));
        Assert.Empty(Data<float>(CpuKernels.Binary(BinaryOp.Add, empty, empty, DType.Float32)));
    }
}

public class CpuBinaryTests
{
    [Fact]
    public void Add_broadcasts_zero_stride_operands_with_offsets()
    {
        // a: (2, 3) transposed view of a (3, 2) array; b: a row vector broadcast over rows, offset 2.
        var a = View(new double[] { 1, 2, 3, 4, 5, 6 }, [2, 3], [1, 2], 0); // [[1,3,5],[2,4,6]]
        var b = View(new double[] { -1, -1, 10, 20, 30 }, [2, 3], [0, 1], 2);
        Assert.Equal([11.0, 23, 35, 12, 24, 36], Data<double>(CpuKernels.Binary(BinaryOp.Add, a, b, DType.Float64)));
        Assert.Equal([-9.0, -17, -25, -8, -16, -24], Data<double>(CpuKernels.Binary(BinaryOp.Sub, a, b, DType.Float64)));
        // A scalar (all strides zero) on the left.
        var s = View(new double[] { 100 }, [2, 3], [0, 0], 0);
        Assert.Equal([99.0, 97, 95, 98, 96, 94], Data<double>(CpuKernels.Binary(BinaryOp.Sub, s, a, DType.Float64)));
        Assert.Equal([100.0, 100.0 / 3, 20, 50, 25, 100.0 / 6], Data<double>(CpuKernels.Binary(BinaryOp.Div, s, a, DType.Float64)));
    }

    [Fact]
    public void Random_strided_operands_agree_with_a_naive_loop()
    {
        var rng = new System.Random(2);
        var a = Permuted(rng, [4, 5, 6], [1, 2, 0], 3, out var av);
        var b = Permuted(rng, [4, 5, 6], [2, 1, 0], 0, out var bv);
        foreach (var op in new[] { BinaryOp.Add, BinaryOp.Sub, BinaryOp.Mul, BinaryOp.Div, BinaryOp.Maximum, BinaryOp.Minimum })
        {
            var o = Data<double>(CpuKernels.Binary(op, a, b, DType.Float64));
            for (var i = 0; i < av.Length; i++)
            {
                var expected = op switch
                {
                    BinaryOp.Add => av[i] + bv[i],
                    BinaryOp.Sub => av[i] - bv[i],
                    BinaryOp.Mul => av[i] * bv[i],
                    BinaryOp.Div => av[i] / bv[i],
                    BinaryOp.Maximum => Math.Max(av[i], bv[i]),
                    _ => Math.Min(av[i], bv[i]),
                };
                Assert.Equal(expected, o[i]);
            }
        }
    }

    [Fact]
    public void Operands_are_converted_to_the_result_dtype()
    {
        var ints = View(new long[] { 1, 2, 3 }, 3);
        var floats = View(new float[] { 0.5f, 0.25f, -1 }, 3);
        Assert.Equal([1.5f, 2.25f, 2], Data<float>(CpuKernels.Binary(BinaryOp.Add, ints, floats, DType.Float32)));
        Assert.Equal([2.0, 8, -3], Data<double>(CpuKernels.Binary(BinaryOp.Div, ints, floats, DType.Float64)));
    }

    [Fact]
    public void Integer_division_truncates_toward_zero()
    {
        var a = View(new long[] { 7, -7, 7, -7, long.MinValue }, 5);
        var b = View(new long[] { 2, 2, -2, -2, -1 }, 5);
        Assert.Equal([3L, -3, -3, 3, long.MinValue], Data<long>(CpuKernels.Binary(BinaryOp.Div, a, b, DType.Int64)));
    }

    [Fact]
    public void Pow_follows_math_pow_and_integer_pow_is_exact()
    {
        var a = View(new double[] { 2, -8, 0, double.NaN, -2, 3 }, 6);
        var b = View(new double[] { 10, 1.0 / 3, -1, 0, 3, 0.5 }, 6);
        var o = Data<double>(CpuKernels.Binary(BinaryOp.Pow, a, b, DType.Float64));
        Assert.Equal(1024.0, o[0]);
        Assert.True(double.IsNaN(o[1]));
        Assert.Equal(double.PositiveInfinity, o[2]);
        Assert.Equal(1.0, o[3]);
        Assert.Equal(-8.0, o[4]);
        Assert.Equal(Math.Pow(3, 0.5), o[5]);
        var squared = Data<float>(CpuKernels.Binary(BinaryOp.Pow, View(new float[] { -3, 1.5f }, 2), View(new float[] { 2 }, [2], [0], 0), DType.Float32));
        Assert.Equal([9f, 2.25f], squared);
        var ip = Data<long>(CpuKernels.Binary(BinaryOp.Pow, View(new long[] { 3, -2, 5, 2 }, 4), View(new long[] { 4, 3, 0, 62 }, 4), DType.Int64));
        Assert.Equal([81L, -8, 1, 1L << 62], ip);
        Assert.Throws<ArgumentException>(() => CpuKernels.Binary(BinaryOp.Pow, View(new long[] { 2 }, 1), View(new long[] { -1 }, 1), DType.Int64));
    }

    [Fact]
    public void Maximum_and_minimum_propagate_nan()
    {
        var a = View(new float[] { 1, float.NaN, 3, -0f }, 4);
        var b = View(new float[] { float.NaN, 2, 1, 0 }, 4);
        var max = Data<float>(CpuKernels.Binary(BinaryOp.Maximum, a, b, DType.Float32));
        var min = Data<float>(CpuKernels.Binary(BinaryOp.Minimum, a, b, DType.Float32));
        Assert.True(float.IsNaN(max[0]) && float.IsNaN(max[1]) && float.IsNaN(min[0]) && float.IsNaN(min[1]));
        Assert.Equal(3f, max[2]);
        Assert.Equal(1f, min[2]);
        // Strided path (broadcast scalar) propagates as well.
        var nanScalar = View(new float[] { float.NaN }, [4], [0], 0);
        Assert.All(Data<float>(CpuKernels.Binary(BinaryOp.Maximum, a, nanScalar, DType.Float32)), v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Logical_and_or_combine_masks()
    {
        var a = View(new[] { true, true, false, false }, 4);
        var b = View(new[] { true, false, true, false }, 4);
        Assert.Equal([true, false, false, false], Data<bool>(CpuKernels.Binary(BinaryOp.And, a, b, DType.Bool)));
        Assert.Equal([true, true, true, false], Data<bool>(CpuKernels.Binary(BinaryOp.Or, a, b, DType.Bool)));
        Assert.Throws<NotSupportedException>(() => CpuKernels.Binary(BinaryOp.And, a, b, DType.Float32));
    }

    [Fact]
    public void Compare_promotes_operands_and_handles_nan()
    {
        var ints = View(new long[] { 1, 2, 3, 4 }, 4);
        var floats = View(new float[] { 1.5f, 2f, float.NaN, 3.5f }, 4);
        Assert.Equal([true, false, false, false], Data<bool>(CpuKernels.Compare(CompareOp.Lt, ints, floats)));
        Assert.Equal([true, true, false, false], Data<bool>(CpuKernels.Compare(CompareOp.Le, ints, floats)));
        Assert.Equal([false, true, false, false], Data<bool>(CpuKernels.Compare(CompareOp.Eq, ints, floats)));
        Assert.Equal([true, false, true, true], Data<bool>(CpuKernels.Compare(CompareOp.Ne, ints, floats)));
        Assert.Equal([false, false, false, true], Data<bool>(CpuKernels.Compare(CompareOp.Gt, ints, floats)));
        Assert.Equal([false, true, false, true], Data<bool>(CpuKernels.Compare(CompareOp.Ge, ints, floats)));
        var t = View(new[] { false, true }, 2);
        var f = View(new[] { true, true }, 2);
        Assert.Equal([true, false], Data<bool>(CpuKernels.Compare(CompareOp.Lt, t, f)));
    }

    [Fact]
    public void Where_selects_with_a_broadcast_condition_and_converts_operands()
    {
        var cond = View(new[] { true, false }, [2, 3], [1, 0], 0); // rows: all true, all false
        var a = View(new long[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var b = View(new float[] { -0.5f }, [2, 3], [0, 0], 0);
        Assert.Equal([1f, 2, 3, -0.5f, -0.5f, -0.5f], Data<float>(CpuKernels.Where(cond, a, b, DType.Float32)));
        var masks = Data<bool>(CpuKernels.Where(View(new[] { true, false }, 2), View(new[] { false, false }, 2), View(new[] { true, true }, 2), DType.Bool));
        Assert.Equal([false, true], masks);
    }
}

public class CpuCopyTests
{
    [Fact]
    public void Casts_follow_pytorch_conversion_rules()
    {
        var f = View(new[] { -1.7, -0.2, 0, 2.9, double.NaN, 300 }, 6);
        Assert.Equal([-1L, 0, 0, 2, 0, 300], Data<long>(CpuKernels.Copy(f, DType.Int64)));
        Assert.Equal([true, true, false, true, true, true], Data<bool>(CpuKernels.Copy(f, DType.Bool)));
        Assert.Equal([(byte)255, 0, 0, 2], Data<byte>(CpuKernels.Copy(View(new[] { -1.0, 0.5, 256, 2 }, 4), DType.UInt8)));
        Assert.Equal([(byte)44, 255], Data<byte>(CpuKernels.Copy(View(new long[] { 300, -1 }, 2), DType.UInt8)));
        Assert.Equal([0f, 1f], Data<float>(CpuKernels.Copy(View(new[] { false, true }, 2), DType.Float32)));
        Assert.Equal([0L, 1L], Data<long>(CpuKernels.Copy(View(new[] { false, true }, 2), DType.Int64)));
        Assert.Equal([false, true], Data<bool>(CpuKernels.Copy(View(new byte[] { 0, 7 }, 2), DType.Bool)));
        Assert.Equal([1.5f, -2.25f], Data<float>(CpuKernels.Copy(View(new[] { 1.5, -2.25 }, 2), DType.Float32)));
    }

    /// <summary>Every stride 0 (an expanded scalar): a fill with that element's exact bits.</summary>
    [Fact]
    public void A_broadcast_element_is_copied_bit_for_bit_into_every_position()
    {
        // float −0.0 keeps its sign; the element is read at the view's offset.
        var floats = Data<float>(CpuKernels.Copy(View(new[] { 1f, -0f }, [2, 3], [0, 0], 1), DType.Float32));
        Assert.Equal(6, floats.Length);
        Assert.All(floats, v => Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(v)));
        Assert.Equal(Enumerable.Repeat(2.5, 4), Data<double>(CpuKernels.Copy(View(new[] { 2.5 }, [4], [0], 0), DType.Float64)));
        Assert.Equal(Enumerable.Repeat(0.0, 5), Data<double>(CpuKernels.Copy(View(new[] { 7.0, 0.0 }, [5], [0], 1), DType.Float64)));
        // An int64 beyond double's 53 bits stays exact; bools fill too.
        const long big = (1L << 60) + 1;
        Assert.Equal(Enumerable.Repeat(big, 3), Data<long>(CpuKernels.Copy(View(new[] { big }, [3, 1], [0, 0], 0), DType.Int64)));
        Assert.Equal(Enumerable.Repeat(true, 2), Data<bool>(CpuKernels.Copy(View(new[] { true }, [2], [0], 0), DType.Bool)));
        // Converting while copying takes the general path.
        Assert.Equal(Enumerable.Repeat(3.0, 2), Data<double>(CpuKernels.Copy(View(new[] { 3f }, [2], [0], 0), DType.Float64)));
    }

    [Fact]
    public void Copy_of_a_permuted_view_is_row_major()
    {
        var rng = new System.Random(3);
        var view = Permuted(rng, [2, 3, 4], [1, 2, 0], 5, out var logical);
        Assert.Equal(logical, Data<double>(CpuKernels.Copy(view, DType.Float64)));
        Assert.Equal(logical, (double[])CpuKernels.ToArray(view));
        Assert.Equal(logical.Select(v => (float)v).ToArray(), Data<float>(CpuKernels.Copy(view, DType.Float32)));
    }

    [Fact]
    public void CopyInto_writes_a_strided_destination_converting_the_source()
    {
        var dstData = new double[8];
        var dstStorage = new CpuStorage<double>(dstData);
        // dst: the transpose of a (3, 2) block at offset 1, i.e. shape (2, 3), strides (1, 2).
        var dst = new Strided(dstStorage, [2, 3], [1, 2], 1);
        var src = View(new long[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        CpuKernels.CopyInto(dst, src);
        Assert.Equal([0.0, 1, 4, 2, 5, 3, 6, 0], dstData);
        Assert.Equal(0, dstStorage.Version); // the caller bumps the version, not the kernel
        // A broadcast source fills the view.
        CpuKernels.CopyInto(dst, View(new float[] { 7 }, [2, 3], [0, 0], 0));
        Assert.Equal([0.0, 7, 7, 7, 7, 7, 7, 0], dstData);
    }

    [Fact]
    public void CopyInto_handles_a_source_overlapping_the_destination()
    {
        var data = new float[] { 1, 2, 3, 4, 5 };
        var storage = new CpuStorage<float>(data);
        // x[1:] = x[:-1]
        CpuKernels.CopyInto(new Strided(storage, [4], [1], 1), new Strided(storage, [4], [1], 0));
        Assert.Equal([1f, 1, 2, 3, 4], data);
    }

    [Fact]
    public void Full_arange_and_from_array_build_storages()
    {
        Assert.Equal([2.5f, 2.5f, 2.5f], Data<float>(CpuKernels.Full(DType.Float32, 3, 2.5)));
        Assert.Equal([true, true], Data<bool>(CpuKernels.Full(DType.Bool, 2, 1)));
        Assert.Equal([-3L, -3], Data<long>(CpuKernels.Full(DType.Int64, 2, -3)));
        Assert.Equal([1.0, 1.1, 1.2, 1.3], Data<double>(CpuKernels.Arange(DType.Float64, 4, 1, 0.1)));
        Assert.Equal([10L, 7, 4], Data<long>(CpuKernels.Arange(DType.Int64, 3, 10, -3)));
        Assert.Equal([0, 2, 4], Data<int>(CpuKernels.Arange(DType.Int32, 3, 0, 2)));
        const long big = 1L << 53; // integer ranges stay exact where doubles no longer are
        Assert.Equal([big, big + 1, big + 2], Data<long>(CpuKernels.Arange(DType.Int64, 3, big, 1)));
        var array = new int[] { 4, 5 };
        var s = CpuKernels.FromArray(array);
        Assert.Same(array, Data<int>(s)); // zero-copy
        Assert.Equal(DType.Int32, s.DType);
        Assert.Throws<ArgumentException>(() => CpuKernels.FromArray(new short[] { 1 }));
    }

    [Fact]
    public void ToArray_of_a_bool_view_returns_bools()
    {
        var view = View(new[] { true, false, true, false }, [2, 2], [1, 2], 0);
        Assert.Equal([true, true, false, false], (bool[])CpuKernels.ToArray(view));
    }
}
