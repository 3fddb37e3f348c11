using Xunit;

namespace Hybrid.Unit;

/// <summary>Repeat and Tile: values and gradients worked out by hand, and refusals.</summary>
public class RepeatTests
{
    [Fact]
    public void Repeat_copies_along_each_dim_and_adds_leading_dims()
    {
        var x = Torch.Tensor(new[,] { { 1f, 2f }, { 3f, 4f } });
        Expect.Close(x.Repeat(1, 2), new[] { 2, 4 }, new double[] { 1, 2, 1, 2, 3, 4, 3, 4 });
        Expect.Close(x.Repeat(2, 1), new[] { 4, 2 }, new double[] { 1, 2, 3, 4, 1, 2, 3, 4 });
        Expect.Close(Torch.Tensor(new[] { 5f, 6f }).Repeat(2, 2), new[] { 2, 4 }, new double[] { 5, 6, 5, 6, 5, 6, 5, 6 });
        Assert.Equal(new[] { 2, 0, 2 }, x.Repeat(2, 0, 1).Shape);
    }

    [Fact]
    public void The_gradient_of_a_repeat_sums_the_copies()
    {
        var x = Torch.Tensor(new[] { 1f, 2f }, requiresGrad: true);
        (x.Repeat(3) * Torch.Tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f })).Sum().Backward();
        Expect.Close(x.Grad, new double[] { 1 + 3 + 5, 2 + 4 + 6 });
    }

    [Fact]
    public void Tile_counts_dims_from_the_last()
    {
        var x = Torch.Tensor(new[,] { { 1f, 2f } });
        Expect.Close(x.Tile(2), new[] { 1, 4 }, new double[] { 1, 2, 1, 2 });
        Expect.Close(Torch.Tile(x, 2, 1, 1), new[] { 2, 1, 2 }, new double[] { 1, 2, 1, 2 });
    }

    [Fact]
    public void Repeat_refuses_too_few_repeats_and_negative_ones()
    {
        var x = Torch.Zeros(2, 2);
        var few = Assert.Throws<ArgumentException>(() => x.Repeat(2));
        Assert.Contains("can not be smaller than number of dimensions of tensor (1 < 2)", few.Message);
        var negative = Assert.Throws<ArgumentException>(() => x.Repeat(1, -1));
        Assert.Contains("negative dimension in repeats (1, -1)", negative.Message);
    }
}
