using Hybrid.NN;
using Hybrid.Optim;

namespace Hybrid.Examples.Guide;

public static class Saving
{
    public static void Run()
    {
        var folder = Directory.CreateTempSubdirectory("hybrid-guide-");
        try
        {
            var path = Path.Combine(folder.FullName, "model.safetensors");
            #region save-load
            Torch.ManualSeed(0);
            var model = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
            Torch.Save(model.StateDict(), path);   // safetensors: readable by safetensors.torch.load_file

            var restored = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
            restored.LoadStateDict(Torch.Load(path));
            var x = Torch.Randn(4, 2);
            Console.WriteLine($"keys: {string.Join(", ", model.StateDict().Keys)}");
            Console.WriteLine($"same output: {model.Forward(x).Equal(restored.Forward(x))}");
            #endregion
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
