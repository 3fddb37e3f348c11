using Xunit;

namespace Hybrid.Unit;

/// <summary>Cat, Stack, Split, Chunk and Pad.</summary>
public class JoiningTests
{
    static Tensor A() => Torch.Tensor(new[,] { { 1f, 2f }, { 3f, 4f } });
    static Tensor B() => Torch.Tensor(new[,] { { 5f, 6f } });

    [Fact]
    public void Cat_along_rows_and_columns()
    {
        Expect.Close(Torch.Cat(new[] { A(), B() }, 0), new[] { 3, 2 }, new double[] { 1, 2, 3, 4, 5, 6 });
        Expect.Close(Torch.Cat(new[] { A(), A() }, 1), new[] { 2, 4 }, new double[] { 1, 2, 1, 2, 3, 4, 3, 4 });
        Expect.Close(Join.Cat(new[] { A(), B().T.Reshape(2, 1) }, -1), new[] { 2, 3 }, new double[] { 1, 2, 5, 3, 4, 6 });
    }

    [Fact]
    public void Cat_splits_the_gradient_back_to_its_inputs()
    {
        var a = Torch.Tensor(new[] { 1f, 2f }, requiresGrad: true);
        var b = Torch.Tensor(new[] { 3f }, requiresGrad: true);
        (Torch.Cat(new[] { a, b }) * Torch.Tensor(new[] { 10f, 20f, 30f })).Sum().Backward();
        Expect.Close(a.Grad, new double[] { 10, 20 });
        Expect.Close(b.Grad, new double[] { 30 });
    }

    [Fact]
    public void Stack_adds_a_new_dim()
    {
        var a = Torch.Tensor(new[] { 1f, 2f });
        var b = Torch.Tensor(new[] { 3f, 4f });
        Expect.Close(Torch.Stack(new[] { a, b }), new[] { 2, 2 }, new double[] { 1, 2, 3, 4 });
        Expect.Close(Torch.Stack(new[] { a, b }, 1), new[] { 2, 2 }, new double[] { 1, 3, 2, 4 });
    }

    [Fact]
    public void Split_by_size_leaves_a_smaller_last_piece()
    {
        var parts = Torch.Arange(5).Split(2);
        Assert.Equal(3, parts.Length);
        Assert.Equal(new long[] { 0, 1 }, parts[0].ToArray<long>());
        Assert.Equal(new long[] { 2, 3 }, parts[1].ToArray<long>());
        Assert.Equal(new long[] { 4 }, parts[2].ToArray<long>());
    }

    [Fact]
    public void Split_by_sizes_along_a_dim()
    {
        var x = Torch.Arange(12).Reshape(2, 6);
        var parts = x.Split(new[] { 1, 2, 3 }, 1);
        Assert.Equal(new[] { 2, 1 }, parts[0].Shape);
        Assert.Equal(new long[] { 1, 2, 7, 8 }, parts[1].ToArray<long>());
        Assert.Equal(new long[] { 3, 4, 5, 9, 10, 11 }, parts[2].ToArray<long>());
        Assert.Throws<ArgumentException>(() => x.Split(new[] { 1, 2 }, 1));
    }

    [Fact]
    public void Chunk_uses_ceiling_sized_pieces()
    {
        var parts = Torch.Arange(7).Chunk(3);     // sizes 3, 3, 1
        Assert.Equal(new[] { 3, 3, 1 }, parts.Select(p => p.NumEl).ToArray());
        Assert.Equal(new long[] { 6 }, parts[2].ToArray<long>());
        Assert.Equal(2, Torch.Arange(4).Chunk(2).Length);
    }

    [Fact]
    public void Pad_surrounds_with_a_constant()
    {
        var p = Join.Pad(Torch.Tensor(new[] { 1f, 2f }), new[] { 1 }, new[] { 2 }, -1);
        Expect.Close(p, new[] { 5 }, new double[] { -1, 1, 2, -1, -1 });
    }

    [Fact]
    public void Functional_Pad_reads_its_sizes_from_the_last_dim_backwards_and_OneHot_can_infer_the_classes()
    {
        // Width 1 | 0, height 0 | 1, value 9.
        Expect.Close(Functional.Pad(A(), new[] { 1, 0, 0, 1 }, 9), new[] { 3, 3 }, new double[] { 9, 1, 2, 9, 3, 4, 9, 9, 9 });
        Expect.Close(Functional.Pad(A(), new[] { 0, 2 }), new[] { 2, 4 }, new double[] { 1, 2, 0, 0, 3, 4, 0, 0 });
        Assert.Contains("divisible by 2", Assert.Throws<ArgumentException>(() => Functional.Pad(A(), new[] { 1 })).Message);
        Assert.Contains("padding length 6 and input of dimension 2", Assert.Throws<ArgumentException>(() => Functional.Pad(A(), new[] { 1, 1, 1, 1, 1, 1 })).Message);
        Assert.Equal(new long[] { 0, 1, 0, 1, 0, 0 }, Functional.OneHot(Torch.Tensor(new[] { 1L, 0L }), 3).ToArray<long>());
        Assert.Equal(new long[] { 0, 1, 1, 0 }, Functional.OneHot(Torch.Tensor(new[] { 1L, 0L })).ToArray<long>());
    }
}
