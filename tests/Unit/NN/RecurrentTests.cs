using Hybrid.NN;
using Xunit;
using static Hybrid.Unit.NN.NNTest;

namespace Hybrid.Unit.NN;

public class RecurrentTests
{
    static RNNBase Make(string kind, int input, int hidden, int layers = 1, bool bias = true, bool batchFirst = false, double dropout = 0, bool bidirectional = false) => kind switch
    {
        "RNN" => new RNN(input, hidden, layers, "tanh", bias, batchFirst, dropout, bidirectional),
        "LSTM" => new LSTM(input, hidden, layers, bias, batchFirst, dropout, bidirectional),
        _ => new GRU(input, hidden, layers, bias, batchFirst, dropout, bidirectional),
    };

    /// <summary>Output and every final state of any of the three.</summary>
    static (Tensor Output, Tensor[] States) Run(RNNBase m, Tensor x, params Tensor[] states)
    {
        switch (m)
        {
            case LSTM lstm:
                var (output, (h, c)) = lstm.Forward(x, states.Length == 2 ? (states[0], states[1]) : null);
                return (output, new[] { h, c });
            case RNN rnn:
                var r = rnn.Forward(x, states.FirstOrDefault());
                return (r.Output, new[] { r.H });
            default:
                var g = ((GRU)m).Forward(x, states.FirstOrDefault());
                return (g.Output, new[] { g.H });
        }
    }

    static int[] ShapeOf(Module m, string name) => m.NamedParameters().First(p => p.Name == name).Parameter.Shape;

    [Theory]
    [InlineData("RNN")]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    public void Two_layer_bidirectional_shapes_in_every_layout(string kind)
    {
        var seqFirst = Make(kind, 4, 5, layers: 2, bidirectional: true);
        var (o1, s1) = Run(seqFirst, Randn(1, 6, 3, 4));
        Assert.Equal(new[] { 6, 3, 10 }, o1.Shape);
        Assert.All(s1, s => Assert.Equal(new[] { 4, 3, 5 }, s.Shape));

        var batchFirst = Make(kind, 4, 5, layers: 2, batchFirst: true, bidirectional: true);
        var (o2, s2) = Run(batchFirst, Randn(2, 3, 6, 4));
        Assert.Equal(new[] { 3, 6, 10 }, o2.Shape);
        Assert.All(s2, s => Assert.Equal(new[] { 4, 3, 5 }, s.Shape));

        var (o3, s3) = Run(batchFirst, Randn(3, 6, 4));
        Assert.Equal(new[] { 6, 10 }, o3.Shape);
        Assert.All(s3, s => Assert.Equal(new[] { 4, 5 }, s.Shape));
        Assert.Equal(new[] { 6, 10 }, batchFirst.Forward(Randn(3, 6, 4)).Shape);
    }

    [Theory]
    [InlineData("RNN")]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    public void Batch_first_and_unbatched_give_the_same_numbers(string kind)
    {
        var a = Make(kind, 3, 4, layers: 2, bidirectional: true);
        var b = Make(kind, 3, 4, layers: 2, batchFirst: true, bidirectional: true);
        b.LoadStateDict(a.StateDict());
        var x = Randn(4, 5, 2, 3);
        var (oa, sa) = Run(a, x);
        var (ob, sb) = Run(b, x.Transpose(0, 1));
        Expect.Close(ob.Transpose(0, 1).Contiguous(), D(oa));
        for (var k = 0; k < sa.Length; k++) Expect.Close(sb[k], D(sa[k]));
        var (single, states) = Run(a, x.Select(1, 1));
        Expect.Close(single, D(oa.Select(1, 1)));
        Expect.Close(states[0], D(sa[0].Select(1, 1)));
    }

    [Fact]
    public void The_final_hidden_state_is_the_last_output_of_the_last_layer()
    {
        var gru = new GRU(3, 4, numLayers: 2);
        var (output, h) = gru.Forward(Randn(5, 7, 2, 3), null);
        Expect.Close(h[1], D(output[6]));
    }

    [Fact]
    public void Parameters_are_named_and_shaped_as_pytorch()
    {
        var lstm = new LSTM(10, 20, numLayers: 2, bidirectional: true);
        var expected = new List<string>();
        foreach (var layer in new[] { "l0", "l1" })
            foreach (var dir in new[] { "", "_reverse" })
                expected.AddRange(new[] { "weight_ih_", "weight_hh_", "bias_ih_", "bias_hh_" }.Select(n => n + layer + dir));
        Assert.Equal(expected, Names(lstm));
        var p = lstm.NamedParameters().ToDictionary(x => x.Name, x => x.Parameter.Shape);
        Assert.Equal(new[] { 80, 10 }, p["weight_ih_l0"]);
        Assert.Equal(new[] { 80, 20 }, p["weight_hh_l0_reverse"]);
        Assert.Equal(new[] { 80, 40 }, p["weight_ih_l1"]);
        Assert.Equal(new[] { 80 }, p["bias_hh_l1_reverse"]);
        Assert.Equal(new[] { 60, 5 }, ShapeOf(new GRU(5, 20), "weight_ih_l0"));
        Assert.Equal(new[] { "weight_ih_l0", "weight_hh_l0" }, Names(new RNN(3, 4, bias: false)));
        Assert.Equal(4, lstm.AllWeights.Length);
    }

    [Theory]
    [InlineData("RNN")]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    public void Every_parameter_starts_uniform_within_one_over_root_hidden(string kind)
    {
        var m = Make(kind, 16, 25, layers: 2);
        var bound = 1 / Math.Sqrt(25);
        var all = m.Parameters().SelectMany(D).ToArray();
        Assert.All(all, v => Assert.InRange(Math.Abs(v), 0, bound));
        Assert.True(all.Max(Math.Abs) > 0.98 * bound);
        Assert.InRange(all.Average(), -0.01, 0.01);
        Assert.InRange(all.Select(v => v * v).Average(), bound * bound / 3 * 0.9, bound * bound / 3 * 1.1);
    }

    [Theory]
    [InlineData("RNN")]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    public void Gradients_with_respect_to_input_and_initial_states_pass_gradcheck(string kind)
    {
        var m = Make(kind, 2, 2, layers: 2, bidirectional: true);
        m.To(DType.Float64);
        var inputs = new List<Tensor> { Randn64(1, 2, 1, 2), Randn64(2, 4, 1, 2) };
        if (kind == "LSTM") inputs.Add(Randn64(3, 4, 1, 2));
        Assert.True(GradCheck.Check(xs =>
        {
            var (o, s) = Run(m, xs[0], xs.Skip(1).ToArray());
            return Join.Cat(s.Prepend(o).Select(t => t.Reshape(-1)).ToArray(), 0);
        }, inputs.ToArray()));
    }

    [Theory]
    [InlineData("RNN")]
    [InlineData("LSTM")]
    [InlineData("GRU")]
    public void Parameter_gradients_match_finite_differences(string kind)
    {
        var m = Make(kind, 2, 3, layers: 2, bidirectional: true);
        m.To(DType.Float64);
        var x = Randn64(4, 3, 2, 2);
        var u = Randn64(5, 3, 2, 6);
        CheckParameterGradients(m, () => (Run(m, x).Output * u).Sum() + Run(m, x).States[0].Sum(), entries: 2);
    }

    [Fact]
    public void Dropout_acts_between_layers_only_while_training()
    {
        var noisy = new LSTM(3, 8, numLayers: 2, dropout: 0.5);
        var clean = new LSTM(3, 8, numLayers: 2);
        clean.LoadStateDict(noisy.StateDict());
        var x = Randn(6, 4, 2, 3);
        Assert.NotEqual(D(noisy.Forward(x)), D(noisy.Forward(x)));
        noisy.Eval();
        Assert.Equal(D(noisy.Forward(x)), D(noisy.Forward(x)));
        Expect.Close(noisy.Forward(x), D(clean.Forward(x)));
    }

    [Fact]
    public void Prints_as_pytorch()
    {
        Assert.Equal("LSTM(10, 20, num_layers=2, batch_first=True)", new LSTM(10, 20, numLayers: 2, batchFirst: true).ToString());
        Assert.Equal("RNN(4, 8, bias=False, dropout=0.5, bidirectional=True)", new RNN(4, 8, bias: false, dropout: 0.5, bidirectional: true).ToString());
        Assert.Equal("RNN(4, 8)", new RNN(4, 8, nonlinearity: "relu").ToString());
        Assert.Equal("GRU(3, 5)", new GRU(3, 5).ToString());
    }

    [Fact]
    public void Bad_inputs_name_the_layer_what_it_expected_and_what_it_got()
    {
        var lstm = new LSTM(10, 20, numLayers: 2);
        ThrowsWith(() => lstm.Forward(Randn(1, 5, 3, 7)), "LSTM(10, 20)", "10 features", "got 7", "(5, 3, 7)");
        ThrowsWith(() => lstm.Forward(Randn(1, 2, 5, 3, 10)), "LSTM(10, 20)", "2D (unbatched) or 3D (batched)", "got 4D");
        ThrowsWith(() => lstm.Forward(Randn(1, 5, 3, 10), (Randn(2, 1, 3, 20), Randn(3, 2, 3, 20))), "LSTM(10, 20)", "h0 of shape (2, 3, 20)", "got (1, 3, 20)");
        ThrowsWith(() => new GRU(4, 6).Forward(Randn(1, 5, 3, 4), Randn(2, 1, 2, 6)), "GRU(4, 6)", "(1, 3, 6)", "(1, 2, 6)");
        ThrowsWith(() => new RNN(4, 6, nonlinearity: "sigmoid"), "Unknown nonlinearity 'sigmoid'");
        ThrowsWith(() => new GRU(4, 6, dropout: 1.5), "dropout should be a number in range [0, 1]");
    }
}
