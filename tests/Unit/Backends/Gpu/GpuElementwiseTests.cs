using Hybrid;
using Xunit;
using static Hybrid.Unit.Backends.Gpu.GpuAgreement;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>The GPU backend's creation, copy and elementwise kernels against the CPU backend.</summary>
[Collection(GpuCollection.Name)]
public class GpuElementwiseTests
{
    const int Cases = 40;

    [Fact]
    public void Arrays_of_every_dtype_round_trip_through_the_device()
    {
        var rng = new System.Random(1);
        foreach (var dtype in AllDTypes)
        {
            var data = RandomArray(rng, dtype, 37);
            Assert.Equal(data, GpuKernels.ToArray(Strided.Contiguous(GpuKernels.FromArray(data), [37])));
        }
    }

    [Fact]
    public void Full_and_Arange_match_the_CPU_backend_in_every_dtype()
    {
        foreach (var dtype in AllDTypes)
        {
            AssertAgree(CpuKernels.Full(dtype, 11, 3.75), GpuKernels.Full(dtype, 11, 3.75), 0, $"full {dtype}");
            AssertAgree(CpuKernels.Full(dtype, 5, -2), GpuKernels.Full(dtype, 5, -2), 0, $"full -2 {dtype}");
            if (dtype != DType.Bool)
                AssertAgree(CpuKernels.Arange(dtype, 9, 1, 2), GpuKernels.Arange(dtype, 9, 1, 2), 0, $"arange {dtype}");
        }
    }

    [Fact]
    public void Copy_converts_random_views_between_every_pair_of_dtypes()
    {
        var rng = new System.Random(2);
        for (var c = 0; c < Cases; c++)
            foreach (var from in AllDTypes)
            foreach (var to in AllDTypes)
            {
                var x = RandomView(rng, from, RandomShape(rng));
                AssertAgree(CpuKernels.Copy(x, to), GpuKernels.Copy(ToGpu(x), to), 1e-7, $"copy {from}→{to} case {c}");
            }
    }

    [Fact]
    public void CopyInto_writes_a_permuted_destination_and_leaves_the_rest()
    {
        var rng = new System.Random(3);
        for (var c = 0; c < Cases; c++)
        {
            var shape = RandomShape(rng, 3);
            var dst = RandomView(rng, DType.Float64, shape);
            if (dst.Strides.Contains(0)) continue; // a broadcast destination is not writable
            var src = RandomView(rng, DType.Int32, shape);
            var gpuDst = ToGpu(dst);
            CpuKernels.CopyInto(dst, src);
            GpuKernels.CopyInto(gpuDst, ToGpu(src));
            AssertAgree(dst.Storage, gpuDst.Storage, 0, $"copy_ case {c}");
        }
    }

    [Fact]
    public void Unary_ops_agree_on_random_views()
    {
        var rng = new System.Random(4);
        foreach (var op in Enum.GetValues<UnaryOp>())
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int64, DType.Int32, DType.UInt8 })
        {
            if (!dtype.IsFloating() && op is not (UnaryOp.Neg or UnaryOp.Abs or UnaryOp.Sign or UnaryOp.Clamp or UnaryOp.Relu)) continue;
            for (var c = 0; c < 8; c++)
            {
                var x = RandomView(rng, dtype, RandomShape(rng));
                var (alpha, beta) = op switch
                {
                    UnaryOp.Clamp => (-1.5, 2.5),
                    UnaryOp.Softplus => (2.0, 3.0),
                    UnaryOp.LeakyRelu or UnaryOp.Elu => (0.3, 0.0),
                    _ => (0.0, 0.0),
                };
                AssertAgree(CpuKernels.Unary(op, x, alpha, beta), GpuKernels.Unary(op, ToGpu(x), alpha, beta),
                    dtype == DType.Float32 ? 2e-6 : 1e-13, $"{op} {dtype} case {c}");
            }
        }
    }

    [Fact]
    public void Binary_ops_agree_on_broadcast_and_permuted_operands_with_conversion()
    {
        var rng = new System.Random(5);
        foreach (var op in Enum.GetValues<BinaryOp>())
        foreach (var dtype in AllDTypes)
        {
            if (op is BinaryOp.And or BinaryOp.Or && dtype != DType.Bool) continue;
            if (dtype == DType.Bool && op is BinaryOp.Sub or BinaryOp.Div or BinaryOp.Pow or BinaryOp.ReluGrad) continue;
            for (var c = 0; c < 8; c++)
            {
                var shape = RandomShape(rng);
                var a = RandomView(rng, dtype, shape);
                var b = RandomView(rng, c % 2 == 0 ? dtype : DType.Int32, shape);
                if (op == BinaryOp.Div && !dtype.IsFloating()) b = Strided.Contiguous(CpuKernels.Full(b.DType, Layout.Count(shape), 3), shape);
                if (op == BinaryOp.Pow && !dtype.IsFloating()) b = Strided.Contiguous(CpuKernels.Full(b.DType, Layout.Count(shape), 2), shape);
                AssertAgree(CpuKernels.Binary(op, a, b, dtype), GpuKernels.Binary(op, ToGpu(a), ToGpu(b), dtype),
                    dtype == DType.Float32 ? 1e-6 : 1e-14, $"{op} {dtype} case {c}");
            }
        }
    }

    [Fact]
    public void Comparisons_and_where_agree_across_dtypes()
    {
        var rng = new System.Random(6);
        foreach (var op in Enum.GetValues<CompareOp>())
        foreach (var dtype in AllDTypes)
            for (var c = 0; c < 6; c++)
            {
                var shape = RandomShape(rng);
                var a = RandomView(rng, dtype, shape);
                var b = RandomView(rng, c % 2 == 0 ? dtype : DType.Float32, shape);
                AssertAgree(CpuKernels.Compare(op, a, b), GpuKernels.Compare(op, ToGpu(a), ToGpu(b)), 0, $"{op} {dtype} case {c}");
            }
        foreach (var dtype in AllDTypes)
            for (var c = 0; c < 6; c++)
            {
                var shape = RandomShape(rng);
                var cond = RandomView(rng, DType.Bool, shape);
                var a = RandomView(rng, dtype, shape);
                var b = RandomView(rng, DType.Float64, shape);
                AssertAgree(CpuKernels.Where(cond, a, b, dtype), GpuKernels.Where(ToGpu(cond), ToGpu(a), ToGpu(b), dtype), 0, $"where {dtype} case {c}");
            }
    }

    [Fact]
    public void Float_special_values_follow_the_CPU_backend()
    {
        double[] special = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, 1e-300, -1e300];
        var x = Strided.Contiguous(CpuKernels.FromArray(special), [special.Length]);
        foreach (var op in new[] { UnaryOp.Abs, UnaryOp.Sign, UnaryOp.Exp, UnaryOp.Tanh, UnaryOp.Sigmoid, UnaryOp.Relu, UnaryOp.Erf, UnaryOp.Gelu })
            AssertAgree(CpuKernels.Unary(op, x, 0, 0), GpuKernels.Unary(op, ToGpu(x), 0, 0), 1e-15, $"{op} of special values");
        AssertAgree(CpuKernels.Binary(BinaryOp.Maximum, x, x, DType.Float64), GpuKernels.Binary(BinaryOp.Maximum, ToGpu(x), ToGpu(x), DType.Float64), 0, "maximum with NaN");
    }
}
