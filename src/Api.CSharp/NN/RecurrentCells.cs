namespace Hybrid.NN;

/// <summary>
/// The parameters of a single-step recurrent cell (torch.nn.RNNCellBase): weight_ih (gates·H × I),
/// weight_hh (gates·H × H) and the biases, all from U(−1/√H, 1/√H) as PyTorch.
/// </summary>
public abstract class RNNCellBase : Module
{
    public Parameter weight_ih, weight_hh;
    public Parameter? bias_ih, bias_hh;

    public int InputSize { get; }
    public int HiddenSize { get; }

    private protected RNNCellBase(int inputSize, int hiddenSize, bool bias, int gates)
    {
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentException($"{GetType().Name}: input_size and hidden_size must be positive, got {inputSize} and {hiddenSize}");
        (InputSize, HiddenSize) = (inputSize, hiddenSize);
        var bound = 1 / Math.Sqrt(hiddenSize);
        Parameter Uniform(params int[] shape) => new(Torch.Rand(shape) * (2 * bound) - bound);
        weight_ih = Uniform(gates * hiddenSize, inputSize);
        weight_hh = Uniform(gates * hiddenSize, hiddenSize);
        if (bias) (bias_ih, bias_hh) = (Uniform(gates * hiddenSize), Uniform(gates * hiddenSize));
    }

    /// <summary>input (N, I) or unbatched (I), checked; returned as (N, I), with whether it was unbatched.</summary>
    private protected (Tensor Input, bool Unbatched) Batched(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if ((input.Dim != 1 && input.Dim != 2) || input.Shape[^1] != InputSize)
            throw new ArgumentException($"{GetType().Name}({InputSize}, {HiddenSize}): expected input of shape (N, {InputSize}) or ({InputSize}), got {LayerText.Shape(input.Shape)}");
        return input.Dim == 1 ? (input.Unsqueeze(0), true) : (input, false);
    }

    /// <summary>A state given for the batch (or unbatched, like the input), or zeros.</summary>
    private protected Tensor State(Tensor? given, Tensor input, bool unbatched, string name)
    {
        if (given is null) return Torch.Zeros(new[] { input.Shape[0], HiddenSize }, input.DType).To(input.Device);
        var state = unbatched ? given.Unsqueeze(0) : given;
        if (state.Dim != 2 || state.Shape[0] != input.Shape[0] || state.Shape[1] != HiddenSize)
            throw new ArgumentException($"{GetType().Name}: expected {name} of shape ({(unbatched ? "" : input.Shape[0] + ", ")}{HiddenSize}), got {LayerText.Shape(given.Shape)}");
        return state;
    }

    private protected Tensor Projection(Tensor input)
    {
        var projected = input.MatMul(weight_ih.T);
        return bias_ih is null ? projected : projected + bias_ih;
    }

    private protected static Tensor Unbatch(Tensor t, bool unbatched) => unbatched ? t.Squeeze(0) : t;

    protected override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (bias_ih is null ? ", bias=False" : "");
}

/// <summary>One step of an Elman RNN (torch.nn.RNNCell): h' = tanh (or relu) of x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh.</summary>
public sealed class RNNCell : RNNCellBase
{
    public string Nonlinearity { get; }

    public RNNCell(int inputSize, int hiddenSize, bool bias = true, string nonlinearity = "tanh") : base(inputSize, hiddenSize, bias, 1) =>
        Nonlinearity = nonlinearity is "tanh" or "relu" ? nonlinearity : throw new ArgumentException($"RNNCell: Unknown nonlinearity: {nonlinearity}");

    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>The next hidden state from input (N, I) or (I) and h (N, H) or (H), zeros by default.</summary>
    public Tensor Forward(Tensor input, Tensor? h)
    {
        var (x, unbatched) = Batched(input);
        return Unbatch(RecurrentSteps.Elman(Projection(x), State(h, x, unbatched, "hx"), weight_hh.T, bias_hh, Nonlinearity), unbatched);
    }
}

/// <summary>One step of an LSTM (torch.nn.LSTMCell), gates i, f, g, o: returns (h', c').</summary>
public sealed class LSTMCell(int inputSize, int hiddenSize, bool bias = true) : RNNCellBase(inputSize, hiddenSize, bias, 4)
{
    public override Tensor Forward(Tensor input) => Forward(input, null).H;

    /// <summary>The next (h, c) from input (N, I) or (I) and the state (each (N, H) or (H)), zeros by default.</summary>
    public (Tensor H, Tensor C) Forward(Tensor input, (Tensor H, Tensor C)? state)
    {
        var (x, unbatched) = Batched(input);
        var (h, c) = RecurrentSteps.Lstm(Projection(x), State(state?.H, x, unbatched, "h"), State(state?.C, x, unbatched, "c"), weight_hh.T, bias_hh);
        return (Unbatch(h, unbatched), Unbatch(c, unbatched));
    }
}

/// <summary>One step of a GRU (torch.nn.GRUCell), gates r, z, n.</summary>
public sealed class GRUCell(int inputSize, int hiddenSize, bool bias = true) : RNNCellBase(inputSize, hiddenSize, bias, 3)
{
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>The next hidden state from input (N, I) or (I) and h (N, H) or (H), zeros by default.</summary>
    public Tensor Forward(Tensor input, Tensor? h)
    {
        var (x, unbatched) = Batched(input);
        return Unbatch(RecurrentSteps.Gru(Projection(x), State(h, x, unbatched, "hx"), weight_hh.T, bias_hh), unbatched);
    }
}
