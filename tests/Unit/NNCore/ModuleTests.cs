using Hybrid.NN;
using Xunit;

namespace Hybrid.Unit.NNCore;

public class ModuleTests
{
    [Fact]
    public void SimpleNN_prints_exactly_as_PyTorch()
    {
        Assert.Equal(
            "SimpleNN(\n  (fc1): Linear(in_features=2, out_features=2, bias=True)\n  (fc2): Linear(in_features=2, out_features=1, bias=True)\n)",
            new SimpleNN().ToString());
    }

    [Fact]
    public void LeNet_prints_as_PyTorch_and_maps_a_32x32_image_to_10_logits()
    {
        var net = new LeNet();
        Assert.Equal(
            "LeNet(\n" +
            "  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))\n" +
            "  (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))\n" +
            "  (fc1): Linear(in_features=400, out_features=120, bias=True)\n" +
            "  (fc2): Linear(in_features=120, out_features=84, bias=True)\n" +
            "  (fc3): Linear(in_features=84, out_features=10, bias=True)\n" +
            ")", net.ToString());
        var y = net.Forward(Torch.Randn(1, 1, 32, 32));
        Assert.Equal(new[] { 1, 10 }, y.Shape);
    }

    [Fact]
    public void Nested_containers_print_with_indentation()
    {
        var model = new Sequential(new Linear(4, 3), new ReLU(), new Sequential(new Dropout(0.2), new Linear(3, 1, bias: false)));
        Assert.Equal(
            "Sequential(\n" +
            "  (0): Linear(in_features=4, out_features=3, bias=True)\n" +
            "  (1): ReLU()\n" +
            "  (2): Sequential(\n" +
            "    (0): Dropout(p=0.2, inplace=False)\n" +
            "    (1): Linear(in_features=3, out_features=1, bias=False)\n" +
            "  )\n" +
            ")", model.ToString());
    }

    [Fact]
    public void Named_parameters_use_PyTorch_keys_in_declaration_order()
    {
        var names = new LeNet().NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(new[]
        {
            "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias",
            "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias",
        }, names);
        Assert.Equal(6 * 25 + 6 + 16 * 6 * 25 + 16 + 400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10,
            new LeNet().Parameters().Sum(p => p.NumEl));
    }

    [Fact]
    public void Sequential_children_are_named_by_position()
    {
        var model = new Sequential(new Linear(2, 3), new Tanh(), new Linear(3, 1));
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, model.NamedParameters().Select(p => p.Name));
        Assert.Equal(new[] { "", "0", "1", "2" }, model.NamedModules().Select(m => m.Name));
    }

    [Fact]
    public void Linear_default_init_is_bounded_by_one_over_sqrt_fan_in()
    {
        Torch.ManualSeed(3);
        var layer = new Linear(400, 300);
        var bound = 1 / Math.Sqrt(400);
        var w = layer.weight.ToArray<float>();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        // U(−b, b) has standard deviation b/√3; 120,000 samples pin it within a few percent.
        var std = Math.Sqrt(w.Select(v => (double)v * v).Average());
        Assert.InRange(std, 0.97 * bound / Math.Sqrt(3), 1.03 * bound / Math.Sqrt(3));
        Assert.All(layer.bias!.ToArray<float>(), v => Assert.InRange(v, -bound, bound));
    }

    [Fact]
    public void Linear_computes_x_times_W_transposed_plus_b()
    {
        var layer = new Linear(2, 2);
        using (Torch.NoGrad())
        {
            layer.weight.Copy_(Torch.Tensor(new[,] { { 1f, 2f }, { 3f, 4f } }));
            layer.bias!.Copy_(Torch.Tensor(new[] { 10f, 20f }));
        }
        var y = layer.Forward(Torch.Tensor(new[,] { { 1f, 1f } }));
        Assert.Equal(new[] { 13f, 27f }, y.ToArray<float>());
    }

    [Fact]
    public void Linear_given_the_wrong_width_names_the_layer_and_both_sizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Linear(784, 10).Forward(Torch.Zeros(64, 100)));
        Assert.Contains("Linear(in_features=784): input has 100 features", ex.Message);
    }

    [Fact]
    public void State_dict_round_trip_gives_identical_outputs()
    {
        Torch.ManualSeed(1);
        var a = new LeNet();
        var b = new LeNet();
        var x = Torch.Randn(2, 1, 32, 32);
        Assert.False(a.Forward(x).Equal(b.Forward(x)));
        b.LoadStateDict(a.StateDict());
        Assert.True(a.Forward(x).Equal(b.Forward(x)));
    }

    [Fact]
    public void Loading_a_state_dict_with_wrong_keys_or_shapes_fails_clearly()
    {
        var model = new SimpleNN();
        var state = model.StateDict();
        state.Remove("fc2.bias");
        state["extra"] = Torch.Zeros(1);
        var ex = Assert.Throws<ArgumentException>(() => model.LoadStateDict(state));
        Assert.Contains("Missing key(s) in state_dict: \"fc2.bias\"", ex.Message);
        Assert.Contains("Unexpected key(s) in state_dict: \"extra\"", ex.Message);
        model.LoadStateDict(state, strict: false);

        var wrong = model.StateDict();
        wrong["fc1.weight"] = Torch.Zeros(3, 2);
        var ex2 = Assert.Throws<ArgumentException>(() => model.LoadStateDict(wrong));
        Assert.Contains("size mismatch for fc1.weight", ex2.Message);
    }

    [Fact]
    public void ZeroGrad_sets_gradients_to_null_by_default_and_to_zero_on_request()
    {
        var model = new SimpleNN();
        model.Forward(Torch.Ones(1, 2)).Sum().Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));
        model.ZeroGrad(setToNone: false);
        Assert.All(model.Parameters(), p => Assert.All(p.Grad.ToArray<float>(), v => Assert.Equal(0f, v)));
        model.ZeroGrad();
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Train_and_eval_switch_every_descendant()
    {
        var model = new Sequential(new Linear(2, 2), new Sequential(new Dropout()));
        model.Eval();
        Assert.All(model.Modules(), m => Assert.False(m.Training));
        model.Train();
        Assert.All(model.Modules(), m => Assert.True(m.Training));
    }

    [Fact]
    public void Dropout_zeroes_in_training_and_is_the_identity_in_eval()
    {
        var dropout = new Dropout(0.5);
        var x = Torch.Ones(1000);
        var trained = dropout.Call(x).ToArray<float>();
        Assert.All(trained, v => Assert.True(v == 0f || v == 2f));
        Assert.InRange(trained.Count(v => v == 0f), 400, 600);
        dropout.Eval();
        Assert.Equal(x.ToArray<float>(), dropout.Call(x).ToArray<float>());
    }

    [Fact]
    public void Forward_hooks_see_input_and_output_and_can_be_removed()
    {
        var layer = new Linear(2, 1);
        var calls = 0;
        var handle = layer.RegisterForwardHook((m, input, output) =>
        {
            calls++;
            Assert.Same(layer, m);
            return output * 2;
        });
        var x = Torch.Ones(1, 2);
        var plain = layer.Forward(x).ToArray<float>()[0];
        Assert.Equal(plain * 2, layer.Call(x).ToArray<float>()[0], 5);
        handle.Dispose();
        Assert.Equal(plain, layer.Call(x).ToArray<float>()[0], 5);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Backward_hooks_see_and_can_replace_the_output_gradient()
    {
        var layer = new Linear(2, 1);
        Tensor? seen = null;
        layer.RegisterFullBackwardHook((m, g) => { seen = g; return g * 3; });
        var x = Torch.Ones(new[] { 1, 2 }, DType.Float32, requiresGrad: true);
        layer.Call(x).Sum().Backward();
        Assert.Equal(new[] { 1f }, seen!.ToArray<float>());
        var w = layer.weight.ToArray<float>();
        Assert.Equal(new[] { 3 * w[0], 3 * w[1] }, x.Grad.ToArray<float>());
    }

    [Fact]
    public void To_float64_converts_parameters_and_keeps_them_trainable()
    {
        var model = new SimpleNN();
        model.To(DType.Float64);
        Assert.All(model.Parameters(), p => { Assert.Equal(DType.Float64, p.DType); Assert.True(p.RequiresGrad); });
        var y = model.Forward(Torch.Ones(new[] { 3, 2 }, DType.Float64));
        Assert.Equal(DType.Float64, y.DType);
    }

    [Fact]
    public void Module_gradients_pass_GradCheck_in_float64()
    {
        var model = new LeNet();
        model.To(DType.Float64);
        var conv = new Conv2d(2, 3, 3, stride: 2, padding: 1);
        conv.To(DType.Float64);
        var x = Torch.Randn(new[] { 1, 2, 5, 5 }, DType.Float64);
        Assert.True(GradCheck.Check(xs => conv.Forward(xs[0]), new[] { x }));
    }

    [Fact]
    public void Apply_visits_children_before_the_parent()
    {
        var order = new List<string>();
        new Sequential(new Linear(1, 1), new ReLU()).Apply(m => order.Add(m.GetType().Name));
        Assert.Equal(new[] { "Linear", "ReLU", "Sequential" }, order);
    }
}
