// Hybrid quickstart: the seeds' tensor and autograd basics, printed as PyTorch prints them.
using Hybrid;

Torch.ManualSeed(0);

Console.WriteLine("== Tensors ==");
#region tensors
var x = Torch.Tensor(new[,] { { 1f, 2f }, { 3f, 4f } });
Console.WriteLine($"x = {x}");
Console.WriteLine($"x.Shape = ({string.Join(", ", x.Shape)}), x.DType = {x.DType}");
Console.WriteLine($"x + 1 = {x + 1}");
Console.WriteLine($"x.MatMul(x.T) = {x.MatMul(x.T)}");
Console.WriteLine($"x.Sum(dim: 1) = {x.Sum(1)}");
Console.WriteLine($"x[.., ^1] = {x[.., ^1]}");
Console.WriteLine($"Torch.Rand(2, 3) = {Torch.Rand(2, 3)}");
#endregion

Console.WriteLine("\n== Autograd: a = ones(2,2), y = a + 1, z = y*y*2, out = z.Mean() ==");
#region autograd
var a = Torch.Ones(new[] { 2, 2 }, DType.Float32, requiresGrad: true);
var y = a + 1;
var z = y * y * 2;
var outv = z.Mean();
Console.WriteLine($"y = {y}");
Console.WriteLine($"out = {outv}");
outv.Backward();
Console.WriteLine($"a.Grad = {a.Grad}");
#endregion

Console.WriteLine("\n== y = w*x + b at x=3, w=4, b=5 ==");
var xs = Torch.Tensor(3f, requiresGrad: true);
var w = Torch.Tensor(4f, requiresGrad: true);
var b = Torch.Tensor(5f, requiresGrad: true);
var lin = w * xs + b;
lin.Backward();
Console.WriteLine($"y = {lin}, dy/dw = {w.Grad}, dy/db = {b.Grad}, dy/dx = {xs.Grad}");

Console.WriteLine("\n== Second derivative of y = x^2 - 2x + 1 at x = 0 ==");
#region second-derivative
var q = Torch.Tensor(0f, requiresGrad: true);
var yq = q.Pow(2) - 2 * q + 1;
var dy = Autograd.Grad(yq, q, createGraph: true)[0];
var d2y = Autograd.Grad(dy, q)[0];
Console.WriteLine($"dy/dx = {dy}, d2y/dx2 = {d2y}");
#endregion

Console.WriteLine("\n== Gradient descent on (x - 1)^2, lr 0.01, 500 steps ==");
#region descent
var p = Torch.Tensor(0f, requiresGrad: true);
for (var step = 0; step < 500; step++)
{
    var loss = (p - 1).Pow(2);
    loss.Backward();
    using (Torch.NoGrad())
    {
        p.Sub_(p.Grad! * 0.01);
        p.Grad!.Zero_();
    }
}
#endregion
Console.WriteLine($"x = {p.Item<float>():F6} (expected 1 - 0.98^500 = {1 - Math.Pow(0.98, 500):F6})");
