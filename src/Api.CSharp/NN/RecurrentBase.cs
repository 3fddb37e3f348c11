namespace Hybrid.NN;

/// <summary>
/// Shared machinery of RNN, LSTM and GRU (torch.nn.RNNBase): parameters named as PyTorch
/// (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, "_reverse" for the backward
/// direction), all initialised U(−1/√hidden, 1/√hidden); stacked layers, optional dropout
/// between layers while training, bidirectional and batch-first layouts, unbatched (L, H_in) input.
/// </summary>
public abstract class RNNBase : Module
{
    readonly string[][] _weightNames;

    /// <summary>Features of each input step.</summary>
    public int InputSize { get; }
    /// <summary>Features of the hidden state.</summary>
    public int HiddenSize { get; }
    /// <summary>Stacked recurrent layers.</summary>
    public int NumLayers { get; }
    /// <summary>Whether the layers have bias_ih and bias_hh.</summary>
    public bool Bias { get; }
    /// <summary>Input and output are (N, L, H) instead of (L, N, H); states are never batch-first.</summary>
    public bool BatchFirst { get; }
    /// <summary>Dropout probability on the outputs of every layer but the last, while training.</summary>
    public double Dropout { get; }
    /// <summary>Whether each layer also runs backwards in time, outputs concatenated.</summary>
    public bool Bidirectional { get; }
    /// <summary>1, or 2 when bidirectional.</summary>
    public int NumDirections => Bidirectional ? 2 : 1;

    /// <summary>Rows of weight_ih: gates × hidden size.</summary>
    protected abstract int Gates { get; }

    /// <summary>Registers the parameters of every layer and direction and initialises them.</summary>
    protected RNNBase(int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst, double dropout, bool bidirectional)
    {
        var name = GetType().Name;
        if (inputSize <= 0 || hiddenSize <= 0) throw new ArgumentException($"{name}: input_size and hidden_size must be positive, got {inputSize} and {hiddenSize}");
        if (numLayers <= 0) throw new ArgumentException($"{name}: num_layers must be positive, got {numLayers}");
        if (dropout is < 0 or > 1 || double.IsNaN(dropout))
            throw new ArgumentException($"{name}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got {dropout}");
        (InputSize, HiddenSize, NumLayers, Bias, BatchFirst, Dropout, Bidirectional) = (inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional);
        var names = new List<string[]>();
        for (var layer = 0; layer < numLayers; layer++)
            for (var direction = 0; direction < NumDirections; direction++)
            {
                var suffix = $"_l{layer}" + (direction == 1 ? "_reverse" : "");
                var layerInput = layer == 0 ? inputSize : hiddenSize * NumDirections;
                var rows = Gates * hiddenSize;
                RegisterParameter("weight_ih" + suffix, new Parameter(Torch.Zeros(rows, layerInput)));
                RegisterParameter("weight_hh" + suffix, new Parameter(Torch.Zeros(rows, hiddenSize)));
                if (bias)
                {
                    RegisterParameter("bias_ih" + suffix, new Parameter(Torch.Zeros(rows)));
                    RegisterParameter("bias_hh" + suffix, new Parameter(Torch.Zeros(rows)));
                }
                names.Add(bias ? new[] { "weight_ih" + suffix, "weight_hh" + suffix, "bias_ih" + suffix, "bias_hh" + suffix }
                               : new[] { "weight_ih" + suffix, "weight_hh" + suffix });
            }
        _weightNames = names.ToArray();
        ResetParameters();
    }

    /// <summary>Every parameter from U(−1/√hidden, 1/√hidden), as PyTorch.</summary>
    public void ResetParameters()
    {
        var bound = 1 / Math.Sqrt(HiddenSize);
        foreach (var p in Parameters(recurse: false)) Init.Uniform(p, -bound, bound);
    }

    /// <summary>The parameters per layer and direction: [w_ih, w_hh, (b_ih, b_hh)] (PyTorch's all_weights).</summary>
    public Parameter[][] AllWeights
    {
        get
        {
            var byName = NamedParameters(recurse: false).ToDictionary(p => p.Name, p => p.Parameter);
            return _weightNames.Select(ns => ns.Select(n => byName[n]).ToArray()).ToArray();
        }
    }

    /// <summary>One time step: the input already projected (x·W_ihᵀ + b_ih), the states, W_hhᵀ and b_hh → new states (hidden first).</summary>
    protected abstract Tensor[] Cell(Tensor inputProjection, Tensor[] state, Tensor weightHhT, Tensor? biasHh);

    /// <summary>"LSTM(10, 20)": how messages name the layer.</summary>
    protected string Name => $"{GetType().Name}({InputSize}, {HiddenSize})";

    /// <summary>
    /// Runs every layer and direction over the sequence. <paramref name="initial"/> holds
    /// initial states, named in messages by <paramref name="stateNames"/>, of shape
    /// (layers·directions, N, H) or, unbatched, (layers·directions, H) (null entries are zeros). Returns the last layer's outputs and the final states.
    /// </summary>
    protected (Tensor Output, Tensor[] States) Run(Tensor input, Tensor?[] initial, string[] stateNames)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Dim != 2 && input.Dim != 3)
            throw new ArgumentException($"{Name}: expected 2D (unbatched) or 3D (batched) input (got {input.Dim}D input of shape {LayerText.Shape(input.Shape)})");
        if (input.Shape[^1] != InputSize)
            throw new ArgumentException($"{Name}: expected input with {InputSize} features in the last dim (got {input.Shape[^1]}, input shape {LayerText.Shape(input.Shape)})");
        var batched = input.Dim == 3;
        var x = !batched ? input.Unsqueeze(1) : BatchFirst ? input.Transpose(0, 1) : input;      // (L, N, H_in)
        int steps = x.Shape[0], batch = x.Shape[1], slots = NumLayers * NumDirections;
        var states = new Tensor[initial.Length];
        for (var k = 0; k < initial.Length; k++)
        {
            var expected = batched ? new[] { slots, batch, HiddenSize } : new[] { slots, HiddenSize };
            if (initial[k] is not { } s) states[k] = Torch.Zeros(new[] { slots, batch, HiddenSize }, input.DType, input.Device);
            else if (!s.Shape.SequenceEqual(expected))
                throw new ArgumentException($"{Name}: expected {stateNames[k]} of shape {LayerText.Shape(expected)} (got {LayerText.Shape(s.Shape)})");
            else states[k] = batched ? s : s.Unsqueeze(1);
        }
        var weights = AllWeights;
        var finals = initial.Select(_ => new Tensor[slots]).ToArray();
        for (var layer = 0; layer < NumLayers; layer++)
        {
            var outputs = new Tensor[NumDirections];
            for (var direction = 0; direction < NumDirections; direction++)
            {
                var slot = layer * NumDirections + direction;
                var w = weights[slot];
                var projected = x.MatMul(w[0].T);                                              // (L, N, gates·H), all steps at once
                if (Bias) projected = projected + w[2];
                var weightHhT = w[1].T;
                var state = states.Select(s => s.Select(0, slot)).ToArray();
                var hidden = new Tensor[steps];
                for (var i = 0; i < steps; i++)
                {
                    var t = direction == 0 ? i : steps - 1 - i;
                    state = Cell(projected.Select(0, t), state, weightHhT, Bias ? w[3] : null);
                    hidden[t] = state[0];
                }
                outputs[direction] = steps > 0 ? Join.Stack(hidden, 0) : Torch.Zeros(new[] { 0, batch, HiddenSize }, input.DType, input.Device);
                for (var k = 0; k < state.Length; k++) finals[k][slot] = state[k];
            }
            x = NumDirections == 1 ? outputs[0] : Join.Cat(outputs, 2);
            if (Dropout > 0 && Training && layer < NumLayers - 1) x = Functional.Dropout(x, Dropout, true, null!);
        }
        var output = !batched ? x.Squeeze(1) : BatchFirst ? x.Transpose(0, 1) : x;
        var final = finals.Select(f => batched ? Join.Stack(f, 0) : Join.Stack(f, 0).Squeeze(1)).ToArray();
        return (output, final);
    }

    /// <inheritdoc />
    protected override string ExtraRepr() =>
        $"{InputSize}, {HiddenSize}" +
        (NumLayers != 1 ? $", num_layers={NumLayers}" : "") +
        (!Bias ? ", bias=False" : "") +
        (BatchFirst ? ", batch_first=True" : "") +
        (Dropout != 0 ? $", dropout={Py(Dropout)}" : "") +
        (Bidirectional ? ", bidirectional=True" : "");
}
