using Hybrid.Cpu;
using Hybrid.NN;
using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Backends;

/// <summary>The same seed gives bit-identical training, whatever the number of threads.</summary>
[Collection(CpuGemmCollection.Name)]
public class ThreadCountDeterminismTests
{
    static float[] TrainLosses(int threads)
    {
        var saved = Torch.GetNumThreads();
        Torch.SetNumThreads(threads);
        try
        {
            var g = new Generator(11);
            // Large enough that the GEMM, reductions and softmax all take their threaded paths.
            var x = Torch.Randn(new[] { 256, 784 }, DType.Float32, g);
            var y = Torch.RandInt(0, 10, new[] { 256 }, DType.Int64, g);
            Torch.ManualSeed(4);
            var model = new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10));
            var optimizer = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
            var criterion = new CrossEntropyLoss();
            var losses = new float[5];
            for (var step = 0; step < losses.Length; step++)
            {
                var loss = criterion.Forward(model.Forward(x), y);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                losses[step] = loss.Item<float>();
            }
            return losses;
        }
        finally { Torch.SetNumThreads(saved); }
    }

    [Fact]
    public void MLP_training_losses_are_bit_identical_with_one_and_two_threads()
    {
        var one = TrainLosses(1);
        var two = TrainLosses(2);
        Assert.Equal(one.Select(BitConverter.SingleToInt32Bits), two.Select(BitConverter.SingleToInt32Bits));
        Assert.True(one[^1] < one[0], "training lowers the loss");
    }

    [Fact]
    public void The_thread_count_is_set_and_read_back_and_a_count_out_of_range_is_refused()
    {
        var saved = Torch.GetNumThreads();
        try
        {
            Assert.Equal(Math.Min(Environment.ProcessorCount, 64), saved);
            Torch.SetNumThreads(1);
            Assert.Equal(1, Torch.GetNumThreads());
            Assert.Equal(1, CpuParallel.MaxThreads);
            Torch.SetNumThreads(3);
            Assert.Equal(3, TensorModule.getNumThreads());
            foreach (var bad in new[] { 0, -2, 65 })
            {
                var e = Assert.Throws<ArgumentException>(() => Torch.SetNumThreads(bad));
                Assert.Contains("set_num_threads", e.Message);
                Assert.Contains($"got {bad}", e.Message);
            }
            Assert.Equal(3, Torch.GetNumThreads());
        }
        finally { Torch.SetNumThreads(saved); }
    }
}
