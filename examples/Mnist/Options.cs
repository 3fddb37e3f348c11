using System.Globalization;

namespace Hybrid.Examples.Mnist;

/// <summary>Command-line options of the MNIST job.</summary>
/// <param name="Limit">Use only the first Limit training and test digits (0: all), for quick runs.</param>
public sealed record Options(int Epochs, int BatchSize, double Lr, string? DataDir, Device Device, bool Resume, string OutDir, long Seed, int Limit = 0)
{
    public const string Usage =
        "usage: Mnist [--epochs N] [--batch-size N] [--lr X] [--data DIR] [--device cpu|cuda|cuda:N|ilgpu] [--resume] [--out DIR] [--seed N] [--limit N]";

    /// <summary>Parses arguments; throws ArgumentException with the usage on anything unknown.</summary>
    public static Options Parse(string[] args)
    {
        var o = new Options(Epochs: 10, BatchSize: 64, Lr: 1e-3, DataDir: null, Device: Device.Cpu, Resume: false, OutDir: "runs/mnist", Seed: 0);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            o = args[i] switch
            {
                "--epochs" => o with { Epochs = PositiveInt(Value(), "--epochs") },
                "--batch-size" => o with { BatchSize = PositiveInt(Value(), "--batch-size") },
                "--lr" => o with { Lr = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var lr) && lr > 0 ? lr : throw new ArgumentException($"--lr must be a positive number\n{Usage}") },
                "--data" => o with { DataDir = Value() },
                "--device" => o with { Device = Device.Parse(Value()) },
                "--resume" => o with { Resume = true },
                "--out" => o with { OutDir = Value() },
                "--limit" => o with { Limit = PositiveInt(Value(), "--limit") },
                "--seed" => o with { Seed = long.TryParse(Value(), out var s) ? s : throw new ArgumentException($"--seed must be an integer\n{Usage}") },
                "-h" or "--help" => throw new ArgumentException(Usage),
                var other => throw new ArgumentException($"unknown option {other}\n{Usage}"),
            };
        }
        return o;
    }

    static int PositiveInt(string text, string name) =>
        int.TryParse(text, out var v) && v > 0 ? v : throw new ArgumentException($"{name} must be a positive integer, got '{text}'\n{Usage}");
}
