using Xunit;

namespace Hybrid.Unit;

/// <summary>Gather, Scatter, ScatterAdd, IndexSelect, IndexAdd against hand-worked values.</summary>
public class GatherScatterTests
{
    static Tensor Idx(long[,] v) => Torch.Tensor(v);

    [Fact]
    public void Gather_along_dim_one_picks_per_row()
    {
        var x = Torch.Tensor(new[,] { { 1f, 2f, 3f }, { 4f, 5f, 6f } });
        var r = x.Gather(1, Idx(new long[,] { { 2, 0 }, { 1, 1 } }));
        Expect.Close(r, new[] { 2, 2 }, new double[] { 3, 1, 5, 5 });
    }

    [Fact]
    public void Gather_along_dim_zero_picks_per_column()
    {
        var x = Torch.Tensor(new[,] { { 1f, 2f, 3f }, { 4f, 5f, 6f } });
        var r = x.Gather(0, Idx(new long[,] { { 1, 0, 1 } }));
        Expect.Close(r, new[] { 1, 3 }, new double[] { 4, 2, 6 });
    }

    [Fact]
    public void Gather_gradient_accumulates_at_repeated_positions()
    {
        var x = Torch.Tensor(new[,] { { 1f, 2f, 3f } }, requiresGrad: true);
        x.Gather(1, Idx(new long[,] { { 2, 2, 0 } })).Sum().Backward();
        Expect.Close(x.Grad, new double[] { 1, 0, 2 });
    }

    [Fact]
    public void Scatter_writes_src_at_index_positions_into_a_copy()
    {
        var x = Torch.Zeros(2, 3);
        var src = Torch.Tensor(new[,] { { 1f, 2f }, { 3f, 4f } });
        var r = x.Scatter(1, Idx(new long[,] { { 2, 0 }, { 1, 2 } }), src);
        Expect.Close(r, new[] { 2, 3 }, new double[] { 2, 0, 1, 0, 3, 4 });
        Expect.Close(x, new double[6]);                   // out of place
    }

    [Fact]
    public void Scatter_of_a_scalar_value()
    {
        var r = Torch.Zeros(2, 2).Scatter(1, Idx(new long[,] { { 1 }, { 0 } }), 7.0);
        Expect.Close(r, new double[] { 0, 7, 7, 0 });
    }

    [Fact]
    public void ScatterAdd_accumulates_repeated_positions()
    {
        var x = Torch.Ones(1, 3);
        var r = x.ScatterAdd(1, Idx(new long[,] { { 0, 0, 2, 0 } }), Torch.Tensor(new[,] { { 1f, 2f, 3f, 4f } }));
        Expect.Close(r, new[] { 1, 3 }, new double[] { 8, 1, 4 });
    }

    [Fact]
    public void IndexSelect_picks_slices_along_a_dim()
    {
        var x = Torch.Tensor(new[,] { { 1f, 2f, 3f }, { 4f, 5f, 6f } });
        var idx = Torch.Tensor(new[] { 2L, 0L });
        Expect.Close(x.IndexSelect(1, idx), new[] { 2, 2 }, new double[] { 3, 1, 6, 4 });
        Expect.Close(x.IndexSelect(0, Torch.Tensor(new[] { 1L, 1L })), new[] { 2, 3 }, new double[] { 4, 5, 6, 4, 5, 6 });
    }

    [Fact]
    public void IndexAdd_adds_rows_of_src_at_index()
    {
        var r = Torch.Zeros(3, 2).IndexAdd(0, Torch.Tensor(new[] { 2L, 0L, 2L }),
            Torch.Tensor(new[,] { { 1f, 1f }, { 2f, 2f }, { 3f, 3f } }));
        Expect.Close(r, new double[] { 2, 2, 0, 0, 4, 4 });
    }
}
