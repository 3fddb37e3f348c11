using Xunit;

namespace Hybrid.Unit;

/// <summary>Seeded random tensors; these use the default generator, so they run alone.</summary>
[Collection("DefaultGenerator")]
public class RandomTests
{
    [Fact]
    public void ManualSeed_makes_Randn_repeat_exactly()
    {
        Torch.ManualSeed(1234);
        var a = Torch.Randn(3, 4).ToArray<float>();
        var a2 = Torch.Randn(3, 4).ToArray<float>();
        Torch.ManualSeed(1234);
        var b = Torch.Randn(3, 4).ToArray<float>();
        Assert.Equal(a, b);
        Assert.NotEqual(a, a2);
    }

    [Fact]
    public void ManualSeed_makes_Rand_and_RandInt_repeat()
    {
        Torch.ManualSeed(7);
        var r = Torch.Rand(5).ToArray<float>();
        var i = Torch.RandInt(100, new[] { 5 }).ToArray<long>();
        Torch.ManualSeed(7);
        Assert.Equal(r, Torch.Rand(5).ToArray<float>());
        Assert.Equal(i, Torch.RandInt(100, new[] { 5 }).ToArray<long>());
    }

    [Fact]
    public void Different_seeds_give_different_numbers()
    {
        Torch.ManualSeed(1);
        var a = Torch.Rand(8).ToArray<float>();
        Torch.ManualSeed(2);
        Assert.NotEqual(a, Torch.Rand(8).ToArray<float>());
    }

    [Fact]
    public void RandLike_and_RandnLike_copy_shape_and_dtype()
    {
        var x = Torch.Zeros(new[] { 2, 3 }, DType.Float64);
        Assert.Equal(new[] { 2, 3 }, Torch.RandLike(x).Shape);
        Assert.Equal(DType.Float64, Torch.RandnLike(x).DType);
    }

    [Fact]
    public void Explicit_generator_with_one_seed_gives_one_stream()
    {
        var a = Torch.Randn(new[] { 10 }, DType.Float64, new Generator(99)).ToArray<double>();
        var b = Torch.Randn(new[] { 10 }, DType.Float64, new Generator(99)).ToArray<double>();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Rand_is_uniform_in_zero_one()
    {
        var g = new Generator(5);
        var r = Torch.Rand(new[] { 20000 }, DType.Float64, g).ToArray<double>();
        Assert.All(r, v => Assert.InRange(v, 0.0, 0.99999999999));
        Assert.InRange(r.Average(), 0.49, 0.51);
        Assert.InRange(r.Count(v => v < 0.25) / 20000.0, 0.24, 0.26);
    }

    [Fact]
    public void Randn_has_mean_zero_and_unit_variance()
    {
        var r = Torch.Randn(new[] { 20000 }, DType.Float64, new Generator(11)).ToArray<double>();
        var mean = r.Average();
        var sd = Math.Sqrt(r.Select(v => (v - mean) * (v - mean)).Sum() / (r.Length - 1));
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(sd, 0.97, 1.03);
        Assert.InRange(r.Count(v => Math.Abs(v) < 1) / 20000.0, 0.67, 0.70);   // 68.3% within 1σ
    }

    [Fact]
    public void RandInt_stays_in_the_half_open_range_and_hits_every_value()
    {
        var r = Torch.RandInt(3, 7, new[] { 2000 }, generator: new Generator(3));
        Assert.Equal(DType.Int64, r.DType);
        var v = r.ToArray<long>();
        Assert.All(v, x => Assert.InRange(x, 3L, 6L));
        Assert.Equal(new long[] { 3, 4, 5, 6 }, v.Distinct().OrderBy(x => x).ToArray());
    }
}
