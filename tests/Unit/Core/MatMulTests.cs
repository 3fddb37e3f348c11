using Xunit;

namespace Hybrid.Unit;

/// <summary>MatMul's 1-D, 2-D and batched (broadcast) cases against a naive triple loop.</summary>
public class MatMulTests
{
    static double[] Vals(int n, int salt) => Expect.Seq(n, i => ((i * 7 + salt) % 11) - 5);

    /// <summary>C = A·B for row-major A (m×k) and B (k×n).</summary>
    static double[] Naive(double[] a, double[] b, int m, int k, int n, int aOff = 0, int bOff = 0)
    {
        var c = new double[m * n];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
                for (var p = 0; p < k; p++)
                    c[i * n + j] += a[aOff + i * k + p] * b[bOff + p * n + j];
        return c;
    }

    [Fact]
    public void Vector_dot_vector_is_a_scalar()
    {
        var r = Torch.Tensor(new[] { 1f, 2f, 3f }).MatMul(Torch.Tensor(new[] { 4f, 5f, 6f }));
        Assert.Equal(0, r.Dim);
        Expect.Scalar(r, 32);
    }

    [Fact]
    public void Matrix_times_matrix_matches_naive_product()
    {
        var a = Vals(6, 1);
        var b = Vals(12, 2);
        var r = Torch.FromArray(a, 2, 3).MatMul(Torch.FromArray(b, 3, 4));
        Expect.Close(r, new[] { 2, 4 }, Naive(a, b, 2, 3, 4), 1e-12);
    }

    [Fact]
    public void Matrix_times_vector_and_vector_times_matrix_drop_the_vector_dim()
    {
        var a = Vals(6, 3);
        var v = new[] { 1.0, -2, 0.5 };
        var mv = Torch.FromArray(a, 2, 3).MatMul(Torch.Tensor(v));
        Expect.Close(mv, new[] { 2 }, Naive(a, v, 2, 3, 1), 1e-12);
        var w = new[] { 2.0, -1 };
        var vm = Torch.Tensor(w).MatMul(Torch.FromArray(a, 2, 3));
        Expect.Close(vm, new[] { 3 }, Naive(w, a, 1, 2, 3), 1e-12);
    }

    [Fact]
    public void Batched_matrix_times_matrix_broadcasts_the_matrix()
    {
        var a = Vals(2 * 2 * 3, 4);
        var b = Vals(3 * 4, 5);
        var r = Torch.FromArray(a, 2, 2, 3).MatMul(Torch.FromArray(b, 3, 4));
        var expected = Naive(a, b, 2, 3, 4, 0).Concat(Naive(a, b, 2, 3, 4, 6)).ToArray();
        Expect.Close(r, new[] { 2, 2, 4 }, expected, 1e-12);
    }

    [Fact]
    public void Batch_dims_of_size_one_broadcast_against_each_other()
    {
        var a = Vals(1 * 2 * 3, 6);            // (1, 2, 3)
        var b = Vals(4 * 3 * 2, 7);            // (4, 3, 2)
        var r = Torch.FromArray(a, 1, 2, 3).MatMul(Torch.FromArray(b, 4, 3, 2));
        var expected = Enumerable.Range(0, 4).SelectMany(i => Naive(a, b, 2, 3, 2, 0, i * 6)).ToArray();
        Expect.Close(r, new[] { 4, 2, 2 }, expected, 1e-12);
    }

    [Fact]
    public void Matmul_of_a_transposed_view_uses_its_strides()
    {
        var a = Vals(6, 8);                     // (3, 2) stored; use its transpose (2, 3)
        var b = Vals(6, 9);
        var at = new double[6];
        for (var i = 0; i < 2; i++) for (var j = 0; j < 3; j++) at[i * 3 + j] = a[j * 2 + i];
        var r = Torch.FromArray(a, 3, 2).T.MatMul(Torch.FromArray(b, 3, 2));
        Expect.Close(r, new[] { 2, 2 }, Naive(at, b, 2, 3, 2), 1e-12);
    }

    [Fact]
    public void Matmul_gradients_are_g_times_b_transposed_and_a_transposed_times_g()
    {
        var a = Torch.Tensor(new[,] { { 1.0, 2 }, { 3, 4 } }, requiresGrad: true);
        var b = Torch.Tensor(new[,] { { 5.0, 6 }, { 7, 8 } }, requiresGrad: true);
        a.MatMul(b).Sum().Backward();
        Expect.Close(a.Grad, new double[] { 11, 15, 11, 15 });   // row sums of b
        Expect.Close(b.Grad, new double[] { 4, 4, 6, 6 });       // column sums of a
    }

    [Fact]
    public void Matmul_of_scalars_fails()
    {
        Assert.Throws<ArgumentException>(() => Torch.Tensor(1f).MatMul(Torch.Tensor(1f)));
    }
}
