using ILGPU;

namespace Hybrid.Gpu;

/// <summary>
/// Softmax and log-softmax along one dim, a row (lane) per group slot as in
/// <see cref="ReductionKernels"/>: the row's max, then the sum of exp(x − max), then the
/// outputs, all in double (every exponential is at most 1, so nothing overflows). The two
/// reductions combine in a fixed tree, so results are deterministic.
/// </summary>
internal static class SoftmaxKernels
{
    /// <summary>
    /// The row at xRows.At(row) + j·xStep (j &lt; Cols) of x, written to o at oRows.At(row) + j·oStep.
    /// A NaN in a row makes the whole row NaN, as in PyTorch and the CPU backend.
    /// </summary>
    public static void Softmax<T, N>(ArrayView<T> x, ViewLayout xRows, int xStep, ArrayView<T> o, ViewLayout oRows, int oStep, ReduceGrid grid, int log)
        where T : unmanaged where N : struct, INumeric<T>
    {
        var n = default(N);
        int thread = Group.IdxX, lane = grid.Lane(thread), slice = grid.Slice(thread);
        var row = Grid.IdxX * grid.Lanes + lane;
        var active = row < grid.Rows;
        var xAt = active ? xRows.At(row) : 0;

        var max = double.NegativeInfinity;
        if (active)
            for (var j = slice; j < grid.Cols; j += grid.Slices)
                max = default(F64).Max(max, n.ToDouble(x[xAt + j * xStep]));
        max = ReductionKernels.GroupReduce(max, grid, thread, default(MaxOf<double, F64>));

        var sum = 0.0;
        if (active)
            for (var j = slice; j < grid.Cols; j += grid.Slices)
                sum += Math.Exp(n.ToDouble(x[xAt + j * xStep]) - max);
        sum = ReductionKernels.GroupReduce(sum, grid, thread, default(SumOf<double, F64>));

        if (!active) return;
        var oAt = oRows.At(row);
        var logSum = Math.Log(sum);
        for (var j = slice; j < grid.Cols; j += grid.Slices)
        {
            var shifted = n.ToDouble(x[xAt + j * xStep]) - max;
            o[oAt + j * oStep] = n.FromDouble(log != 0 ? shifted - logSum : Math.Exp(shifted) / sum);
        }
    }
}
