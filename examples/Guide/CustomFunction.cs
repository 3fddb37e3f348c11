namespace Hybrid.Examples.Guide;

#region function
/// <summary>y = x³, with its derivative written by hand (torch.autograd.Function).</summary>
public sealed class Cube : Autograd.Function
{
    protected override Tensor Forward(Autograd.FunctionContext ctx, Tensor[] inputs)
    {
        ctx.SaveForBackward(inputs[0]);
        return inputs[0].Pow(3);
    }

    protected override Tensor?[] Backward(Autograd.FunctionContext ctx, Tensor gradOutput)
    {
        var x = ctx.SavedTensors[0];
        return new[] { gradOutput * 3 * x.Pow(2) };
    }
}
#endregion

public static class CustomFunction
{
    public static void Run()
    {
        #region use-function
        var x = Torch.Tensor(new[] { 1.0, 2.0, 3.0 }, requiresGrad: true);
        var y = new Cube().Apply(x).Sum();
        y.Backward();
        Console.WriteLine($"y = {y}");
        Console.WriteLine($"dy/dx = {x.Grad}");

        // GradCheck compares the hand-written backward with finite differences (float64 inputs).
        var ok = GradCheck.Check(xs => new Cube().Apply(xs[0]), new[] { Torch.Randn(new[] { 5 }, DType.Float64) });
        Console.WriteLine($"GradCheck: {ok}");
        #endregion
    }
}
