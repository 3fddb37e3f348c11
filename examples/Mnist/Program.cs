// The main job: LeNet-5 on the bundled MNIST digits (or the full set with --data DIR), with a
// live progress bar, test accuracy per epoch, the model and a checkpoint saved, and a chart.
using Hybrid;
using Hybrid.Data;
using Hybrid.Vision.Datasets;
using Hybrid.Examples.Mnist;
using Spectre.Console;

Options options;
try { options = Options.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine(e.Message); return 2; }

var train = new MNIST(root: options.DataDir, train: true);
var test = new MNIST(root: options.DataDir, train: false);
var (trainImages, trainLabels) = Trainer.Prepare(train.Data, train.Targets);
var (testImages, testLabels) = Trainer.Prepare(test.Data, test.Targets);
if (options.Limit > 0)
{
    Tensor First(Tensor t) => t.Narrow(0, 0, Math.Min(options.Limit, t.Shape[0]));
    (trainImages, trainLabels, testImages, testLabels) = (First(trainImages), First(trainLabels), First(testImages), First(testLabels));
}
AnsiConsole.MarkupLine($"[bold]LeNet-5 on MNIST[/]: {trainLabels.Shape[0]} training and {testLabels.Shape[0]} test digits, " +
                       $"{options.Epochs} epochs, batch {options.BatchSize}, Adam lr {options.Lr}, device {options.Device}");

var clock = System.Diagnostics.Stopwatch.StartNew();
List<EpochResult> history = new();
AnsiConsole.Progress()
    .AutoClear(false)
    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
    .Start(ctx =>
    {
        var tasks = new Dictionary<int, ProgressTask>();
        history = new Trainer(options).Run(trainImages, trainLabels, testImages, testLabels, p =>
        {
            if (!tasks.TryGetValue(p.Epoch, out var task))
                tasks[p.Epoch] = task = ctx.AddTask($"epoch {p.Epoch}/{p.Epochs}", maxValue: p.Total);
            task.Value = p.Seen;
            task.Description = $"epoch {p.Epoch}/{p.Epochs}  loss {p.Loss:F4}  acc {p.Accuracy * 100:F2}%  {p.SamplesPerSecond:F0} samples/s";
        });
    });

var table = new Table().AddColumns("epoch", "loss", "train acc", "test acc", "samples/s", "seconds");
foreach (var h in history)
    table.AddRow($"{h.Epoch}", $"{h.Loss:F4}", $"{h.TrainAccuracy * 100:F2}%", $"{h.TestAccuracy * 100:F2}%", $"{h.SamplesPerSecond:F0}", $"{h.Seconds:F1}");
AnsiConsole.Write(table);

var chart = Path.Combine(options.OutDir, "training.png");
if (history.Count > 0) Chart.Write(history, chart);
AnsiConsole.MarkupLine($"test accuracy [bold]{history.LastOrDefault()?.TestAccuracy * 100:F2}%[/] after {clock.Elapsed.TotalSeconds:F1} s; " +
                       $"model: {Path.Combine(options.OutDir, Trainer.ModelFile)}, checkpoint: {Path.Combine(options.OutDir, Trainer.CheckpointFile)}, chart: {chart}");
return 0;
