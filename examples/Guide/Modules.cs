using Hybrid.NN;

namespace Hybrid.Examples.Guide;

#region module
/// <summary>A two-layer perceptron: submodules assigned to fields are registered by name.</summary>
public sealed class Mlp : Module
{
    readonly Linear hidden;
    readonly Linear output;

    public Mlp(int inputs, int width, int outputs)
    {
        hidden = new Linear(inputs, width);
        output = new Linear(width, outputs);
    }

    public override Tensor Forward(Tensor x) => output.Forward(Torch.Relu(hidden.Forward(x)));
}
#endregion

public static class Modules
{
    public static void Run()
    {
        #region use-module
        Torch.ManualSeed(0);
        var model = new Mlp(inputs: 4, width: 8, outputs: 2);
        Console.WriteLine(model);
        foreach (var (name, p) in model.NamedParameters())
            Console.WriteLine($"{name}: ({string.Join(", ", p.Shape)})");

        var y = model.Forward(Torch.Randn(3, 4));
        Console.WriteLine($"output shape: ({string.Join(", ", y.Shape)})");

        // The same network from ready-made layers:
        var sequential = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
        Console.WriteLine(sequential);
        #endregion
    }
}
