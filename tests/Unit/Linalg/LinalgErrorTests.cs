using Xunit;

namespace Hybrid.Unit;

/// <summary>Bad input to torch.linalg: PyTorch's messages for singular, non-square, not
/// positive-definite input, wrong ranks, dtypes and batch shapes.</summary>
public class LinalgErrorTests
{
    static Tensor M(double[,] v) => Torch.Tensor(v);
    static readonly Tensor Singular = M(new double[,] { { 1, 2 }, { 2, 4 } });

    [Fact]
    public void Inv_of_a_singular_matrix_names_the_zero_pivot()
    {
        var e = Assert.Throws<LinAlgException>(() => Linalg.Inv(Singular));
        Assert.Equal("linalg.inv: The diagonal element 2 is zero, the inversion could not be completed because the input matrix is singular.", e.Message);
        Assert.IsAssignableFrom<ArgumentException>(e);
    }

    [Fact]
    public void Batched_errors_name_the_batch_element()
    {
        var batch = Torch.Stack(new[] { Torch.Eye(2, dtype: DType.Float64), Singular }, 0);
        var e = Assert.Throws<LinAlgException>(() => Linalg.Inv(batch));
        Assert.StartsWith("linalg.inv: (Batch element 1): The diagonal element 2 is zero", e.Message);
        var s = Assert.Throws<LinAlgException>(() => Linalg.Solve(batch, Torch.Ones(new[] { 2 }, DType.Float64)));
        Assert.Equal("linalg.solve: (Batch element 1): The solver failed because the input matrix is singular.", s.Message);
    }

    [Fact]
    public void Solve_of_a_singular_matrix_fails_clearly()
    {
        var e = Assert.Throws<LinAlgException>(() => Linalg.Solve(Singular, Torch.Ones(new[] { 2 }, DType.Float64)));
        Assert.Equal("linalg.solve: The solver failed because the input matrix is singular.", e.Message);
    }

    [Fact]
    public void Cholesky_of_a_matrix_that_is_not_positive_definite_names_the_leading_minor()
    {
        var e = Assert.Throws<LinAlgException>(() => Linalg.Cholesky(M(new double[,] { { 4, 2, 0 }, { 2, 1, 0 }, { 0, 0, 1 } })));
        Assert.Equal("linalg.cholesky: The factorization could not be completed because the input is not positive-definite (the leading minor of order 2 is not positive-definite).", e.Message);
        var batch = Torch.Stack(new[] { Torch.Eye(2, dtype: DType.Float64), M(new double[,] { { -1, 0 }, { 0, 1 } }) }, 0);
        var b = Assert.Throws<LinAlgException>(() => Linalg.Cholesky(batch));
        Assert.Equal("linalg.cholesky: (Batch element 1): The factorization could not be completed because the input is not positive-definite (the leading minor of order 1 is not positive-definite).", b.Message);
    }

    [Fact]
    public void Non_square_input_is_rejected_with_its_shape()
    {
        var a = Torch.Ones(new[] { 2, 3 }, DType.Float64);
        foreach (var (name, f) in new (string, Func<Tensor>)[]
                 {
                     ("linalg.inv", () => Linalg.Inv(a)), ("linalg.det", () => Linalg.Det(a)), ("linalg.slogdet", () => Linalg.SlogDet(a).Sign),
                     ("linalg.cholesky", () => Linalg.Cholesky(a)), ("linalg.eigh", () => Linalg.Eigh(a).Eigenvalues),
                     ("linalg.solve", () => Linalg.Solve(a, Torch.Ones(new[] { 2 }, DType.Float64))),
                 })
        {
            var e = Assert.Throws<ArgumentException>(f);
            Assert.Equal($"{name}: A must be batches of square matrices, but they are 2 by 3 matrices", e.Message);
        }
    }

    [Fact]
    public void Vectors_and_integer_tensors_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Linalg.Inv(Torch.Ones(new[] { 3 }, DType.Float64)));
        Assert.Equal("linalg.inv: The input tensor A must have at least 2 dimensions.", e.Message);
        var i = Assert.Throws<ArgumentException>(() => Linalg.Svd(Torch.Ones(new[] { 2, 2 }, DType.Int64)));
        Assert.Equal("linalg.svd: Expected a floating point or complex tensor as input. Got Long", i.Message);
    }

    [Fact]
    public void Solve_rejects_mismatched_shapes_batches_and_dtypes()
    {
        var a = Torch.Eye(3, dtype: DType.Float64);
        var e = Assert.Throws<ArgumentException>(() => Linalg.Solve(a, Torch.Ones(new[] { 2, 1 }, DType.Float64)));
        Assert.Equal("linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 2x1)", e.Message);
        var batch = Assert.Throws<ArgumentException>(() => Linalg.Solve(Torch.Ones(new[] { 2, 3, 3 }, DType.Float64), Torch.Ones(new[] { 4, 3, 1 }, DType.Float64)));
        Assert.Contains("linalg.solve", batch.Message);
        Assert.Contains("(2)", batch.Message);
        Assert.Contains("(4)", batch.Message);
        var dtype = Assert.Throws<ArgumentException>(() => Linalg.Solve(a, Torch.Ones(new[] { 3 })));
        Assert.Equal("linalg.solve: Expected A and B to have the same dtype, but found A of type Double and B of type Float instead", dtype.Message);
    }

    [Fact]
    public void Bad_modes_and_orders_are_named()
    {
        var a = Torch.Eye(2, dtype: DType.Float64);
        Assert.Contains("unrecognized mode 'thin'", Assert.Throws<ArgumentException>(() => Linalg.Qr(a, "thin")).Message);
        Assert.Contains("UPLO", Assert.Throws<ArgumentException>(() => Linalg.Eigh(a, "X")).Message);
        Assert.Equal("linalg.matrix_norm: Order 3 not supported.", Assert.Throws<ArgumentException>(() => Linalg.MatrixNorm(a, 3.0)).Message);
        Assert.Equal("linalg.matrix_norm: Order max not supported.", Assert.Throws<ArgumentException>(() => Linalg.MatrixNorm(a, "max")).Message);
        Assert.Contains("must be 1D or 2D", Assert.Throws<ArgumentException>(() => Linalg.Norm(Torch.Ones(new[] { 2, 2, 2 }, DType.Float64), 2.0)).Message);
        Assert.Contains("driver", Assert.Throws<ArgumentException>(() => Linalg.Lstsq(a, a, driver: "magic")).Message);
        Assert.Contains("Incompatible", Assert.Throws<ArgumentException>(() => Linalg.Solve(a, Torch.Ones(new[] { 3, 3 }, DType.Float64))).Message);
    }

    [Fact]
    public void Derivatives_that_do_not_exist_fail_at_backward_with_the_reason()
    {
        var tall = Torch.Ones(new[] { 3, 2 }, DType.Float64).Add(Torch.Eye(3, 2, DType.Float64)).RequiresGrad_();
        var q = Linalg.Qr(tall, "complete").Q;   // computing is fine
        var e = Assert.Throws<InvalidOperationException>(() => q.Sum().Backward());
        Assert.Contains("not differentiable when mode='complete' and nrows > ncols", e.Message);
        var u = Linalg.Svd(tall, fullMatrices: true).U;
        Assert.Contains("fullMatrices", Assert.Throws<InvalidOperationException>(() => u.Sum().Backward()).Message);
    }

    [Fact]
    public void Special_functions_reject_bool_and_negative_polygamma_order()
    {
        var b = Torch.Ones(new[] { 2 }, DType.Float64).Gt(0);
        Assert.Equal("lgamma: not supported for Bool tensors", Assert.Throws<ArgumentException>(() => b.Lgamma()).Message);
        Assert.Contains("negative n", Assert.Throws<ArgumentException>(() => Torch.Ones(new[] { 2 }).Polygamma(-1)).Message);
    }
}
