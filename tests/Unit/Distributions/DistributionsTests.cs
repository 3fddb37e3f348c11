using Hybrid.Distributions;
using Xunit;

namespace Hybrid.Unit;

/// <summary>torch.distributions: sample moments within statistical bounds (fixed seeds), LogProb
/// against closed forms, RSample gradients by GradCheck and by known derivatives of moments, KL
/// closed forms against Monte-Carlo estimates. Every bound is z = 5 standard errors (a false
/// failure probability of about 6e-7 per check, were the seeds not fixed).</summary>
public class DistributionsTests
{
    const int N = 40_000;
    const double Z = 5;

    static Tensor V(params double[] v) => Torch.Tensor(v);
    static Tensor S(double v) => Torch.Tensor(v);
    static Generator Gen(ulong seed) => new(seed);

    /// <summary>Mean and variance of N draws against the distribution's Mean and Variance: the
    /// sample mean within Z·σ/√N; the sample variance within Z standard errors estimated from
    /// the draws' own fourth moment.</summary>
    static void MomentsMatch(Distribution d, ulong seed)
    {
        var x = d.Sample(new[] { N }, Gen(seed)).Double();
        Assert.Equal(new[] { N }.Concat(d.BatchShape).Concat(d.EventShape).ToArray(), x.Shape);
        var mean = Expect.Values(x.Mean(0));
        var mu = Expect.Values(d.Mean.Expand(x.Shape[1..]));
        var variance = Expect.Values(d.Variance.Expand(x.Shape[1..]));
        var centered = x - x.Mean(0, true);
        var sampleVar = Expect.Values((centered * centered).Mean(0));
        var fourth = Expect.Values((centered * centered * centered * centered).Mean(0));
        for (var i = 0; i < mu.Length; i++)
        {
            var seMean = Math.Sqrt(variance[i] / N);
            Assert.True(Math.Abs(mean[i] - mu[i]) <= Z * seMean + 1e-12, $"{d}: element {i} mean {mean[i]} vs {mu[i]} (se {seMean})");
            var seVar = Math.Sqrt(Math.Max(fourth[i] - sampleVar[i] * sampleVar[i], 0) / N);
            Assert.True(Math.Abs(sampleVar[i] - variance[i]) <= Z * seVar + 1e-12, $"{d}: element {i} variance {sampleVar[i]} vs {variance[i]} (se {seVar})");
        }
    }

    [Fact] public void Normal_moments() => MomentsMatch(new Normal(V(0, 1.5), V(1, 0.3)), 1);
    [Fact] public void Uniform_moments() => MomentsMatch(new Uniform(V(0, -2), V(1, 5)), 2);
    [Fact] public void Bernoulli_moments() => MomentsMatch(new Bernoulli(probs: V(0.1, 0.5, 0.95)), 3);
    [Fact] public void Bernoulli_from_logits_moments() => MomentsMatch(new Bernoulli(logits: V(-2, 0, 3)), 4);
    [Fact] public void Multinomial_moments() => MomentsMatch(new Multinomial(7, probs: V(0.2, 0.3, 0.5)), 5);
    [Fact] public void Beta_moments() => MomentsMatch(new Beta(V(0.5, 2, 5), V(0.5, 3, 1)), 6);
    [Fact] public void Gamma_moments() => MomentsMatch(new Gamma(V(0.3, 1, 2.5, 9), V(1, 2, 0.5, 3)), 7);
    [Fact] public void Dirichlet_moments() => MomentsMatch(new Dirichlet(V(0.4, 2, 3)), 8);
    [Fact] public void Exponential_moments() => MomentsMatch(new Exponential(V(0.5, 4)), 9);
    [Fact] public void Laplace_moments() => MomentsMatch(new Laplace(V(-1, 2), V(0.5, 2)), 10);

    [Fact]
    public void Multivariate_normal_moments_and_covariance()
    {
        var cov = Torch.Tensor(new double[,] { { 2, 0.6 }, { 0.6, 1 } });
        var d = new MultivariateNormal(V(1, -1), covarianceMatrix: cov);
        MomentsMatch(d, 11);
        var x = d.Sample(new[] { N }, Gen(12));
        var c = x - x.Mean(0, true);
        var sampleCov = Expect.Values(c.T.MatMul(c) / N);
        // Var of a sample covariance entry: (σ_ij² + σ_ii·σ_jj)/N for a normal.
        var sigma = Expect.Values(cov);
        int[][] pairs = { new[] { 0, 0 }, new[] { 0, 1 }, new[] { 1, 1 } };
        foreach (var p in pairs)
        {
            var (i, j) = (p[0], p[1]);
            var se = Math.Sqrt((sigma[i * 2 + j] * sigma[i * 2 + j] + sigma[i * 2 + i] * sigma[j * 2 + j]) / N);
            Assert.True(Math.Abs(sampleCov[i * 2 + j] - sigma[i * 2 + j]) <= Z * se, $"cov[{i},{j}] = {sampleCov[i * 2 + j]}");
        }
        Expect.Close(d.CovarianceMatrix, new[] { 2, 0.6, 0.6, 1 }, 1e-14);
        Expect.Close(new MultivariateNormal(V(0, 0), precisionMatrix: Linalg.Inv(cov)).CovarianceMatrix, new[] { 2, 0.6, 0.6, 1 }, 1e-12);
        Expect.Close(new MultivariateNormal(V(0, 0), scaleTril: Linalg.Cholesky(cov)).CovarianceMatrix, new[] { 2, 0.6, 0.6, 1 }, 1e-14);
    }

    [Fact]
    public void Categorical_frequencies()
    {
        var p = new[] { 0.1, 0.0, 0.6, 0.3 };
        var d = new Categorical(probs: V(p).Mul(S(5)));          // unnormalized probs are normalized
        var x = d.Sample(new[] { N }, Gen(13));
        Assert.Equal(DType.Int64, x.DType);
        for (var k = 0; k < p.Length; k++)
        {
            var freq = x.Eq(k).Double().Mean().ToDouble();
            Assert.True(Math.Abs(freq - p[k]) <= Z * Math.Sqrt(p[k] * (1 - p[k]) / N), $"category {k}: {freq} vs {p[k]}");
        }
        Assert.Equal(new[] { 3, 2 }, new Categorical(logits: Torch.Zeros(new[] { 2, 5 }, DType.Float64)).Sample(new[] { 3 }, Gen(1)).Shape);
    }

    [Fact]
    public void Sampling_is_reproducible_from_a_seed_and_shapes_compose()
    {
        var d = new Gamma(V(0.5, 3), V(1, 1));
        Assert.True(d.Sample(new[] { 5 }, Gen(42)).Equal(d.Sample(new[] { 5 }, Gen(42))));
        Assert.False(d.Sample(new[] { 5 }, Gen(42)).Equal(d.Sample(new[] { 5 }, Gen(43))));
        Assert.Equal(new[] { 4, 3, 2 }, d.Sample(new[] { 4, 3 }, Gen(1)).Shape);
        Assert.Equal(new[] { 2 }, d.Sample().Shape);
        Assert.Equal(new[] { 6, 3 }, new Dirichlet(V(1, 2, 3)).Sample(new[] { 6 }, Gen(1)).Shape);
    }

    // ---- log densities against closed forms ----

    [Fact]
    public void Log_probs_match_closed_forms()
    {
        Expect.Scalar(new Normal(1.0, 2.0).LogProb(S(2)), -Math.Log(2) - 0.5 * Math.Log(2 * Math.PI) - 0.125, 1e-6);
        Expect.Scalar(new Normal(S(1), S(2)).LogProb(S(2)), -Math.Log(2) - 0.5 * Math.Log(2 * Math.PI) - 0.125, 1e-14);
        Expect.Scalar(new Uniform(S(-1), S(3)).LogProb(S(0)), -Math.Log(4), 1e-14);
        Expect.Close(new Bernoulli(probs: V(0.3, 0.3)).LogProb(V(1, 0)), new[] { Math.Log(0.3), Math.Log(0.7) }, 1e-14);
        Expect.Close(new Categorical(logits: V(1, 2, 3)).LogProb(Torch.Tensor(new long[] { 2, 0 })),
            new[] { 3 - Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)), 1 - Math.Log(Math.Exp(1) + Math.Exp(2) + Math.Exp(3)) }, 1e-14);
        Expect.Scalar(new Multinomial(4, probs: V(0.2, 0.3, 0.5)).LogProb(V(1, 1, 2)), Math.Log(12 * 0.2 * 0.3 * 0.25), 1e-14);
        Expect.Scalar(new Beta(S(2), S(3)).LogProb(S(0.3)), Math.Log(12 * 0.3 * 0.49), 1e-14);
        Expect.Scalar(new Gamma(S(3), S(2)).LogProb(S(1.5)), 3 * Math.Log(2) + 2 * Math.Log(1.5) - 3 - Math.Log(2), 1e-14);
        Expect.Scalar(new Dirichlet(V(2, 3, 4)).LogProb(V(0.2, 0.3, 0.5)), Math.Log(3360 * 0.2 * 0.09 * 0.125), 1e-13);
        Expect.Scalar(new Dirichlet(V(1, 1, 1)).LogProb(V(0.1, 0.1, 0.8)), Math.Log(2), 1e-14);
        Expect.Scalar(new Exponential(S(2)).LogProb(S(0.7)), Math.Log(2) - 1.4, 1e-14);
        Expect.Scalar(new Laplace(S(1), S(0.5)).LogProb(S(2)), -2, 1e-14);
        // Σ = [[2, 0.5], [0.5, 1]]: det 1.75, Σ⁻¹ = [[1, −0.5], [−0.5, 2]] / 1.75.
        var d = new[] { 0.5, -1.0 };
        var quad = (d[0] * d[0] - d[0] * d[1] + 2 * d[1] * d[1]) / 1.75;
        var mvn = new MultivariateNormal(V(1, 0), covarianceMatrix: Torch.Tensor(new double[,] { { 2, 0.5 }, { 0.5, 1 } }));
        Expect.Scalar(mvn.LogProb(V(1.5, -1)), -Math.Log(2 * Math.PI) - 0.5 * Math.Log(1.75) - 0.5 * quad, 1e-14);
    }

    [Fact]
    public void Log_prob_broadcasts_values_against_the_batch()
    {
        var d = new Normal(V(0, 1, 2), V(1, 1, 1));
        Assert.Equal(new[] { 4, 3 }, d.LogProb(Torch.Zeros(new[] { 4, 1 }, DType.Float64)).Shape);
        var mvn = new MultivariateNormal(Torch.Zeros(new[] { 3, 2 }, DType.Float64), scaleTril: Torch.Eye(2, dtype: DType.Float64));
        Assert.Equal(new[] { 5, 3 }, mvn.LogProb(Torch.Zeros(new[] { 5, 1, 2 }, DType.Float64)).Shape);
        Assert.Equal(new[] { 3 }, mvn.Entropy().Shape);
    }

    /// <summary>Entropy against −E[log p(x)] by Monte Carlo.</summary>
    [Fact]
    public void Entropies_match_monte_carlo_estimates()
    {
        Distribution[] ds =
        {
            new Normal(S(0.5), S(2)), new Uniform(S(-1), S(2)), new Bernoulli(probs: S(0.3)), new Categorical(probs: V(0.2, 0.3, 0.5)),
            new Multinomial(3, probs: V(0.2, 0.3, 0.5)), new Beta(S(2), S(0.7)), new Gamma(S(0.8), S(2)), new Dirichlet(V(0.7, 2, 3)),
            new Exponential(S(3)), new Laplace(S(0), S(1.5)),
            new MultivariateNormal(V(0, 0), covarianceMatrix: Torch.Tensor(new double[,] { { 2, 0.6 }, { 0.6, 1 } })),
        };
        ulong seed = 100;
        foreach (var d in ds)
        {
            var lp = d.LogProb(d.Sample(new[] { N }, Gen(seed++))).Double();
            var estimate = -lp.Mean().ToDouble();
            var se = lp.Std().ToDouble() / Math.Sqrt(N);
            var exact = d.Entropy().ToDouble();
            Assert.True(Math.Abs(estimate - exact) <= Z * se + 1e-12, $"{d}: entropy {exact}, Monte Carlo {estimate} ± {se}");
        }
    }

    [Fact]
    public void Normal_cdf_and_icdf_are_inverse_and_match_known_quantiles()
    {
        var d = new Normal(S(1), S(2));
        Expect.Scalar(d.Cdf(S(1)), 0.5, 1e-15);
        Expect.Scalar(d.Icdf(S(0.975)), 1 + 2 * 1.959963984540054, 1e-12);
        Expect.Close(d.Cdf(d.Icdf(V(0.01, 0.3, 0.9))), new[] { 0.01, 0.3, 0.9 }, 1e-13);
        Expect.Close(new Exponential(S(2)).Icdf(new Exponential(S(2)).Cdf(V(0.1, 3))), new[] { 0.1, 3 }, 1e-12);
    }

    // ---- reparameterized samples ----

    [Fact]
    public void Rsample_gradients_pass_gradcheck()
    {
        Assert.True(GradCheck.Check(p => new Normal(p[0], p[1]).RSample(new[] { 4 }, Gen(1)), new[] { V(0.5, -1), V(1.5, 0.7) }));
        Assert.True(GradCheck.Check(p => new Uniform(p[0], p[1]).RSample(new[] { 4 }, Gen(2)), new[] { V(0.5, -1), V(1.5, 0.7) }));
        Assert.True(GradCheck.Check(p => new Exponential(p[0]).RSample(new[] { 4 }, Gen(3)), new[] { V(0.5, 2) }));
        Assert.True(GradCheck.Check(p => new Laplace(p[0], p[1]).RSample(new[] { 4 }, Gen(4)), new[] { V(0.5, -1), V(1.5, 0.7) }));
        Assert.True(GradCheck.Check(p =>
            new MultivariateNormal(p[0], covarianceMatrix: p[1].MatMul(p[1].T) + Torch.Eye(2, dtype: DType.Float64)).RSample(new[] { 3 }, Gen(5)),
            new[] { V(0.5, -1), Torch.Tensor(new double[,] { { 1, 0.2 }, { -0.3, 0.8 } }) }));
        Assert.True(GradCheck.GradGradCheck(p => new Normal(p[0], p[1]).RSample(new[] { 3 }, Gen(6)).Pow(2), new[] { V(0.5), V(1.5) }));
    }

    /// <summary>Gamma, Beta and Dirichlet use implicit reparameterization, whose gradient is not
    /// the pathwise derivative of the rejection sampler (so finite differences of a seeded draw do
    /// not apply); it is checked through derivatives of known expectations instead:
    /// d/dα E[x] and d/dα E[log x] for Gamma, d/dα E[x] for Beta and Dirichlet.</summary>
    [Fact]
    public void Implicit_reparameterization_gradients_match_derivatives_of_expectations()
    {
        foreach (var (a, rate) in new[] { (0.3, 1.0), (1.0, 2.0), (4.0, 0.5) })
        {
            var alpha = S(a).RequiresGrad_();
            var beta = S(rate).RequiresGrad_();
            var x = new Gamma(alpha, beta).RSample(new[] { N }, Gen(20));
            var g = Autograd.Grad(new[] { x.Mean() }, new[] { alpha, beta }, retainGraph: true);
            // E[x] = α/β, so dE[x]/dα = 1/β and dE[x]/dβ = −α/β².
            Assert.True(Math.Abs(g[0].ToDouble() - 1 / rate) <= 0.02 / rate, $"Gamma({a}, {rate}): dE[x]/dα = {g[0].ToDouble()}, expected {1 / rate}");
            Assert.True(Math.Abs(g[1].ToDouble() + a / (rate * rate)) <= 0.02 * a / (rate * rate), $"dE[x]/dβ = {g[1].ToDouble()}");
            var dLog = Autograd.Grad(x.Log().Mean(), alpha)[0].ToDouble();
            var trigamma = S(a).Polygamma(1).ToDouble();
            Assert.True(Math.Abs(dLog - trigamma) <= 0.02 * trigamma, $"Gamma({a}): dE[log x]/dα = {dLog}, expected trigamma = {trigamma}");
        }
        var a1 = S(2).RequiresGrad_();
        var b1 = S(3).RequiresGrad_();
        var beta2 = new Beta(a1, b1).RSample(new[] { N }, Gen(21));
        var gb = Autograd.Grad(new[] { beta2.Mean() }, new[] { a1, b1 });
        Assert.True(Math.Abs(gb[0].ToDouble() - 3.0 / 25) <= 0.005, $"Beta: dE[x]/dα = {gb[0].ToDouble()}, expected {3.0 / 25}");
        Assert.True(Math.Abs(gb[1].ToDouble() + 2.0 / 25) <= 0.005, $"Beta: dE[x]/dβ = {gb[1].ToDouble()}, expected {-2.0 / 25}");
        var conc = V(1, 2, 3).RequiresGrad_();
        var dir = new Dirichlet(conc).RSample(new[] { N }, Gen(22));
        var gd = Autograd.Grad(dir.Select(-1, 0).Mean(), conc)[0].ToArray<double>();
        // E[x₀] = α₀/α₀₊: ∂/∂α₀ = (α₀₊ − α₀)/α₀₊² = 5/36, ∂/∂α₁ = −α₀/α₀₊² = −1/36.
        Assert.True(Math.Abs(gd[0] - 5.0 / 36) <= 0.005 && Math.Abs(gd[1] + 1.0 / 36) <= 0.005, $"Dirichlet: {string.Join(", ", gd)}");
    }

    [Fact]
    public void Discrete_distributions_have_no_rsample()
    {
        Assert.False(new Bernoulli(probs: S(0.5)).HasRSample);
        Assert.Throws<NotSupportedException>(() => new Bernoulli(probs: S(0.5)).RSample());
        Assert.Throws<NotSupportedException>(() => new Categorical(probs: V(0.5, 0.5)).RSample());
        Assert.Throws<NotSupportedException>(() => new Multinomial(2, probs: V(0.5, 0.5)).RSample());
        Assert.True(new Gamma(S(1), S(1)).HasRSample);
    }

    // ---- KL divergence ----

    static void KlMatchesMonteCarlo(Distribution p, Distribution q, ulong seed)
    {
        var x = p.Sample(new[] { N }, Gen(seed));
        var terms = (p.LogProb(x) - q.LogProb(x)).Double();
        var estimate = terms.Mean().ToDouble();
        var se = terms.Std().ToDouble() / Math.Sqrt(N);
        var exact = KL.Divergence(p, q).ToDouble();
        Assert.True(Math.Abs(estimate - exact) <= Z * se + 1e-12, $"KL({p} || {q}) = {exact}, Monte Carlo {estimate} ± {se}");
    }

    [Fact] public void Kl_normal() => KlMatchesMonteCarlo(new Normal(S(0), S(1)), new Normal(S(0.5), S(2)), 30);
    [Fact] public void Kl_bernoulli() => KlMatchesMonteCarlo(new Bernoulli(probs: S(0.3)), new Bernoulli(logits: S(0.4)), 31);
    [Fact] public void Kl_categorical() => KlMatchesMonteCarlo(new Categorical(probs: V(0.2, 0.3, 0.5)), new Categorical(probs: V(0.4, 0.4, 0.2)), 32);
    [Fact] public void Kl_exponential() => KlMatchesMonteCarlo(new Exponential(S(2)), new Exponential(S(0.5)), 33);
    [Fact] public void Kl_uniform() => KlMatchesMonteCarlo(new Uniform(S(0), S(1)), new Uniform(S(-1), S(2)), 34);
    [Fact] public void Kl_beta() => KlMatchesMonteCarlo(new Beta(S(2), S(3)), new Beta(S(1.5), S(0.8)), 35);
    [Fact] public void Kl_gamma() => KlMatchesMonteCarlo(new Gamma(S(2), S(1)), new Gamma(S(3), S(2)), 36);
    [Fact] public void Kl_laplace() => KlMatchesMonteCarlo(new Laplace(S(0), S(1)), new Laplace(S(0.5), S(2)), 37);
    [Fact] public void Kl_dirichlet() => KlMatchesMonteCarlo(new Dirichlet(V(1, 2, 3)), new Dirichlet(V(2, 2, 2)), 38);

    [Fact]
    public void Kl_multivariate_normal_batched()
    {
        var p = new MultivariateNormal(V(1, -1), covarianceMatrix: Torch.Tensor(new double[,] { { 2, 0.6 }, { 0.6, 1 } }));
        var q = new MultivariateNormal(V(0, 0.5), covarianceMatrix: Torch.Tensor(new double[,] { { 1, 0 }, { 0, 3 } }));
        KlMatchesMonteCarlo(p, q, 39);
        var batched = new MultivariateNormal(Torch.Zeros(new[] { 3, 2 }, DType.Float64), scaleTril: Torch.Eye(2, dtype: DType.Float64));
        Assert.Equal(new[] { 3 }, KL.Divergence(batched, q).Shape);
    }

    [Fact]
    public void Kl_edge_cases_and_gradients()
    {
        Assert.Equal(double.PositiveInfinity, KL.Divergence(new Uniform(S(-1), S(2)), new Uniform(S(0), S(1))).ToDouble());
        Assert.Equal(double.PositiveInfinity, KL.Divergence(new Bernoulli(probs: S(0.5)), new Bernoulli(probs: S(0))).ToDouble());
        Expect.Scalar(KL.Divergence(new Categorical(probs: V(0, 1)), new Categorical(probs: V(0.5, 0.5))), Math.Log(2), 1e-14);
        Expect.Scalar(KL.Divergence(new Normal(S(1), S(2)), new Normal(S(1), S(2))), 0, 1e-15);
        Assert.True(GradCheck.GradGradCheck(p => KL.Divergence(new Gamma(p[0], p[1]), new Gamma(p[1], p[0])), new[] { V(1.5, 0.7), V(0.8, 2) }));
        Assert.True(GradCheck.GradGradCheck(p => KL.Divergence(new Beta(p[0], p[1]), new Beta(p[1], p[0])), new[] { V(1.5, 0.7), V(0.8, 2) }));
        Assert.True(GradCheck.Check(p => KL.Divergence(new Normal(p[0], p[1]), new Normal(S(0), S(1))), new[] { V(0.5, -1), V(1.5, 0.7) }));
    }

    [Fact]
    public void Kl_of_an_unregistered_pair_is_not_supported_until_registered()
    {
        var e = Assert.Throws<NotSupportedException>(() => KL.Divergence(new Normal(S(0), S(1)), new Laplace(S(0), S(1))));
        Assert.Equal("No KL(p || q) is implemented for p = Normal and q = Laplace", e.Message);
    }

    // ---- log-prob gradients ----

    [Fact]
    public void Log_prob_gradients_pass_gradcheck_to_second_order()
    {
        Assert.True(GradCheck.GradGradCheck(p => new Gamma(p[0], p[1]).LogProb(V(0.5, 2)), new[] { V(1.5, 0.7), V(0.8, 2) }));
        Assert.True(GradCheck.GradGradCheck(p => new Dirichlet(p[0]).LogProb(V(0.2, 0.3, 0.5)), new[] { V(1.5, 0.7, 3) }));
        Assert.True(GradCheck.GradGradCheck(p => new Categorical(logits: p[0]).LogProb(Torch.Tensor(new long[] { 1, 2 })), new[] { V(0.1, -0.4, 0.7) }));
        var lower = Torch.Tensor(new double[,] { { 1, 0 }, { 1, 1 } });   // finite differences must not leave the triangle
        Assert.True(GradCheck.Check(p => new MultivariateNormal(p[0], scaleTril: p[1] * lower).LogProb(V(0.3, 0.1)),
            new[] { V(0.5, -1), Torch.Tensor(new double[,] { { 1.2, 0 }, { -0.3, 0.8 } }) }));
        Assert.True(GradCheck.Check(p => new Multinomial(3, logits: p[0]).LogProb(V(1, 0, 2)) + new Multinomial(3, logits: p[0]).Entropy(), new[] { V(0.1, -0.4, 0.7) }));
    }

    // ---- bad input ----

    [Fact]
    public void Invalid_parameters_are_rejected_with_the_constraint()
    {
        var e = Assert.Throws<ArgumentException>(() => new Normal(V(0, 0), V(1, -1)));
        Assert.StartsWith("Expected parameter scale (Tensor of shape (2)) of distribution Normal to satisfy the constraint GreaterThan(lower_bound=0.0), but found invalid values:", e.Message);
        Assert.Contains("Interval(lower_bound=0.0, upper_bound=1.0)", Assert.Throws<ArgumentException>(() => new Bernoulli(probs: S(1.5))).Message);
        Assert.Equal("Either `probs` or `logits` must be specified, but not both.", Assert.Throws<ArgumentException>(() => new Categorical(probs: V(0.5, 0.5), logits: V(0, 0))).Message);
        Assert.Equal("Either `probs` or `logits` must be specified, but not both.", Assert.Throws<ArgumentException>(() => new Bernoulli()).Message);
        Assert.Equal("Uniform is not defined when low >= high", Assert.Throws<ArgumentException>(() => new Uniform(S(1), S(1))).Message);
        Assert.Contains("concentration", Assert.Throws<ArgumentException>(() => new Gamma(S(0), S(1))).Message);
        Assert.Contains("PositiveDefinite()", Assert.Throws<ArgumentException>(() =>
            new MultivariateNormal(V(0, 0), covarianceMatrix: Torch.Tensor(new double[,] { { 1, 2 }, { 2, 1 } }))).Message);
        Assert.Contains("LowerCholesky()", Assert.Throws<ArgumentException>(() =>
            new MultivariateNormal(V(0, 0), scaleTril: Torch.Tensor(new double[,] { { 1, 2 }, { 0, 1 } }))).Message);
        Assert.Equal("Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.",
            Assert.Throws<ArgumentException>(() => new MultivariateNormal(V(0, 0))).Message);
        Assert.Contains("does not match loc", Assert.Throws<ArgumentException>(() =>
            new MultivariateNormal(V(0, 0, 0), covarianceMatrix: Torch.Eye(2, dtype: DType.Float64))).Message);
        Assert.Contains("cannot be broadcast", Assert.Throws<ArgumentException>(() => new Normal(V(0, 0), V(1, 1, 1))).Message);
    }

    [Fact]
    public void Values_outside_the_support_or_of_the_wrong_shape_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new Bernoulli(probs: V(0.5, 0.5)).LogProb(V(1, 0.5)));
        Assert.StartsWith("Expected value argument (Tensor of shape (2)) to be within the support (Boolean()) of the distribution Bernoulli(probs: (2)), but found invalid values:", e.Message);
        Assert.Contains("IntegerInterval(lower_bound=0, upper_bound=2)", Assert.Throws<ArgumentException>(() => new Categorical(probs: V(0.2, 0.3, 0.5)).LogProb(Torch.Tensor(new long[] { 3 }))).Message);
        Assert.Contains("GreaterThanEq(lower_bound=0.0)", Assert.Throws<ArgumentException>(() => new Exponential(S(1)).LogProb(S(-1))).Message);
        Assert.Contains("Simplex()", Assert.Throws<ArgumentException>(() => new Dirichlet(V(1, 1)).LogProb(V(0.5, 0.6))).Message);
        Assert.Equal("The right-most size of value must match event_shape: (3) vs (2).",
            Assert.Throws<ArgumentException>(() => new Dirichlet(V(1, 1)).LogProb(V(0.2, 0.3, 0.5))).Message);
        Assert.Equal("Value is not broadcastable with batch_shape+event_shape: (4) vs (3).",
            Assert.Throws<ArgumentException>(() => new Normal(V(0, 0, 0), V(1, 1, 1)).LogProb(Torch.Zeros(new[] { 4 }, DType.Float64))).Message);
    }
}

/// <summary>Distribution.ValidateArgs is process-wide: the test that turns it off runs alone.</summary>
[CollectionDefinition("DistributionValidation", DisableParallelization = true)]
public sealed class DistributionsValidationCollection { }

[Collection("DistributionValidation")]
public class DistributionsValidationTests
{
    [Fact]
    public void Validation_can_be_turned_off_as_validate_args_false()
    {
        Distribution.ValidateArgs = false;
        try
        {
            Assert.Equal(double.NegativeInfinity, new Uniform(Torch.Tensor(0.0), Torch.Tensor(1.0)).LogProb(Torch.Tensor(2.0)).ToDouble());
            Assert.True(double.IsNaN(new Normal(Torch.Tensor(0.0), Torch.Tensor(-1.0)).LogProb(Torch.Tensor(0.0)).ToDouble()));
        }
        finally
        {
            Distribution.ValidateArgs = true;
        }
    }
}
