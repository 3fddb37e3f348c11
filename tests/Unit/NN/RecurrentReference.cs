using Hybrid.NN;

namespace Hybrid.Unit.NN;

/// <summary>
/// RNN, LSTM and GRU worked out in plain double arithmetic from the parameters' float values,
/// independently of the library's ops: one batch element, one direction at a time.
/// </summary>
internal static class RecurrentReference
{
    static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>W·x + b for W (rows × x.Length) stored row-major as floats; b may be null.</summary>
    static double[] Affine(float[] w, float[]? b, double[] x)
    {
        var rows = w.Length / x.Length;
        var y = new double[rows];
        for (var r = 0; r < rows; r++)
        {
            double sum = b is null ? 0 : b[r];
            for (var c = 0; c < x.Length; c++) sum += (double)w[r * x.Length + c] * x[c];
            y[r] = sum;
        }
        return y;
    }

    /// <summary>The float values of w_ih, w_hh, b_ih, b_hh (biases null without bias).</summary>
    public static float[]?[] Weights(RNNBase module, int layer, bool reverse)
    {
        var suffix = $"_l{layer}" + (reverse ? "_reverse" : "");
        var byName = module.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        float[]? Get(string n) => byName.TryGetValue(n + suffix, out var p) ? p.ToArray<float>() : null;
        return new[] { Get("weight_ih"), Get("weight_hh"), Get("bias_ih"), Get("bias_hh") };
    }

    /// <summary>tanh (or relu) Elman step.</summary>
    public static double[] RnnCell(double[] x, double[] h, float[]?[] w, bool relu = false)
    {
        var a = Affine(w[0]!, w[2], x);
        var b = Affine(w[1]!, w[3], h);
        return a.Select((v, i) => relu ? Math.Max(0, v + b[i]) : Math.Tanh(v + b[i])).ToArray();
    }

    /// <summary>LSTM step, gates i, f, g, o.</summary>
    public static (double[] H, double[] C) LstmCell(double[] x, double[] h, double[] c, float[]?[] w)
    {
        var n = h.Length;
        var a = Affine(w[0]!, w[2], x);
        var b = Affine(w[1]!, w[3], h);
        var g = a.Select((v, i) => v + b[i]).ToArray();
        var h2 = new double[n];
        var c2 = new double[n];
        for (var j = 0; j < n; j++)
        {
            double i = Sigmoid(g[j]), f = Sigmoid(g[n + j]), cell = Math.Tanh(g[2 * n + j]), o = Sigmoid(g[3 * n + j]);
            c2[j] = f * c[j] + i * cell;
            h2[j] = o * Math.Tanh(c2[j]);
        }
        return (h2, c2);
    }

    /// <summary>GRU step, gates r, z, n with n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)).</summary>
    public static double[] GruCell(double[] x, double[] h, float[]?[] w)
    {
        var n = h.Length;
        var gi = Affine(w[0]!, w[2], x);
        var gh = Affine(w[1]!, w[3], h);
        var h2 = new double[n];
        for (var j = 0; j < n; j++)
        {
            var r = Sigmoid(gi[j] + gh[j]);
            var z = Sigmoid(gi[n + j] + gh[n + j]);
            var cand = Math.Tanh(gi[2 * n + j] + r * gh[2 * n + j]);
            h2[j] = (1 - z) * cand + z * h[j];
        }
        return h2;
    }

    /// <summary>Element [t][b] of a (T, N, F) tensor as a vector.</summary>
    public static double[][][] Sequence(Tensor x)
    {
        var v = Expect.Values(x);
        int t = x.Shape[0], n = x.Shape[1], f = x.Shape[2];
        return Enumerable.Range(0, t).Select(i =>
            Enumerable.Range(0, n).Select(b => v.Skip((i * n + b) * f).Take(f).ToArray()).ToArray()).ToArray();
    }

    /// <summary>Runs a GRU direction over xs[t] of one batch element; outputs indexed by time.</summary>
    public static (double[][] Outputs, double[] Final) GruDirection(double[][] xs, double[] h0, float[]?[] w, bool reverse)
    {
        var outputs = new double[xs.Length][];
        var h = h0;
        for (var i = 0; i < xs.Length; i++)
        {
            var t = reverse ? xs.Length - 1 - i : i;
            h = GruCell(xs[t], h, w);
            outputs[t] = h;
        }
        return (outputs, h);
    }

    /// <summary>Runs an LSTM direction over xs[t] of one batch element; outputs indexed by time.</summary>
    public static (double[][] Outputs, double[] H, double[] C) LstmDirection(double[][] xs, double[] h0, double[] c0, float[]?[] w)
    {
        var outputs = new double[xs.Length][];
        var (h, c) = (h0, c0);
        for (var t = 0; t < xs.Length; t++)
        {
            (h, c) = LstmCell(xs[t], h, c, w);
            outputs[t] = h;
        }
        return (outputs, h, c);
    }
}
