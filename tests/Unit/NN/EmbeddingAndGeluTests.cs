using Hybrid.NN;
using Xunit;

namespace Hybrid.Unit;

/// <summary>Embedding's padding row, GELU's tanh form, and C#'s comparison operators on tensors.</summary>
public class EmbeddingAndGeluTests
{
    [Fact]
    public void The_padding_row_starts_at_zero_and_gets_no_gradient()
    {
        Torch.ManualSeed(3);
        var embedding = new Embedding(4, 3, paddingIdx: 0);
        Assert.Equal(new[] { 0f, 0f, 0f }, embedding.weight[0].ToArray<float>());
        var tokens = Torch.Tensor(new long[,] { { 0, 2, 0 } });
        var vectors = embedding.Forward(tokens);
        Assert.Equal(new[] { 1, 3, 3 }, vectors.Shape);
        Assert.Equal(embedding.weight[2].ToArray<float>(), vectors[0, 1].ToArray<float>());
        vectors.Sum().Backward();
        var grad = embedding.weight.Grad!.ToArray<float>();
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0 }, grad);
        Assert.Contains("padding_idx=0", embedding.ToString());
    }

    [Fact]
    public void A_negative_padding_index_counts_from_the_end_and_one_outside_is_refused()
    {
        Assert.Equal(3, new Embedding(4, 2, paddingIdx: -1).PaddingIdx);
        var e = Assert.Throws<ArgumentException>(() => new Embedding(4, 2, paddingIdx: 4));
        Assert.Contains("Padding_idx must be within num_embeddings (4), got 4", e.Message);
    }

    [Fact]
    public void GELU_tanh_matches_its_formula_and_its_gradient_checks()
    {
        var xs = new[] { -3.0, -1.0, -0.1, 0.0, 0.5, 1.0, 2.0 };
        var expected = xs.Select(x => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)))).ToArray();
        Expect.Close(new GELU("tanh").Forward(Torch.Tensor(xs)), expected, 1e-12);
        Assert.Equal(0.8411919906082768, expected[5], 1e-12);
        Assert.True(GradCheck.Check(t => t[0].Gelu("tanh"), new[] { Torch.Tensor(new[] { -1.3, 0.2, 0.9 }, requiresGrad: true) }));
        Assert.Contains("approximate='tanh'", new GELU("tanh").ToString());
        Assert.Contains("must be either none or tanh", Assert.Throws<ArgumentException>(() => new GELU("erf")).Message);
    }

    [Fact]
    public void Comparison_operators_give_bool_tensors()
    {
        var x = Torch.Tensor(new[] { -1f, 0f, 2f });
        var y = Torch.Tensor(new[] { 0f, 0f, 1f });
        Assert.Equal(new[] { false, false, true }, (x > y).ToArray<bool>());
        Assert.Equal(new[] { true, false, false }, (x < y).ToArray<bool>());
        Assert.Equal(new[] { false, true, true }, (x >= 0).ToArray<bool>());
        Assert.Equal(new[] { true, true, false }, (x <= 0.5).ToArray<bool>());
        Assert.Equal(new[] { true, true, false }, (1 > x).ToArray<bool>());
        Assert.Equal(DType.Bool, (x > 0).DType);
    }

    [Fact]
    public void Norm_and_moves_named_as_in_PyTorch()
    {
        var x = Torch.Tensor(new[,] { { 3f, -4f }, { 0f, 1f } });
        Expect.Scalar(x.Norm(), Math.Sqrt(26), 1e-6);
        Expect.Scalar(x.Norm(1), 8, 1e-6);
        Expect.Close(x.Norm(2, new[] { 1 }), new double[] { 5, 1 }, 1e-6);
        Assert.Equal(new[] { 2, 1 }, x.Norm(2, new[] { 1 }, keepdim: true).Shape);
        Assert.Equal(Device.Cpu, x.To("cpu").Device);
        Assert.Equal(new Device("ilgpu", 0), x.To("ilgpu:0").Device);
        Assert.Equal(Device.Cpu, x.To("ilgpu").Cpu().Device);
        var linear = new Linear(2, 1);
        linear.To("ilgpu");
        Assert.Equal(new Device("ilgpu", 0), linear.weight.Device);
        linear.Cpu();
        Assert.Equal(Device.Cpu, linear.weight.Device);
    }
}
