namespace Hybrid;

/// <summary>
/// Convolution and its two adjoints composed from a backend's own unfold, batched matmul,
/// fold and sum: the batch's columns are materialized whole, (N, C·kh·kw, L). For backends
/// without a fused convolution.
/// </summary>
internal static class ConvolutionByUnfold
{
    /// <summary>y (N, G, O/G, L) = w (G, O/G, Cg·K) · cols (N, G, Cg·K, L) (+ bias (1, O, 1)).</summary>
    public static Storage Conv2d(IBackend backend, Strided x, Strided w, Strided? bias, Window2d window, int groups)
    {
        var s = new Sizes(x.Shape[0], x.Shape[1], w.Shape[0], window, groups, window.OutH(x.Shape[2]) * window.OutW(x.Shape[3]));
        var weights = Contiguous(backend, w);
        var cols = backend.Unfold(x, window);
        var y = backend.MatMul(s.Weights(weights, transposed: false), s.Columns(cols, transposed: false));
        Release(cols);
        if (weights.Storage != w.Storage) Release(weights.Storage);
        if (bias is not { } b) return y;
        var shape = new[] { s.N, s.O, s.L };
        var biased = backend.Binary(BinaryOp.Add, Strided.Contiguous(y, shape), new(b.Storage, shape, [0, b.Strides[0], 0], b.Offset), y.DType);
        Release(y);
        return biased;
    }

    /// <summary>dx = fold(wᵀ (G, Cg·K, O/G) · g (N, G, O/G, L)).</summary>
    public static Storage Conv2dInputGrad(IBackend backend, Strided g, Strided w, Window2d window, int groups, int height, int width)
    {
        var s = new Sizes(g.Shape[0], w.Shape[1] * groups, w.Shape[0], window, groups, g.Shape[2] * g.Shape[3]);
        var weights = Contiguous(backend, w);
        var grads = Contiguous(backend, g);
        var cols = backend.MatMul(s.Weights(weights, transposed: true), s.Outputs(grads));
        var dx = backend.Fold(Strided.Contiguous(cols, [s.N, s.C * s.K, s.L]), window, s.C, height, width);
        Release(cols);
        if (weights.Storage != w.Storage) Release(weights.Storage);
        if (grads.Storage != g.Storage) Release(grads.Storage);
        return dx;
    }

    /// <summary>dw = Σₙ g (N, G, O/G, L) · colsᵀ (N, G, L, Cg·K).</summary>
    public static Storage Conv2dWeightGrad(IBackend backend, Strided x, Strided g, Window2d window, int groups)
    {
        var s = new Sizes(x.Shape[0], x.Shape[1], g.Shape[1], window, groups, g.Shape[2] * g.Shape[3]);
        var grads = Contiguous(backend, g);
        var cols = backend.Unfold(x, window);
        var perImage = backend.MatMul(s.Outputs(grads), s.Columns(cols, transposed: true));
        var dw = backend.Reduce(ReduceOp.Sum, Strided.Contiguous(perImage, [s.N, s.O * s.Cg * s.K]), [0]);
        Release(cols);
        Release(perImage);
        if (grads.Storage != g.Storage) Release(grads.Storage);
        return dw;
    }

    /// <summary>The problem's sizes, and its operands viewed as batched matrices (N, G, rows, cols).</summary>
    readonly record struct Sizes(int N, int C, int O, Window2d Window, int G, int L)
    {
        public int K => Window.KernelH * Window.KernelW;
        public int Cg => C / G;
        int Og => O / G;

        /// <summary>w (O, Cg, kh, kw) as (N, G, O/G, Cg·K), repeated over the batch; or its transpose.</summary>
        public Strided Weights(Strided w, bool transposed) => transposed
            ? new(w.Storage, [N, G, Cg * K, Og], [0, Og * Cg * K, 1, Cg * K], w.Offset)
            : new(w.Storage, [N, G, Og, Cg * K], [0, Og * Cg * K, Cg * K, 1], w.Offset);

        /// <summary>Unfolded columns (N, C·K, L) as (N, G, Cg·K, L); or its transpose.</summary>
        public Strided Columns(Storage cols, bool transposed) => transposed
            ? new(cols, [N, G, L, Cg * K], [C * K * L, Cg * K * L, 1, L], 0)
            : new(cols, [N, G, Cg * K, L], [C * K * L, Cg * K * L, L, 1], 0);

        /// <summary>Output-shaped g (N, O, oh, ow) as (N, G, O/G, L).</summary>
        public Strided Outputs(Strided g) => new(g.Storage, [N, G, Og, L], [O * L, Og * L, L, 1], g.Offset);
    }

    static Strided Contiguous(IBackend backend, Strided x) =>
        x.IsContiguous ? x : Strided.Contiguous(backend.Copy(x, x.DType), x.Shape);

    /// <summary>Hands a temporary's memory back now where the device keeps a cache (GPU storages).</summary>
    static void Release(Storage temporary) => (temporary as IDisposable)?.Dispose();
}
