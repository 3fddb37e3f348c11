namespace Hybrid.NN;

/// <summary>
/// One time step of each recurrent unit, shared by the sequence modules (RNN, LSTM, GRU) and the
/// single-step cells: the input already projected (x·W_ihᵀ + b_ih), the state, W_hhᵀ and b_hh.
/// </summary>
internal static class RecurrentSteps
{
    /// <summary>h' = tanh (or relu) of x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh.</summary>
    public static Tensor Elman(Tensor inputProjection, Tensor h, Tensor weightHhT, Tensor? biasHh, string nonlinearity)
    {
        var pre = inputProjection + h.MatMul(weightHhT);
        if (biasHh is not null) pre = pre + biasHh;
        return nonlinearity == "relu" ? pre.Relu() : pre.Tanh();
    }

    /// <summary>Gates in PyTorch's order i, f, g, o: c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c').</summary>
    public static (Tensor H, Tensor C) Lstm(Tensor inputProjection, Tensor h, Tensor c, Tensor weightHhT, Tensor? biasHh)
    {
        var gates = inputProjection + h.MatMul(weightHhT);
        if (biasHh is not null) gates = gates + biasHh;
        var g = gates.Chunk(4, -1);
        var next = g[1].Sigmoid() * c + g[0].Sigmoid() * g[2].Tanh();
        return (g[3].Sigmoid() * next.Tanh(), next);
    }

    /// <summary>Gates in PyTorch's order r, z, n: n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn)), h' = (1 − z)·n + z·h.</summary>
    public static Tensor Gru(Tensor inputProjection, Tensor h, Tensor weightHhT, Tensor? biasHh)
    {
        var hidden = h.MatMul(weightHhT);
        if (biasHh is not null) hidden = hidden + biasHh;
        var gi = inputProjection.Chunk(3, -1);
        var gh = hidden.Chunk(3, -1);
        var r = (gi[0] + gh[0]).Sigmoid();
        var z = (gi[1] + gh[1]).Sigmoid();
        var n = (gi[2] + r * gh[2]).Tanh();
        return n + z * (h - n);
    }
}
