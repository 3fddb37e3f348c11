using Hybrid.NN;

namespace Hybrid.Unit.NNCore;

/// <summary>Seed 004's network, written as a PyTorch user would.</summary>
public sealed class SimpleNN : Module
{
    readonly Linear fc1 = new(2, 2), fc2 = new(2, 1);

    public override Tensor Forward(Tensor x) => fc2.Forward(Torch.Relu(fc1.Forward(x)));
}

/// <summary>Seed 002's LeNet, almost line for line.</summary>
public sealed class LeNet : Module
{
    readonly Conv2d conv1 = new(1, 6, 5);
    readonly Conv2d conv2 = new(6, 16, 5);
    readonly Linear fc1 = new(16 * 5 * 5, 120);
    readonly Linear fc2 = new(120, 84);
    readonly Linear fc3 = new(84, 10);

    public override Tensor Forward(Tensor x)
    {
        x = Functional.MaxPool2d(Torch.Relu(conv1.Forward(x)), 2);
        x = Functional.MaxPool2d(Torch.Relu(conv2.Forward(x)), 2);
        x = x.Flatten(1);
        x = Torch.Relu(fc1.Forward(x));
        x = Torch.Relu(fc2.Forward(x));
        return fc3.Forward(x);
    }
}
