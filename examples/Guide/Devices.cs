using Hybrid.NN;

namespace Hybrid.Examples.Guide;

public static class Devices
{
    public static void Run()
    {
        #region devices
        // PyTorch's idiom: the GPU when the driver reports one, else the CPU.
        var device = Torch.Cuda.IsAvailable() ? Device.Cuda : Device.Cpu;
        Console.WriteLine($"training on {device}");

        // "ilgpu" runs the GPU backend's kernels on ILGPU's CPU accelerator: the GPU code path,
        // on any machine (this is how the tests check the GPU kernels without a GPU).
        var gpu = Device.Parse("ilgpu");
        Torch.ManualSeed(0);
        var model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 1));
        model.To(gpu);
        var x = Torch.Ones(2, 3).To(gpu);
        var y = model.Call(x);
        Console.WriteLine($"y.Device = {y.Device}");
        Console.WriteLine($"y = {y.To(Device.Cpu)}");

        // Operands on two devices are an error that names both, as in PyTorch.
        try
        {
            _ = x + Torch.Ones(2, 3);
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine(e.Message);
        }
        #endregion
    }
}
