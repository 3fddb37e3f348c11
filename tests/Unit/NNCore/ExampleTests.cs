using Hybrid.Examples;
using Xunit;

namespace Hybrid.Unit.NNCore;

public class ExampleTests
{
    [Fact]
    public void Optimizer_comparison_every_optimizer_lowers_the_loss_and_adaptive_ones_beat_plain_SGD()
    {
        var losses = Comparison.Run();
        Assert.Equal(new[] { "SGD", "Momentum", "RMSprop", "Adam" }, losses.Keys);
        foreach (var (name, curve) in losses)
        {
            Assert.Equal(12 * 32, curve.Count);   // 12 epochs × ⌈1000 / 32⌉ batches
            var first = curve.Take(30).Average();
            var last = curve.TakeLast(30).Average();
            Assert.True(last < first, $"{name}: loss went from {first} to {last}");
        }
        // y = x² + 0.1·U(0,1) has variance ≈ 0.1²/12 around its mean: a good fit gets near 1e-3.
        Assert.True(losses["Adam"].TakeLast(30).Average() < 0.01);
        Assert.True(losses["RMSprop"].TakeLast(30).Average() < 0.01);
    }

    [Fact]
    public void Optimizer_comparison_is_deterministic_for_a_seed()
    {
        Assert.Equal(Comparison.Run(epochs: 1)["Adam"], Comparison.Run(epochs: 1)["Adam"]);
    }
}
