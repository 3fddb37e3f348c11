using Hybrid.Unit.Packaging;
using Xunit;

namespace Hybrid.Unit.Examples;

/// <summary>
/// Every example program runs to completion and prints what its README / the docs say. The docs
/// site shows C# only from these programs (docs/*.fsx include their #regions), so this is what
/// keeps every line of C# on the site compiling and running.
/// </summary>
public class ExampleProgramTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    static string Run(string example, string args = "")
    {
        var dll = Path.Combine(Repo.Root, "examples", example, "bin", Repo.Configuration, "net10.0", example + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var (code, output) = Repo.Dotnet(Repo.Root, $"\"{dll}\" {args}", Timeout);
        Assert.True(code == 0, $"{example} exited with {code}:\n{output}");
        return output;
    }

    [Fact]
    public void Quickstart_prints_the_seed_results()
    {
        var output = Run("Quickstart");
        Assert.Contains("out = tensor(8., grad_fn=<MeanBackward0>)", output);
        Assert.Contains("a.Grad = tensor([[2., 2.],", output);
        Assert.Contains("d2y/dx2 = tensor(2.)", output);
        Assert.Contains("x = 0.999959 (expected 1 - 0.98^500 = 0.999959)", output);
    }

    [Fact]
    public void Mnist_trains_on_the_simulated_GPU_device()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"hybrid-mnist-gpu-{Guid.NewGuid():N}");
        try
        {
            var output = Run("Mnist", $"--device ilgpu --epochs 1 --limit 256 --batch-size 64 --out \"{dir}\"");
            Assert.Contains("device ilgpu:0", output);
            Assert.Contains("test accuracy", output);
            Assert.True(File.Exists(Path.Combine(dir, "lenet5.safetensors")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SimpleNN_prints_the_model_and_ten_loss_lines()
    {
        var output = Run("SimpleNN");
        Assert.Contains("(fc1): Linear(in_features=2, out_features=2, bias=True)", output);
        Assert.Equal(10, output.Split('\n').Count(l => l.StartsWith("Epoch [")));
    }

    [Fact]
    public void OptimizerComparison_writes_its_plot()
    {
        var png = Path.Combine(Path.GetTempPath(), $"hybrid-optimizers-{Guid.NewGuid():N}.png");
        try
        {
            var output = Run("OptimizerComparison", $"\"{png}\"");
            foreach (var name in new[] { "SGD", "Momentum", "RMSprop", "Adam" })
                Assert.Contains($"{name}", output);
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 1000 && bytes[1] == (byte)'P' && bytes[2] == (byte)'N' && bytes[3] == (byte)'G', "not a PNG");
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public void Guide_runs_every_section_of_the_docs()
    {
        var output = Run("Guide");
        foreach (var section in new[] { "modules", "custom-function", "losses", "data", "devices", "saving" })
            Assert.Contains($"== {section} ==", output);
        Assert.Contains("GradCheck: True", output);
        Assert.Contains("dy/dx = tensor([ 3., 12., 27.], dtype=torch.float64)", output);
        Assert.Contains("MSE   tensor(0.3750)", output);
        Assert.Contains("same output: True", output);
    }

    [Fact]
    public void Guide_rejects_an_unknown_section()
    {
        var dll = Path.Combine(Repo.Root, "examples", "Guide", "bin", Repo.Configuration, "net10.0", "Guide.dll");
        var (code, output) = Repo.Dotnet(Repo.Root, $"\"{dll}\" nonsense", Timeout);
        Assert.Equal(2, code);
        Assert.Contains("unknown section 'nonsense'", output);
    }
}
