// Seed 004: a two-layer network fitted to 10 random samples with MSE and Adam, printing the
// loss every 10 epochs, as the PyTorch original does.
using Hybrid;
using Hybrid.NN;
using Hybrid.Optim;

Torch.ManualSeed(42);
var model = new SimpleNN();
Console.WriteLine(model);

var x = Torch.Randn(10, 2);
var y = Torch.Randn(10, 1);
var criterion = new MSELoss();
var optimizer = new Adam(model.Parameters(), lr: 0.001);

for (var epoch = 0; epoch < 100; epoch++)
{
    optimizer.ZeroGrad();
    var loss = criterion.Forward(model.Forward(x), y);
    loss.Backward();
    optimizer.Step();
    if ((epoch + 1) % 10 == 0)
        Console.WriteLine($"Epoch [{epoch + 1}/100], Loss: {loss.Item<float>():F4}");
}

/// <summary>Linear 2→2, ReLU, Linear 2→1.</summary>
class SimpleNN : Module
{
    readonly Linear fc1 = new(2, 2), fc2 = new(2, 1);

    public override Tensor Forward(Tensor x) => fc2.Forward(Torch.Relu(fc1.Forward(x)));
}
