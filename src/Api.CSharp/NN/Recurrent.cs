namespace Hybrid.NN;

/// <summary>
/// Elman RNN (torch.nn.RNN): h' = tanh(W_ih·x + b_ih + W_hh·h + b_hh), or ReLU with
/// nonlinearity "relu". Input (L, N, H_in), (N, L, H_in) with batchFirst, or unbatched (L, H_in).
/// </summary>
public sealed class RNN : RNNBase
{
    /// <summary>"tanh" or "relu".</summary>
    public string Nonlinearity { get; }

    /// <summary>PyTorch's argument order.</summary>
    public RNN(int inputSize, int hiddenSize, int numLayers = 1, string nonlinearity = "tanh", bool bias = true, bool batchFirst = false, double dropout = 0, bool bidirectional = false)
        : base(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional)
    {
        Nonlinearity = nonlinearity is "tanh" or "relu" ? nonlinearity : throw new ArgumentException($"RNN: Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.");
    }

    /// <inheritdoc />
    protected override int Gates => 1;

    /// <summary>The outputs of the last layer for every step (the final state is dropped).</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null).Output;

    /// <summary>Outputs (L, N, D·H) of the last layer and the final hidden state (layers·D, N, H); h0 defaults to zeros.</summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0)
    {
        var (output, states) = Run(input, new[] { h0 }, new[] { "h0" });
        return (output, states[0]);
    }

    /// <inheritdoc />
    protected override Tensor[] Cell(Tensor inputProjection, Tensor[] state, Tensor weightHhT, Tensor? biasHh) =>
        new[] { RecurrentSteps.Elman(inputProjection, state[0], weightHhT, biasHh, Nonlinearity) };
}

/// <summary>
/// Long short-term memory (torch.nn.LSTM), gates in PyTorch's order i, f, g, o:
/// c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c').
/// </summary>
public sealed class LSTM : RNNBase
{
    /// <summary>PyTorch's argument order.</summary>
    public LSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0, bool bidirectional = false)
        : base(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional) { }

    /// <inheritdoc />
    protected override int Gates => 4;

    /// <summary>The outputs of the last layer for every step (the final states are dropped).</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null).Output;

    /// <summary>Outputs (L, N, D·H) and the final (h, c), each (layers·D, N, H); the initial state defaults to zeros.</summary>
    public (Tensor Output, (Tensor H, Tensor C) State) Forward(Tensor input, (Tensor H, Tensor C)? state)
    {
        var (output, states) = Run(input, new[] { state?.H, state?.C }, new[] { "h0", "c0" });
        return (output, (states[0], states[1]));
    }

    /// <inheritdoc />
    protected override Tensor[] Cell(Tensor inputProjection, Tensor[] state, Tensor weightHhT, Tensor? biasHh)
    {
        var (h, c) = RecurrentSteps.Lstm(inputProjection, state[0], state[1], weightHhT, biasHh);
        return new[] { h, c };
    }
}

/// <summary>
/// Gated recurrent unit (torch.nn.GRU), gates in PyTorch's order r, z, n:
/// n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn)), h' = (1 − z)·n + z·h.
/// </summary>
public sealed class GRU : RNNBase
{
    /// <summary>PyTorch's argument order.</summary>
    public GRU(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0, bool bidirectional = false)
        : base(inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional) { }

    /// <inheritdoc />
    protected override int Gates => 3;

    /// <summary>The outputs of the last layer for every step (the final state is dropped).</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null).Output;

    /// <summary>Outputs (L, N, D·H) of the last layer and the final hidden state (layers·D, N, H); h0 defaults to zeros.</summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0)
    {
        var (output, states) = Run(input, new[] { h0 }, new[] { "h0" });
        return (output, states[0]);
    }

    /// <inheritdoc />
    protected override Tensor[] Cell(Tensor inputProjection, Tensor[] state, Tensor weightHhT, Tensor? biasHh) =>
        new[] { RecurrentSteps.Gru(inputProjection, state[0], weightHhT, biasHh) };
}
