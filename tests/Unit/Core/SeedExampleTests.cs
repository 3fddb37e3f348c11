using Xunit;

namespace Hybrid.Unit;

/// <summary>The acceptance numbers of the project's seeds: worked out by hand.</summary>
public class SeedExampleTests
{
    [Fact]
    public void Quadratic_first_derivative_is_minus_two_and_second_is_two_at_zero()
    {
        // y = a·x² + b·x + c with a = 1, b = −2, c = 1: dy/dx = 2ax + b = −2, d²y/dx² = 2a = 2.
        double a = 1, b = -2, c = 1;
        var x = Torch.Tensor(0f, requiresGrad: true);
        var y = a * x.Pow(2) + b * x + c;
        Expect.Scalar(y, 1);

        var dy = Autograd.Grad(y, x, createGraph: true)[0];
        Expect.Scalar(dy, -2);
        Assert.True(dy.RequiresGrad);

        var d2y = Autograd.Grad(dy, x)[0];
        Expect.Scalar(d2y, 2);
    }

    [Fact]
    public void Mean_of_two_times_square_of_ones_plus_one_is_eight_with_grad_two()
    {
        // out = mean(2(x+1)²) = 8 at x = 1; d out/dx_i = 4(x_i+1)/4 = 2.
        var x = Torch.Ones(new[] { 2, 2 }, DType.Float32, requiresGrad: true);
        var y = x + 1;
        var z = y * y * 2;
        var outv = z.Mean();
        Expect.Scalar(outv, 8);

        outv.Backward();
        Expect.Close(x.Grad, new[] { 2, 2 }, new double[] { 2, 2, 2, 2 });
    }

    [Fact]
    public void Linear_w_x_plus_b_gives_seventeen_and_grads_three_one_four()
    {
        var x = Torch.Tensor(3f, requiresGrad: true);
        var w = Torch.Tensor(4f, requiresGrad: true);
        var b = Torch.Tensor(5f, requiresGrad: true);
        var y = w * x + b;
        Expect.Scalar(y, 17);

        y.Backward();
        Expect.Scalar(w.Grad, 3);
        Expect.Scalar(b.Grad, 1);
        Expect.Scalar(x.Grad, 4);
    }

    [Fact]
    public void Gradient_descent_on_square_distance_to_one_reaches_one_minus_098_pow_500()
    {
        // x ← x − 0.01·2(x − 1) = 0.98x + 0.02, so after n steps from 0: x = 1 − 0.98ⁿ.
        var x = Torch.Tensor(0f, requiresGrad: true);
        for (var step = 0; step < 500; step++)
        {
            var loss = (x - 1).Pow(2);
            loss.Backward();
            using (Torch.NoGrad())
            {
                x.Sub_(x.Grad! * 0.01);
                x.Grad!.Zero_();
            }
        }
        Assert.Equal(1 - Math.Pow(0.98, 500), x.Item<float>(), 1e-5);
        Assert.True(x.IsLeaf);
        Assert.True(x.RequiresGrad);
    }

    [Fact]
    public void Third_derivative_of_cube_is_six_through_nested_grads()
    {
        var x = Torch.Tensor(2.0, requiresGrad: true);
        var y = x * x * x;
        var d1 = Autograd.Grad(y, x, createGraph: true)[0];   // 3x² = 12
        var d2 = Autograd.Grad(d1, x, createGraph: true)[0];  // 6x = 12
        var d3 = Autograd.Grad(d2, x, createGraph: true)[0];  // 6
        Expect.Scalar(d1, 12);
        Expect.Scalar(d2, 12);
        Expect.Scalar(d3, 6);
    }

    [Fact]
    public void Third_derivative_of_pow_three_is_six()
    {
        var x = Torch.Tensor(-1.5, requiresGrad: true);
        var y = x.Pow(3);
        var d1 = Autograd.Grad(y, x, createGraph: true)[0];
        var d2 = Autograd.Grad(d1, x, createGraph: true)[0];
        var d3 = Autograd.Grad(d2, x)[0];
        Expect.Scalar(d1, 3 * 1.5 * 1.5);
        Expect.Scalar(d2, 6 * -1.5);
        Expect.Scalar(d3, 6);
    }
}
