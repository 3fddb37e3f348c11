using Xunit;

namespace Hybrid.Unit;

/// <summary>torch.linalg from C#: hand-computed results, tuple deconstruction, dtypes, graph names.</summary>
public class LinalgTests
{
    static Tensor M(double[,] v) => Torch.Tensor(v);
    static Tensor V(params double[] v) => Torch.Tensor(v);

    [Fact]
    public void Inv_and_det_of_a_2x2_match_the_textbook_formulas()
    {
        var a = M(new double[,] { { 4, 7 }, { 2, 6 } });
        Expect.Close(Linalg.Inv(a), new[] { 2, 2 }, new[] { 0.6, -0.7, -0.2, 0.4 }, 1e-14);
        Expect.Scalar(Linalg.Det(a), 10, 1e-14);
        var (sign, logAbsDet) = Linalg.SlogDet(M(new double[,] { { 0, 2 }, { 3, 0 } }));
        Expect.Scalar(sign, -1);
        Expect.Scalar(logAbsDet, Math.Log(6), 1e-14);
    }

    [Fact]
    public void Solve_handles_matrices_vectors_and_left_false()
    {
        var a = M(new double[,] { { 3, 1 }, { 1, 2 } });
        Expect.Close(Linalg.Solve(a, V(9, 8)), new[] { 2 }, new[] { 2.0, 3.0 }, 1e-14);
        Expect.Close(Linalg.Solve(a, M(new double[,] { { 9, 1 }, { 8, 2 } })), new[] { 2, 2 }, new[] { 2.0, 0, 3, 1 }, 1e-14);
        // X·A = B: X = B·A⁻¹.
        var x = Linalg.Solve(a, M(new double[,] { { 3, 1 } }), left: false);
        Expect.Close(x, new[] { 1, 2 }, new[] { 1.0, 0 }, 1e-14);
    }

    [Fact]
    public void Solve_broadcasts_batch_dims()
    {
        var a = Torch.Stack(new[] { M(new double[,] { { 2, 0 }, { 0, 4 } }), M(new double[,] { { 1, 0 }, { 0, 1 } }) }, 0);
        var b = V(2, 4).Reshape(1, 2, 1).Expand(3, 2, 1);
        var x = Linalg.Solve(a.Unsqueeze(1), b);
        Assert.Equal(new[] { 2, 3, 2, 1 }, x.Shape);
        Expect.Close(x[0, 0], new[] { 1.0, 1 });
        Expect.Close(x[1, 2], new[] { 2.0, 4 });
    }

    [Fact]
    public void Cholesky_of_a_known_matrix_and_its_upper_form()
    {
        var a = M(new double[,] { { 4, 2 }, { 2, 3 } });
        Expect.Close(Linalg.Cholesky(a), new[] { 2, 2 }, new[] { 2, 0, 1, Math.Sqrt(2) }, 1e-14);
        Expect.Close(Linalg.Cholesky(a, upper: true), new[] { 2, 2 }, new[] { 2, 1, 0, Math.Sqrt(2) }, 1e-14);
        var (l, info) = Linalg.CholeskyEx(M(new double[,] { { 1, 2 }, { 2, 1 } }));
        Assert.Equal(2, info.ToInt64());
        Assert.Equal(new[] { 2, 2 }, l.Shape);
    }

    [Fact]
    public void Qr_svd_and_eigh_deconstruct_like_pytorch_named_tuples()
    {
        var a = M(new double[,] { { 3, 0 }, { 4, 5 } });
        var (q, r) = Linalg.Qr(a);
        Expect.Close(q.MatMul(r), new[] { 2, 2 }, new[] { 3.0, 0, 4, 5 }, 1e-14);
        var (u, s, vh) = Linalg.Svd(a);
        // The singular values of [[3, 0], [4, 5]] are 3√5 and √5.
        Expect.Close(s, new[] { 2 }, new[] { 3 * Math.Sqrt(5), Math.Sqrt(5) }, 1e-14);
        Expect.Close((u * s.Unsqueeze(0)).MatMul(vh), new[] { 3.0, 0, 4, 5 }, 1e-14);
        var (values, vectors) = Linalg.Eigh(M(new double[,] { { 2, 1 }, { 1, 2 } }));
        Expect.Close(values, new[] { 2 }, new[] { 1.0, 3 }, 1e-14);
        Expect.Close(vectors.Abs(), new[] { 2, 2 }, Enumerable.Repeat(1 / Math.Sqrt(2), 4).ToArray(), 1e-14);
        Expect.Close(Linalg.Eigvalsh(M(new double[,] { { 2, 1 }, { 1, 2 } })), new[] { 1.0, 3 }, 1e-14);
    }

    [Fact]
    public void Qr_modes_r_and_complete()
    {
        var a = M(new double[,] { { 1, 2 }, { 3, 4 }, { 5, 6 } });
        var (q, r) = Linalg.Qr(a, "r");
        Assert.Equal(new[] { 0 }, q.Shape);
        Assert.Equal(new[] { 2, 2 }, r.Shape);
        var complete = Linalg.Qr(a, "complete");
        Assert.Equal(new[] { 3, 3 }, complete.Q.Shape);
        Assert.Equal(new[] { 3, 2 }, complete.R.Shape);
        Expect.Close(complete.Q.MatMul(complete.R), new[] { 1.0, 2, 3, 4, 5, 6 }, 1e-13);
    }

    [Fact]
    public void Norms_of_a_known_matrix()
    {
        var a = M(new double[,] { { 1, -2 }, { 3, 4 } });
        Expect.Scalar(Linalg.Norm(a), Math.Sqrt(30), 1e-14);
        Expect.Scalar(Linalg.Norm(a, "fro"), Math.Sqrt(30), 1e-14);
        Expect.Scalar(Linalg.Norm(a, 1.0), 6, 1e-14);              // max column sum
        Expect.Scalar(Linalg.Norm(a, double.PositiveInfinity), 7);  // max row sum
        Expect.Scalar(Linalg.Norm(a, -1.0), 4, 1e-14);
        var s = Linalg.Svdvals(a).ToArray<double>();
        Expect.Scalar(Linalg.Norm(a, "nuc"), s[0] + s[1], 1e-14);
        Expect.Scalar(Linalg.Norm(a, 2.0), s[0], 1e-14);
        Expect.Close(Linalg.Norm(a, 1.0, new[] { 1 }), new[] { 2 }, new[] { 3.0, 7 });
        Expect.Close(Linalg.VectorNorm(a, double.NegativeInfinity, new[] { 0 }, keepdim: true), new[] { 1, 2 }, new[] { 1.0, 2 });
        Expect.Close(Linalg.MatrixNorm(a.Unsqueeze(0), "fro", keepdim: true), new[] { 1, 1, 1 }, new[] { Math.Sqrt(30) }, 1e-14);
    }

    [Fact]
    public void Diagonal_with_offsets_of_a_rectangular_batch()
    {
        var a = Torch.Arange(0, 24, 1, DType.Float64).Reshape(2, 3, 4);
        Expect.Close(Linalg.Diagonal(a), new[] { 2, 3 }, new[] { 0.0, 5, 10, 12, 17, 22 });
        Expect.Close(Linalg.Diagonal(a, 1)[0], new[] { 1.0, 6, 11 });
        Expect.Close(Linalg.Diagonal(a, -1)[1], new[] { 16.0, 21 });
        Assert.Equal(new[] { 2, 0 }, Linalg.Diagonal(a, 4).Shape);
    }

    [Fact]
    public void Norm_gradient_at_zero_is_zero_not_nan()
    {
        var x = Torch.Zeros(new[] { 3 }, DType.Float64, requiresGrad: true);
        Linalg.Norm(x).Backward();
        Expect.Close(x.Grad, new[] { 0.0, 0, 0 });
    }

    [Fact]
    public void Rank_pinv_and_lstsq_of_a_rank_deficient_matrix()
    {
        var a = M(new double[,] { { 1, 2 }, { 2, 4 }, { 3, 6 } });
        Assert.Equal(1L, Linalg.MatrixRank(a).ToInt64());
        Assert.Equal(2L, Linalg.MatrixRank(M(new double[,] { { 1, 0 }, { 0, 1e-3 } })).ToInt64());
        Assert.Equal(1L, Linalg.MatrixRank(M(new double[,] { { 1, 0 }, { 0, 1e-3 } }), atol: 1e-2).ToInt64());
        // A = u·vᵀ with u = (1, 2, 3), v = (1, 2): A⁺ = v·uᵀ / (|u|²·|v|²).
        var expected = new double[6];
        for (var i = 0; i < 2; i++)
            for (var j = 0; j < 3; j++)
                expected[i * 3 + j] = (i + 1) * (j + 1) / 70.0;
        Expect.Close(Linalg.Pinv(a), new[] { 2, 3 }, expected, 1e-14);
        var lstsq = Linalg.Lstsq(a, V(1, 2, 3));
        Expect.Close(lstsq.Solution, new[] { 2 }, new[] { 0.2, 0.4 }, 1e-13);      // minimum norm
        Assert.Equal(1L, lstsq.Rank.ToInt64());
        Assert.Equal(0, lstsq.Residuals.NumEl);
    }

    [Fact]
    public void Lstsq_of_a_full_rank_tall_system_returns_residuals_and_optional_singular_values()
    {
        var a = M(new double[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } });
        var (x, residuals, rank, singular) = Linalg.Lstsq(a, M(new double[,] { { 1 }, { 1 }, { 0 } }), driver: "gelsd");
        Expect.Close(x, new[] { 2, 1 }, new[] { 1 / 3.0, 1 / 3.0 }, 1e-14);
        Expect.Close(residuals, new[] { 1 }, new[] { 4 / 3.0 }, 1e-14);
        Assert.Equal(2L, rank.ToInt64());
        Expect.Close(singular, new[] { Math.Sqrt(3), 1 }, 1e-14);
    }

    [Fact]
    public void Float32_in_gives_float32_out()
    {
        var a = M(new double[,] { { 4, 2 }, { 2, 3 } }).Float();
        Assert.Equal(DType.Float32, Linalg.Inv(a).DType);
        Assert.Equal(DType.Float32, Linalg.Det(a).DType);
        Assert.Equal(DType.Float32, Linalg.Cholesky(a).DType);
        Assert.Equal(DType.Float32, Linalg.Svd(a).U.DType);
        Assert.Equal(DType.Float32, Linalg.Eigh(a).Eigenvalues.DType);
        Expect.Close(Linalg.Inv(a), new[] { 0.375, -0.25, -0.25, 0.5 }, 1e-7);
    }

    [Fact]
    public void Graph_nodes_carry_pytorch_names_and_gradients_flow()
    {
        var a = M(new double[,] { { 4, 7 }, { 2, 6 } }).RequiresGrad_();
        Assert.Equal("LinalgInvExBackward0", Linalg.Inv(a).GradFn.Name);
        Assert.Equal("LinalgDetBackward0", Linalg.Det(a).GradFn.Name);
        Assert.Equal("LinalgCholeskyExBackward0", Linalg.Cholesky(a.MatMul(a.T)).GradFn.Name);
        Linalg.Det(a).Backward();
        // ∂det/∂A = det·A⁻ᵀ = [[6, −2], [−7, 4]].
        Expect.Close(a.Grad, new[] { 6.0, -2, -7, 4 }, 1e-13);
        var x = V(0.5, 2.5).RequiresGrad_();
        x.Lgamma().Sum().Backward();
        Expect.Close(x.Grad, x.Digamma().ToArray<double>().Select(v => v).ToArray(), 1e-15);
        Assert.Equal("LgammaBackward0", x.Lgamma().GradFn.Name);
    }

    [Fact]
    public void Det_of_a_singular_matrix_has_the_cofactor_gradient()
    {
        var a = M(new double[,] { { 1, 2 }, { 2, 4 } }).RequiresGrad_();
        var d = Linalg.Det(a);
        Expect.Scalar(d, 0);
        d.Backward();
        Expect.Close(a.Grad, new[] { 4.0, -2, -2, 1 }, 1e-12);   // cofactor matrix of [[1, 2], [2, 4]]
    }

    [Fact]
    public void Second_derivatives_of_det_through_autograd()
    {
        // d²det/dA² contracted: for 2×2, det = a·d − b·c, so ∂²det/∂a∂d = 1.
        var a = M(new double[,] { { 1, 2 }, { 3, 5 } }).RequiresGrad_();
        var g = Autograd.Grad(Linalg.Det(a), a, createGraph: true)[0];
        var h = Autograd.Grad(g[0, 0], a)[0];
        Expect.Close(h, new[] { 0.0, 0, 0, 1 }, 1e-12);
    }
}
