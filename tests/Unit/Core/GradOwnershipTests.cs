using Xunit;

namespace Hybrid.Unit;

/// <summary>
/// Every .Grad has storage of its own, whether backward kept the gradient it computed (no copy)
/// or had to copy it: writing into one .Grad changes no other tensor.
/// </summary>
public class GradOwnershipTests
{
    static Tensor Leaf(params float[] v) => Torch.Tensor(v, requiresGrad: true);

    [Fact]
    public void Two_leaves_handed_one_gradient_get_separate_grads()
    {
        // Add's rule hands the same tensor to both operands.
        var a = Leaf(1, 2);
        var b = Leaf(3, 4);
        ((a + b) * Torch.Tensor(new[] { 5f, 6f })).Sum().Backward();
        a.Grad!.Mul_(10);
        Assert.Equal(new[] { 50f, 60f }, a.Grad.ToArray<float>());
        Assert.Equal(new[] { 5f, 6f }, b.Grad!.ToArray<float>());
    }

    [Fact]
    public void A_callers_gradient_passed_straight_through_is_copied()
    {
        var x = Leaf(1, 2, 3, 4);
        var seed = Torch.Tensor(new[] { 1f, 2f, 3f, 4f }).Reshape(2, 2);
        x.Reshape(2, 2).Backward(seed);
        seed.Mul_(0);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, x.Grad!.ToArray<float>());
    }

    [Fact]
    public void A_broadcast_gradient_becomes_a_dense_grad()
    {
        // sum's rule expands the (implicit, 1-element) seed: a stride-0 view that must not become .Grad.
        var x = Leaf(1, 2, 3);
        x.Sum().Backward();
        x.Grad!.Add_(Torch.Tensor(new[] { 0f, 1f, 2f }));
        Assert.Equal(new[] { 1f, 2f, 3f }, x.Grad.ToArray<float>());
    }

    [Fact]
    public void A_kept_first_gradient_and_a_later_one_accumulate()
    {
        var w = Leaf(1, 2);
        (w * w).Sum().Backward();
        var first = w.Grad!;
        Assert.Equal(new[] { 2f, 4f }, first.ToArray<float>());
        (w * 3).Sum().Backward();
        Assert.Equal(new[] { 5f, 7f }, w.Grad!.ToArray<float>());
    }

    [Fact]
    public void A_linear_weights_gradient_is_contiguous_and_equals_g_transposed_times_x()
    {
        // y = x·wᵀ: dw = gᵀ·x, computed in w's own layout rather than as a transposed view.
        var w = Torch.Tensor(new[] { 1f, 2f, 3f, 4f, 5f, 6f }).Reshape(2, 3).RequiresGrad_();
        var x = Torch.Tensor(new[] { 1f, 0f, 2f, -1f, 3f, 1f }).Reshape(2, 3);
        var g = Torch.Tensor(new[] { 1f, 2f, 3f, 4f }).Reshape(2, 2);
        x.MatMul(w.T).Backward(g);
        Assert.True(w.Grad!.IsContiguous);
        // gᵀ·x = [[1·1 + 3·(−1), 1·0 + 3·3, 1·2 + 3·1], [2·1 + 4·(−1), 2·0 + 4·3, 2·2 + 4·1]]
        Assert.Equal(new[] { -2f, 9f, 5f, -2f, 12f, 8f }, w.Grad.ToArray<float>());
    }
}
