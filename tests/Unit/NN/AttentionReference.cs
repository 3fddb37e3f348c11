using Hybrid.NN;

namespace Hybrid.Unit.NN;

/// <summary>Multi-head attention worked out in plain double loops from the module's float parameters.</summary>
internal static class AttentionReference
{
    /// <summary>
    /// query (L, N, E), key and value (S, N, E) of a module with packed in_proj_weight;
    /// masked[b, l, s] true where query l of batch b may not attend to key s.
    /// Returns the output (L, N, E) row-major and the per-head weights [b][h][l][s].
    /// </summary>
    public static (double[] Output, double[][][][] Weights) Compute(MultiheadAttention m, Tensor query, Tensor key, Tensor value, Func<int, int, int, bool>? masked = null)
    {
        int e = m.EmbedDim, heads = m.NumHeads, hd = e / heads;
        int l = query.Shape[0], n = query.Shape[1], s = key.Shape[0];
        var w = m.in_proj_weight!.ToArray<float>();
        var b = m.in_proj_bias?.ToArray<float>();
        var wo = m.out_proj.weight.ToArray<float>();
        var bo = m.out_proj.bias?.ToArray<float>();
        double[] q = Expect.Values(query), k = Expect.Values(key), v = Expect.Values(value);
        double Proj(double[] x, int pos, int batch, int part, int row)
        {
            double sum = b is null ? 0 : b[part * e + row];
            for (var c = 0; c < e; c++) sum += w[(part * e + row) * e + c] * x[(pos * n + batch) * e + c];
            return sum;
        }
        var output = new double[l * n * e];
        var weights = new double[n][][][];
        for (var bi = 0; bi < n; bi++)
        {
            weights[bi] = new double[heads][][];
            var attended = new double[l, e];
            for (var h = 0; h < heads; h++)
            {
                weights[bi][h] = new double[l][];
                for (var li = 0; li < l; li++)
                {
                    var scores = new double[s];
                    for (var si = 0; si < s; si++)
                    {
                        double dot = 0;
                        for (var d = h * hd; d < (h + 1) * hd; d++) dot += Proj(q, li, bi, 0, d) * Proj(k, si, bi, 1, d);
                        scores[si] = masked?.Invoke(bi, li, si) == true ? double.NegativeInfinity : dot / Math.Sqrt(hd);
                    }
                    var max = scores.Max();
                    var exps = scores.Select(x => Math.Exp(x - max)).ToArray();
                    var total = exps.Sum();
                    weights[bi][h][li] = exps.Select(x => x / total).ToArray();
                    for (var d = h * hd; d < (h + 1) * hd; d++)
                        for (var si = 0; si < s; si++) attended[li, d] += weights[bi][h][li][si] * Proj(v, si, bi, 2, d);
                }
            }
            for (var li = 0; li < l; li++)
                for (var r = 0; r < e; r++)
                {
                    double sum = bo is null ? 0 : bo[r];
                    for (var c = 0; c < e; c++) sum += wo[r * e + c] * attended[li, c];
                    output[(li * n + bi) * e + r] = sum;
                }
        }
        return (output, weights);
    }

    /// <summary>Weights [b][h][l][s] flattened, or averaged over heads to [b][l][s].</summary>
    public static double[] Flatten(double[][][][] w, bool average)
    {
        if (!average) return w.SelectMany(b => b.SelectMany(h => h.SelectMany(r => r))).ToArray();
        return w.SelectMany(b => Enumerable.Range(0, b[0].Length).SelectMany(li =>
            Enumerable.Range(0, b[0][li].Length).Select(si => b.Average(h => h[li][si])))).ToArray();
    }
}
