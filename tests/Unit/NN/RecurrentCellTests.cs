using Hybrid.NN;
using Xunit;
using static Hybrid.Unit.NN.NNTest;
using static Hybrid.Unit.NN.RecurrentReference;

namespace Hybrid.Unit.NN;

/// <summary>RNN, LSTM and GRU against cells worked out by hand from their parameters.</summary>
public class RecurrentCellTests
{
    static double[] Row(Tensor t, int i) => D(t.Select(0, i));

    [Fact]
    public void LSTM_single_step_matches_the_hand_computed_cell()
    {
        var lstm = new LSTM(3, 2);
        var x = Randn(1, 1, 2, 3);
        var h0 = Randn(2, 1, 2, 2);
        var c0 = Randn(3, 1, 2, 2);
        var (output, (h, c)) = lstm.Forward(x, (h0, c0));
        var w = Weights(lstm, 0, false);
        for (var b = 0; b < 2; b++)
        {
            var (eh, ec) = LstmCell(Row(x[0], b), Row(h0[0], b), Row(c0[0], b), w);
            Expect.Close(output[0][b], eh);
            Expect.Close(h[0][b], eh);
            Expect.Close(c[0][b], ec);
        }
    }

    [Fact]
    public void GRU_single_step_matches_the_hand_computed_cell()
    {
        var gru = new GRU(3, 4);
        var x = Randn(4, 1, 2, 3);
        var h0 = Randn(5, 1, 2, 4);
        var (output, h) = gru.Forward(x, h0);
        var w = Weights(gru, 0, false);
        for (var b = 0; b < 2; b++)
        {
            var expected = GruCell(Row(x[0], b), Row(h0[0], b), w);
            Expect.Close(output[0][b], expected);
            Expect.Close(h[0][b], expected);
        }
    }

    [Theory]
    [InlineData("tanh")]
    [InlineData("relu")]
    public void RNN_single_step_matches_the_hand_computed_cell(string nonlinearity)
    {
        var rnn = new RNN(3, 4, nonlinearity: nonlinearity);
        var x = Randn(6, 1, 3, 3);
        var h0 = Randn(7, 1, 3, 4);
        var (output, h) = rnn.Forward(x, h0);
        var w = Weights(rnn, 0, false);
        for (var b = 0; b < 3; b++)
        {
            var expected = RnnCell(Row(x[0], b), Row(h0[0], b), w, relu: nonlinearity == "relu");
            Expect.Close(output[0][b], expected);
            Expect.Close(h[0][b], expected);
        }
    }

    [Fact]
    public void Bidirectional_GRU_runs_the_reverse_direction_backwards_in_time()
    {
        var gru = new GRU(2, 3, bidirectional: true);
        var x = Randn(8, 4, 2, 2);
        var h0 = Randn(9, 2, 2, 3);
        var (output, h) = gru.Forward(x, h0);
        Assert.Equal(new[] { 4, 2, 6 }, output.Shape);
        var xs = Sequence(x);
        for (var b = 0; b < 2; b++)
        {
            var seq = xs.Select(step => step[b]).ToArray();
            var fwd = GruDirection(seq, Row(h0[0], b), Weights(gru, 0, false), reverse: false);
            var bwd = GruDirection(seq, Row(h0[1], b), Weights(gru, 0, true), reverse: true);
            for (var t = 0; t < 4; t++) Expect.Close(output[t][b], fwd.Outputs[t].Concat(bwd.Outputs[t]).ToArray());
            Expect.Close(h[0][b], fwd.Final);
            Expect.Close(h[1][b], bwd.Final);
        }
    }

    [Fact]
    public void Two_layer_LSTM_feeds_the_first_layers_outputs_to_the_second()
    {
        var lstm = new LSTM(2, 3, numLayers: 2, bias: false);
        var x = Randn(10, 3, 1, 2);
        var (output, (h, c)) = lstm.Forward(x, null);
        var seq = Sequence(x).Select(step => step[0]).ToArray();
        var zeros = new double[3];
        var first = LstmDirection(seq, zeros, zeros, Weights(lstm, 0, false));
        var second = LstmDirection(first.Outputs, zeros, zeros, Weights(lstm, 1, false));
        for (var t = 0; t < 3; t++) Expect.Close(output[t][0], second.Outputs[t]);
        Expect.Close(h, new[] { 2, 1, 3 }, first.H.Concat(second.H).ToArray());
        Expect.Close(c, new[] { 2, 1, 3 }, first.C.Concat(second.C).ToArray());
    }

    static float[]?[] CellWeights(RNNCellBase cell) =>
        new[] { cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh }.Select(p => p?.Detach().ToArray<float>()).ToArray();

    [Fact]
    public void The_single_step_cells_match_the_hand_computed_cells_batched_and_unbatched()
    {
        var x = Randn(11, 2, 3);
        var h0 = Randn(12, 2, 4);
        var c0 = Randn(13, 2, 4);
        var lstm = new LSTMCell(3, 4);
        var gru = new GRUCell(3, 4);
        var rnn = new RNNCell(3, 4, nonlinearity: "relu");
        var (h, c) = lstm.Forward(x, (h0, c0));
        var hg = gru.Forward(x, h0);
        var hr = rnn.Forward(x, h0);
        for (var b = 0; b < 2; b++)
        {
            var (eh, ec) = LstmCell(Row(x, b), Row(h0, b), Row(c0, b), CellWeights(lstm));
            Expect.Close(h[b], eh);
            Expect.Close(c[b], ec);
            Expect.Close(hg[b], GruCell(Row(x, b), Row(h0, b), CellWeights(gru)));
            Expect.Close(hr[b], RnnCell(Row(x, b), Row(h0, b), CellWeights(rnn), relu: true));
        }
        // Unbatched, with the zero state by default.
        var single = gru.Forward(x[0]);
        Assert.Equal(new[] { 4 }, single.Shape);
        Expect.Close(single, GruCell(Row(x, 0), new double[4], CellWeights(gru)));
        Assert.Contains("expected input of shape (N, 3) or (3)", Assert.Throws<ArgumentException>(() => lstm.Forward(Torch.Zeros(2, 5))).Message);
    }
}
