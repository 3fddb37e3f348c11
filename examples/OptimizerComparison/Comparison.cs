using Hybrid.NN;
using Hybrid.Optim;

namespace Hybrid.Examples;

/// <summary>
/// Seed 002's optimizer comparison: 1000 points x in [−1, 1], y = x² + 0.1·noise, a 1→20→1
/// network per optimizer, lr 0.01, batch 32, 12 epochs; each optimizer's loss per step.
/// </summary>
public static class Comparison
{
    /// <summary>The seed's network: Linear 1→20, ReLU, Linear 20→1.</summary>
    public sealed class Net : Module
    {
        readonly Linear hidden = new(1, 20);
        readonly Linear predict = new(20, 1);

        public override Tensor Forward(Tensor x) => predict.Forward(Torch.Relu(hidden.Forward(x)));
    }

    /// <summary>The four optimizers of the seed, by name, each over its own network's parameters.</summary>
    public static (string Name, Func<IEnumerable<Parameter>, Optimizer> Make)[] Optimizers { get; } =
    {
        ("SGD", ps => new SGD(ps, lr: 0.01)),
        ("Momentum", ps => new SGD(ps, lr: 0.01, momentum: 0.8)),
        ("RMSprop", ps => new RMSprop(ps, lr: 0.01, alpha: 0.9)),
        ("Adam", ps => new Adam(ps, lr: 0.01, betas: (0.9, 0.99))),
    };

    /// <summary>Trains one network per optimizer on the same batches; returns the loss of every step.</summary>
    public static Dictionary<string, List<float>> Run(int epochs = 12, int batchSize = 32, long seed = 1)
    {
        Torch.ManualSeed(seed);
        var x = Torch.Linspace(-1, 1, 1000).Unsqueeze(1);
        var y = x.Pow(2) + Torch.Rand(x.Shape, DType.Float32) * 0.1;

        var nets = Optimizers.Select(_ => new Net()).ToArray();
        var optimizers = Optimizers.Select((o, i) => o.Make(nets[i].Parameters())).ToArray();
        var losses = Optimizers.ToDictionary(o => o.Name, _ => new List<float>());
        var criterion = new MSELoss();
        var shuffle = new Generator(7);

        for (var epoch = 0; epoch < epochs; epoch++)
        {
            // One shuffled order per epoch, shared by the four optimizers so they see the same batches.
            var order = Torch.RandPerm(1000, shuffle);
            for (var start = 0; start < 1000; start += batchSize)
            {
                var idx = order.Narrow(0, start, Math.Min(batchSize, 1000 - start));
                var bx = x.IndexSelect(0, idx);
                var by = y.IndexSelect(0, idx);
                for (var k = 0; k < nets.Length; k++)
                {
                    var loss = criterion.Forward(nets[k].Forward(bx), by);
                    optimizers[k].ZeroGrad();
                    loss.Backward();
                    optimizers[k].Step();
                    losses[Optimizers[k].Name].Add(loss.Item<float>());
                }
            }
        }
        return losses;
    }
}
