using Hybrid.NN;

namespace Hybrid.Examples.Mnist;

/// <summary>LeNet-5 for 28×28 digits: the first convolution pads by 2, as if the input were 32×32.</summary>
public sealed class LeNet5 : Module
{
    readonly Conv2d conv1 = new(1, 6, 5, padding: 2);
    readonly Conv2d conv2 = new(6, 16, 5);
    readonly Linear fc1 = new(16 * 5 * 5, 120);
    readonly Linear fc2 = new(120, 84);
    readonly Linear fc3 = new(84, 10);

    public override Tensor Forward(Tensor x)
    {
        x = Functional.MaxPool2d(conv1.Forward(x).Relu(), 2);
        x = Functional.MaxPool2d(conv2.Forward(x).Relu(), 2);
        x = x.Flatten(1);
        x = fc1.Forward(x).Relu();
        x = fc2.Forward(x).Relu();
        return fc3.Forward(x);
    }
}
