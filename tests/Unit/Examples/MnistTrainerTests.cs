using Hybrid.Examples.Mnist;
using Xunit;

namespace Hybrid.Unit.Examples;

public class MnistTrainerTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "hybrid-mnist-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A small digit-like problem: the label is which quadrant holds the brightest blob.</summary>
    static (Tensor, Tensor, Tensor, Tensor) Data()
    {
        var g = new Generator(5);
        Tensor Images(int n) => Torch.Rand(new[] { n, 28, 28 }, DType.Float32, g) * 255;
        var labels = Torch.RandInt(0, 10, new[] { 192 }, DType.Int64, g);
        var (trainX, trainY) = Trainer.Prepare(Images(192).To(DType.UInt8), labels);
        var (testX, testY) = Trainer.Prepare(Images(64).To(DType.UInt8), labels.Narrow(0, 0, 64));
        return (trainX, trainY, testX, testY);
    }

    Options Run(int epochs, bool resume, string sub, Device? device = null) =>
        new(Epochs: epochs, BatchSize: 32, Lr: 1e-3, DataDir: null, Device: device ?? Device.Cpu, Resume: resume, OutDir: Path.Combine(_dir, sub), Seed: 3);

    [Fact]
    public void An_epoch_on_the_simulated_GPU_follows_the_CPU_run()
    {
        // Same seed, same data: the GPU kernels (on ILGPU's CPU accelerator) must reproduce the CPU
        // backend's training up to float rounding, and deterministically (twice the same numbers).
        var (x, y, tx, ty) = Data();
        var cpu = new Trainer(Run(1, false, "cpu")).Run(x, y, tx, ty);
        var gpu = new Trainer(Run(1, false, "gpu", new Device("ilgpu", 0))).Run(x, y, tx, ty);
        var again = new Trainer(Run(1, false, "gpu-again", new Device("ilgpu", 0))).Run(x, y, tx, ty);
        Assert.Equal(cpu[0].Loss, gpu[0].Loss, 1e-4);
        Assert.Equal(cpu[0].TestAccuracy, gpu[0].TestAccuracy, 0.02);
        Assert.Equal(gpu[0].Loss, again[0].Loss);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "gpu", Trainer.ModelFile)), File.ReadAllBytes(Path.Combine(_dir, "gpu-again", Trainer.ModelFile)));
    }

    [Fact]
    public void Two_epochs_equal_one_epoch_then_resume_and_one_more()
    {
        var (x, y, tx, ty) = Data();
        var straight = new Trainer(Run(2, false, "straight")).Run(x, y, tx, ty);
        new Trainer(Run(1, false, "resumed")).Run(x, y, tx, ty);
        var resumed = new Trainer(Run(2, true, "resumed")).Run(x, y, tx, ty);

        Assert.Equal(straight.Select(e => e.Loss), resumed.Select(e => e.Loss));
        Assert.Equal(straight.Select(e => e.TestAccuracy), resumed.Select(e => e.TestAccuracy));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "straight", Trainer.ModelFile)),
                     File.ReadAllBytes(Path.Combine(_dir, "resumed", Trainer.ModelFile)));
    }

    [Fact]
    public void Saved_model_loads_into_a_fresh_network_with_identical_outputs()
    {
        var (x, y, tx, ty) = Data();
        new Trainer(Run(1, false, "save")).Run(x, y, tx, ty);
        var model = new LeNet5();
        model.LoadStateDict(Torch.Load(Path.Combine(_dir, "save", Trainer.ModelFile)));
        var again = new LeNet5();
        again.LoadStateDict(Torch.Load(Path.Combine(_dir, "save", Trainer.ModelFile)));
        model.Eval();
        again.Eval();
        Assert.True(model.Forward(tx).Equal(again.Forward(tx)));
        Assert.Equal(Trainer.Evaluate(model, tx, ty, Device.Cpu), Trainer.Evaluate(again, tx, ty, Device.Cpu));
    }

    [Fact]
    public void Options_reject_unknown_flags_and_bad_values_with_the_usage()
    {
        Assert.Contains("usage", Assert.Throws<ArgumentException>(() => Options.Parse(new[] { "--epoch", "3" })).Message);
        Assert.Contains("--batch-size must be a positive integer", Assert.Throws<ArgumentException>(() => Options.Parse(new[] { "--batch-size", "0" })).Message);
        var o = Options.Parse(new[] { "--epochs", "2", "--lr", "0.01", "--resume", "--device", "cpu" });
        Assert.Equal((2, 0.01, true, Device.Cpu), (o.Epochs, o.Lr, o.Resume, o.Device));
    }
}
