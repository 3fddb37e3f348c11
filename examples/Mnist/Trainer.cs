using System.Diagnostics;
using Hybrid.Data;
using Hybrid.IO;
using Hybrid.NN;
using Hybrid.Optim;

namespace Hybrid.Examples.Mnist;

/// <summary>One epoch's figures.</summary>
public sealed record EpochResult(int Epoch, double Loss, double TrainAccuracy, double TestAccuracy, double SamplesPerSecond, double Seconds);

/// <summary>Progress within an epoch, reported after every batch.</summary>
public sealed record BatchProgress(int Epoch, int Epochs, int Seen, int Total, double Loss, double Accuracy, double SamplesPerSecond);

/// <summary>
/// Trains LeNet-5 on MNIST with Adam and cross-entropy, evaluates on the test split after each
/// epoch, and writes the model (safetensors) and a checkpoint (model, optimizer, epoch, RNG)
/// atomically, so a run can be resumed and continues exactly as an uninterrupted one would.
/// </summary>
public sealed class Trainer(Options options)
{
    public const string ModelFile = "lenet5.safetensors";
    public const string CheckpointFile = "checkpoint.safetensors";

    /// <summary>Digits as (N, 1, 28, 28) floats normalised with MNIST's mean and std, and Int64 labels.</summary>
    public static (Tensor Images, Tensor Labels) Prepare(Tensor data, Tensor targets) =>
        (((data.To(DType.Float32) / 255.0 - 0.1307) / 0.3081).Unsqueeze(1), targets);

    /// <summary>Runs every epoch not yet in the checkpoint (all of them unless resuming); returns the history.</summary>
    public List<EpochResult> Run(Tensor trainImages, Tensor trainLabels, Tensor testImages, Tensor testLabels, Action<BatchProgress>? onBatch = null)
    {
        Torch.ManualSeed(options.Seed);
        var model = new LeNet5();
        model.To(options.Device);
        var optimizer = new Adam(model.Parameters(), lr: options.Lr);
        var criterion = new CrossEntropyLoss();
        var loader = new DataLoader(new TensorDataset(trainImages, trainLabels), batchSize: options.BatchSize, shuffle: true,
            generator: new Generator(unchecked((ulong)options.Seed) + 1));
        Directory.CreateDirectory(options.OutDir);
        var checkpointPath = Path.Combine(options.OutDir, CheckpointFile);

        var history = new List<EpochResult>();
        var start = 0;
        if (options.Resume && File.Exists(checkpointPath))
        {
            var checkpoint = Checkpoint.Load(checkpointPath);
            model.LoadStateDict(checkpoint.Model);
            optimizer.LoadStateDict(OptimizerStateFlat.Unflatten(checkpoint.Optimizer, checkpoint.OptimizerScalars));
            checkpoint.RestoreRng();
            checkpoint.RestoreRng("loader", loader.Generator);
            start = checkpoint.Epoch;
            history.AddRange(HistoryCodec.Decode(checkpoint.Extra));
        }

        for (var epoch = start; epoch < options.Epochs; epoch++)
        {
            model.Train();
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            long correct = 0, seen = 0;
            foreach (var batch in loader)
            {
                var (x, y) = (batch[0].To(options.Device), batch[1].To(options.Device));
                var logits = model.Forward(x);
                var loss = criterion.Forward(logits, y);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();

                var n = y.Shape[0];
                lossSum += loss.Item<float>() * n;
                correct += logits.ArgMax(1).Eq(y).Long().Sum().ToInt64();
                seen += n;
                onBatch?.Invoke(new BatchProgress(epoch + 1, options.Epochs, (int)seen, trainLabels.Shape[0], lossSum / seen, (double)correct / seen, seen / clock.Elapsed.TotalSeconds));
            }
            var seconds = clock.Elapsed.TotalSeconds;
            var testAccuracy = Evaluate(model, testImages, testLabels, options.Device);
            history.Add(new EpochResult(epoch + 1, lossSum / seen, (double)correct / seen, testAccuracy, seen / seconds, seconds));

            var (optimTensors, optimScalars) = OptimizerStateFlat.Flatten(optimizer.StateDict());
            Torch.Save(model.StateDict(), Path.Combine(options.OutDir, ModelFile));
            Checkpoint.Save(checkpointPath, model.StateDict(), optimTensors, optimScalars, epoch + 1,
                new Dictionary<string, Generator> { ["loader"] = loader.Generator }, HistoryCodec.Encode(history));
        }
        return history;
    }

    /// <summary>Accuracy on a split, in batches of 1000 moved to the model's device, without recording the graph.</summary>
    public static double Evaluate(Module model, Tensor images, Tensor labels, Device device)
    {
        model.Eval();
        using var _ = Torch.NoGrad();
        long correct = 0;
        var n = labels.Shape[0];
        for (var i = 0; i < n; i += 1000)
        {
            var count = Math.Min(1000, n - i);
            var predictions = model.Forward(images.Narrow(0, i, count).To(device)).ArgMax(1);
            correct += predictions.Eq(labels.Narrow(0, i, count).To(device)).Long().Sum().ToInt64();
        }
        return (double)correct / n;
    }
}
