// Seed 002: SGD, SGD with momentum, RMSprop and Adam fitting y = x² + noise; the four loss
// curves go to optimizers.png.
using Hybrid.Examples;

var losses = Comparison.Run();
foreach (var (name, curve) in losses)
{
    var first = curve.Take(30).Average();
    var last = curve.TakeLast(30).Average();
    Console.WriteLine($"{name,-9} loss: first 30 steps {first:F4} → last 30 steps {last:F4}");
}

var path = args.Length > 0 ? args[0] : "optimizers.png";
var plot = new ScottPlot.Plot();
foreach (var (name, curve) in losses)
{
    var line = plot.Add.SignalConst(curve.Select(v => (double)v).ToArray());
    line.LegendText = name;
}
plot.Title("Optimizers on y = x² + noise (batch 32, lr 0.01)");
plot.XLabel("step");
plot.YLabel("MSE loss");
plot.Axes.SetLimitsY(0, 0.3);
plot.ShowLegend();
var temp = path + ".tmp";
plot.SavePng(temp, 900, 500);
File.Move(temp, path, overwrite: true);
Console.WriteLine($"loss curves: {Path.GetFullPath(path)}");
