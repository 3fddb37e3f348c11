using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends;

/// <summary>
/// The vectorized compare and where rows (MaskRows) against scalar definitions, on rows long
/// enough for whole vectors and a tail (37 = 2·16 + 5 floats, 4·8 + 5 doubles), with NaN, ±0,
/// ties, and one side a single broadcast value.
/// </summary>
public class CpuMaskRowsTests
{
    const int Length = 37;

    static double[] Values(int seed)
    {
        var rng = new System.Random(seed);
        // Few distinct values, so ties are common; NaN and both zeros among them.
        double[] pool = [double.NaN, 0.0, -0.0, 1.5, -2, 3, double.PositiveInfinity];
        return Enumerable.Range(0, Length).Select(_ => pool[rng.Next(pool.Length)]).ToArray();
    }

    static bool Definition(CompareOp op, double a, double b) => op switch
    {
        CompareOp.Eq => a == b,
        CompareOp.Ne => a != b,
        CompareOp.Lt => a < b,
        CompareOp.Le => a <= b,
        CompareOp.Gt => a > b,
        _ => a >= b,
    };

    public static TheoryData<CompareOp, bool> Ops()
    {
        var data = new TheoryData<CompareOp, bool>();
        foreach (var op in Enum.GetValues<CompareOp>())
        {
            data.Add(op, false);
            data.Add(op, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Comparisons_of_float_and_double_rows_match_the_scalar_definition(CompareOp op, bool broadcastRight)
    {
        var a = Values(1);
        var b = broadcastRight ? [1.5] : Values(2);
        var expected = a.Select((x, i) => Definition(op, x, b[broadcastRight ? 0 : i])).ToArray();
        Strided Right<T>(T[] data) where T : unmanaged => broadcastRight ? View(data, [Length], [0], 0) : View(data, Length);
        Assert.Equal(expected, Data<bool>(CpuKernels.Compare(op, View(a, Length), Right(b))));
        Assert.Equal(expected, Data<bool>(CpuKernels.Compare(op, View(a.Select(x => (float)x).ToArray(), Length), Right(b.Select(x => (float)x).ToArray()))));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Where_of_float_and_double_rows_matches_the_scalar_definition(bool scalarA, bool scalarB)
    {
        var rng = new System.Random(3);
        var cond = Enumerable.Range(0, Length).Select(_ => rng.Next(2) == 1).ToArray();
        var a = scalarA ? [7.0] : Values(4);
        var b = scalarB ? [-0.0] : Values(5);
        var expected = cond.Select((c, i) => c ? a[scalarA ? 0 : i] : b[scalarB ? 0 : i]).ToArray();
        Strided Operand<T>(T[] data, bool scalar) where T : unmanaged => scalar ? View(data, [Length], [0], 0) : View(data, Length);
        var c = View(cond, Length);
        var doubles = Data<double>(CpuKernels.Where(c, Operand(a, scalarA), Operand(b, scalarB), DType.Float64));
        var floats = Data<float>(CpuKernels.Where(c, Operand(a.Select(x => (float)x).ToArray(), scalarA), Operand(b.Select(x => (float)x).ToArray(), scalarB), DType.Float32));
        // Bitwise, so that −0 and NaN are told apart.
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), doubles.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected.Select(x => BitConverter.SingleToInt32Bits((float)x)), floats.Select(BitConverter.SingleToInt32Bits));
    }
}
