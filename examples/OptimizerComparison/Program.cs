// Seed 002: SGD, SGD with momentum, RMSprop and Adam fitting y = x² + noise.
using Hybrid.Examples;

var losses = Comparison.Run();
foreach (var (name, curve) in losses)
{
    var first = curve.Take(30).Average();
    var last = curve.TakeLast(30).Average();
    Console.WriteLine($"{name,-9} loss: first 30 steps {first:F4} → last 30 steps {last:F4}");
}
