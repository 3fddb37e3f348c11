using Hybrid.NN;

namespace Hybrid.Examples.Guide;

public static class Losses
{
    public static void Run()
    {
        #region losses
        // Regression: mean squared error, L1, Huber.
        var prediction = Torch.Tensor(new[] { 2.5f, 0.0f, 2.0f, 8.0f });
        var target = Torch.Tensor(new[] { 3.0f, -0.5f, 2.0f, 7.0f });
        Console.WriteLine($"MSE   {new MSELoss().Forward(prediction, target)}");
        Console.WriteLine($"L1    {new L1Loss().Forward(prediction, target)}");
        Console.WriteLine($"Huber {new HuberLoss(delta: 0.5).Forward(prediction, target)}");
        Console.WriteLine($"per element {new MSELoss(Reduction.None).Forward(prediction, target)}");

        // Classification: logits of 2 samples over 3 classes, and the class indices (int64).
        var logits = Torch.Tensor(new[,] { { 2.0f, 0.5f, -1.0f }, { 0.1f, 0.2f, 3.0f } }, requiresGrad: true);
        var classes = Torch.Tensor(new[] { 0L, 2L });
        var loss = new CrossEntropyLoss().Forward(logits, classes);
        loss.Backward();
        Console.WriteLine($"cross entropy {loss}");
        Console.WriteLine($"d loss / d logits {logits.Grad}");

        // Binary: BCEWithLogitsLoss takes raw scores (more stable than Sigmoid + BCELoss).
        var scores = Torch.Tensor(new[] { 1.5f, -0.3f, 0.8f });
        var labels = Torch.Tensor(new[] { 1f, 0f, 1f });
        Console.WriteLine($"BCE with logits {new BCEWithLogitsLoss().Forward(scores, labels)}");
        #endregion
    }
}
