using Xunit;

namespace Hybrid.Unit;

/// <summary>Flip and Roll: orders worked out by hand, gradients and refusals.</summary>
public class RearrangingTests
{
    static Tensor Matrix() => Torch.Tensor(new[,] { { 1f, 2f, 3f }, { 4f, 5f, 6f } });

    [Fact]
    public void Flip_reverses_each_given_dim()
    {
        Expect.Close(Matrix().Flip(1), new[] { 2, 3 }, new double[] { 3, 2, 1, 6, 5, 4 });
        Expect.Close(Matrix().Flip(0), new[] { 2, 3 }, new double[] { 4, 5, 6, 1, 2, 3 });
        Expect.Close(Torch.Flip(Matrix(), 0, -1), new[] { 2, 3 }, new double[] { 6, 5, 4, 3, 2, 1 });
        Expect.Close(Matrix().Flip(), new[] { 2, 3 }, new double[] { 1, 2, 3, 4, 5, 6 });
        Expect.Scalar(Torch.Tensor(7f).Flip(0), 7);
    }

    [Fact]
    public void Roll_moves_elements_forward_and_wraps_around()
    {
        Expect.Close(Matrix().Roll(1, 1), new[] { 2, 3 }, new double[] { 3, 1, 2, 6, 4, 5 });
        Expect.Close(Matrix().Roll(-1, 1), new[] { 2, 3 }, new double[] { 2, 3, 1, 5, 6, 4 });
        Expect.Close(Matrix().Roll(4, 1), new[] { 2, 3 }, new double[] { 3, 1, 2, 6, 4, 5 });
        Expect.Close(Torch.Roll(Matrix(), new[] { 1, 2 }, 0, 1), new[] { 2, 3 }, new double[] { 5, 6, 4, 2, 3, 1 });
        // No dims: rolled flat, shape kept.
        Expect.Close(Matrix().Roll(new[] { 2 }), new[] { 2, 3 }, new double[] { 5, 6, 1, 2, 3, 4 });
    }

    [Fact]
    public void Gradients_follow_the_elements_back()
    {
        var x = Torch.Tensor(new[] { 1f, 2f, 3f }, requiresGrad: true);
        var weights = Torch.Tensor(new[] { 10f, 20f, 30f });
        (x.Flip(0) * weights).Sum().Backward();
        Expect.Close(x.Grad, new double[] { 30, 20, 10 });
        x.Grad = null;
        (x.Roll(1, 0) * weights).Sum().Backward();   // y = (x2, x0, x1)
        Expect.Close(x.Grad!, new double[] { 20, 30, 10 });
    }

    [Fact]
    public void Roll_refuses_shifts_that_do_not_match_the_dims()
    {
        var e = Assert.Throws<ArgumentException>(() => Matrix().Roll(new[] { 1, 2 }, 0));
        Assert.Contains("roll: shifts required and must align to dims, got shifts (1, 2) and dims (0)", e.Message);
        var flat = Assert.Throws<ArgumentException>(() => Matrix().Roll(new[] { 1, 2 }));
        Assert.Contains("must be one number when no dims are given", flat.Message);
        Assert.Contains("flip: Dimension out of range", Assert.Throws<ArgumentException>(() => Matrix().Flip(2)).Message);
    }

    [Fact]
    public void Results_are_new_tensors_even_when_nothing_moves()
    {
        var x = Torch.Tensor(new[] { 1f, 2f, 3f });
        foreach (var unchanged in new[] { x.Flip(), x.Roll(3, 0), x.Roll(new[] { 0 }), x.Repeat(1), x.Tile(1) })
        {
            unchanged.Add_(Torch.Tensor(10f));
            Assert.Equal(new[] { 1f, 2f, 3f }, x.ToArray<float>());
        }
    }
}
