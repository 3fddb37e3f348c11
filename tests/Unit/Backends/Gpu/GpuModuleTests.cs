using Hybrid;
using Hybrid.NN;
using Hybrid.Optim;
using Xunit;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>
/// Layers, losses and optimizers on the simulated GPU device against the same ones on the CPU:
/// built from one seed, moved with Module.To, given the same inputs, their outputs, input
/// gradients, parameter gradients and optimizer steps must agree.
/// </summary>
[Collection(GpuCollection.Name)]
public class GpuModuleTests
{
    static readonly Device Gpu = GpuAgreement.Device;

    static void AssertClose(Tensor cpu, Tensor gpu, string what, double tol = 1e-4)
    {
        Assert.Equal(Gpu, gpu.Device);
        Assert.Equal(cpu.Shape, gpu.Shape);
        var moved = gpu.To(Device.Cpu);
        Assert.True(cpu.AllClose(moved, tol, tol), $"{what}: CPU {cpu} vs GPU {moved}");
    }

    public static TheoryData<string> LayerNames => new(Layers.Keys);

    static readonly Dictionary<string, (Func<Module> Make, int[] Input)> Layers = new()
    {
        ["Linear"] = (() => new Linear(6, 4), [3, 6]),
        ["Conv1d"] = (() => new Conv1d(2, 3, 3, padding: 1), [2, 2, 7]),
        ["Conv2d stride 2"] = (() => new Conv2d(2, 3, 3, stride: 2, padding: 1), [2, 2, 6, 6]),
        ["Conv2d groups 2 dilation 2"] = (() => new Conv2d(4, 4, 3, dilation: 2, groups: 2), [1, 4, 7, 7]),
        ["ConvTranspose2d"] = (() => new ConvTranspose2d(2, 3, 3, stride: 2), [1, 2, 4, 4]),
        ["MaxPool2d"] = (() => new MaxPool2d(2), [2, 3, 6, 6]),
        ["AvgPool2d"] = (() => new AvgPool2d(3, stride: 2, padding: 1), [2, 3, 6, 6]),
        ["AdaptiveAvgPool2d"] = (() => new AdaptiveAvgPool2d(2, 2), [1, 2, 5, 5]),
        ["MaxPool1d"] = (() => new MaxPool1d(2), [2, 3, 8]),
        ["BatchNorm2d"] = (() => new BatchNorm2d(3), [4, 3, 3, 3]),
        ["BatchNorm1d"] = (() => new BatchNorm1d(5), [6, 5]),
        ["LayerNorm"] = (() => new LayerNorm(5), [3, 5]),
        ["GroupNorm"] = (() => new GroupNorm(2, 4), [2, 4, 3, 3]),
        ["RNN"] = (() => new RNN(4, 5), [3, 2, 4]),
        ["LSTM two layers"] = (() => new LSTM(4, 5, numLayers: 2), [3, 2, 4]),
        ["GRU bidirectional"] = (() => new GRU(4, 5, bidirectional: true), [3, 2, 4]),
        ["MultiheadAttention"] = (() => new MultiheadAttention(8, 2), [3, 2, 8]),
        ["TransformerEncoderLayer"] = (() => new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0), [3, 2, 8]),
        ["Dropout"] = (() => new Dropout(0.3), [4, 6]),
        ["activations"] = (() => new Sequential(new GELU(), new LeakyReLU(0.2), new ELU(), new Softplus(), new SiLU(), new Tanh(), new Sigmoid(), new LogSoftmax(1)), [3, 5]),
    };

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void A_layer_on_the_device_computes_the_CPU_outputs_and_gradients(string name)
    {
        var (make, shape) = Layers[name];
        Torch.ManualSeed(7);
        var cpu = make();
        Torch.ManualSeed(7);
        var gpu = make();
        gpu.To(Gpu);
        Assert.All(gpu.Parameters(), p => Assert.Equal(Gpu, p.Device));
        Assert.All(gpu.NamedBuffers(), b => Assert.Equal(Gpu, b.Buffer.Device));

        var x = Torch.Randn(shape).RequiresGrad_();
        var xg = x.Detach().To(Gpu).RequiresGrad_();
        Torch.ManualSeed(11); // dropout draws its mask from the default generator: the same on both
        var y = cpu.Call(x);
        Torch.ManualSeed(11);
        var yg = gpu.Call(xg);
        AssertClose(y, yg, $"{name} output");

        var w = Torch.Randn(y.Shape);
        (y * w).Sum().Backward();
        (yg * w.To(Gpu)).Sum().Backward();
        AssertClose(x.Grad!, xg.Grad!, $"{name} input gradient");
        foreach (var ((n, p), (_, pg)) in cpu.NamedParameters().Zip(gpu.NamedParameters()))
            AssertClose(p.Grad!, pg.Grad!, $"{name} gradient of {n}");
        foreach (var ((n, b), (_, bg)) in cpu.NamedBuffers().Zip(gpu.NamedBuffers()))
            AssertClose(b, bg, $"{name} buffer {n}");
    }

    [Fact]
    public void An_embedding_looks_up_and_accumulates_repeated_indices_on_the_device()
    {
        Torch.ManualSeed(3);
        var cpu = new Embedding(10, 4);
        Torch.ManualSeed(3);
        var gpu = new Embedding(10, 4);
        gpu.To(Gpu);
        var ids = Torch.Tensor(new long[] { 1, 7, 1, 3, 7, 7 }).Reshape(2, 3);
        var y = cpu.Call(ids);
        var yg = gpu.Call(ids.To(Gpu));
        AssertClose(y, yg, "embedding output");
        (y * y).Sum().Backward();
        (yg * yg).Sum().Backward();
        AssertClose(cpu.Parameters().Single().Grad!, gpu.Parameters().Single().Grad!, "embedding gradient");
    }

    public static TheoryData<string> LossNames => new(Losses.Keys);

    static readonly Dictionary<string, (Func<Loss> Make, Func<int[], Tensor> Target)> Losses = new()
    {
        ["CrossEntropyLoss"] = (() => new CrossEntropyLoss(labelSmoothing: 0.1), s => Torch.RandInt(0, s[1], [s[0]])),
        ["NLLLoss"] = (() => new NLLLoss(), s => Torch.RandInt(0, s[1], [s[0]])),
        ["MSELoss"] = (() => new MSELoss(), s => Torch.Randn(s)),
        ["SmoothL1Loss"] = (() => new SmoothL1Loss(), s => Torch.Randn(s)),
        ["BCEWithLogitsLoss"] = (() => new BCEWithLogitsLoss(), s => Torch.Rand(s)),
        ["KLDivLoss"] = (() => new KLDivLoss(), s => Torch.Rand(s)),
    };

    [Theory]
    [MemberData(nameof(LossNames))]
    public void A_loss_on_the_device_gives_the_CPU_value_and_gradient(string name)
    {
        var (make, target) = Losses[name];
        Torch.ManualSeed(5);
        var input = Torch.Randn([6, 4]).RequiresGrad_();
        var t = target([6, 4]);
        var inputG = input.Detach().To(Gpu).RequiresGrad_();
        var loss = make().Forward(input, t);
        var lossG = make().Forward(inputG, t.To(Gpu));
        AssertClose(loss, lossG, $"{name} value");
        loss.Backward();
        lossG.Backward();
        AssertClose(input.Grad!, inputG.Grad!, $"{name} gradient");
    }

    public static TheoryData<string> OptimizerNames => new(Optimizers.Keys);

    static readonly Dictionary<string, Func<IEnumerable<Parameter>, Optimizer>> Optimizers = new()
    {
        ["SGD"] = ps => new SGD(ps, lr: 0.1),
        ["SGD nesterov weight decay"] = ps => new SGD(ps, lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01),
        ["Adam amsgrad"] = ps => new Adam(ps, lr: 0.01, amsgrad: true),
        ["AdamW"] = ps => new AdamW(ps, lr: 0.01),
        ["RMSprop centered"] = ps => new RMSprop(ps, lr: 0.01, momentum: 0.5, centered: true),
        ["Adagrad"] = ps => new Adagrad(ps, lr: 0.1),
    };

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void An_optimizer_steps_on_the_device_as_on_the_CPU_and_keeps_its_state_there(string name)
    {
        Torch.ManualSeed(9);
        var cpu = new Sequential(new Linear(5, 4), new Tanh(), new Linear(4, 2));
        Torch.ManualSeed(9);
        var gpu = new Sequential(new Linear(5, 4), new Tanh(), new Linear(4, 2));
        gpu.To(Gpu);
        var opt = Optimizers[name](cpu.Parameters());
        var optG = Optimizers[name](gpu.Parameters());
        var x = Torch.Randn(8, 5);
        var xg = x.To(Gpu);
        for (var step = 0; step < 3; step++)
        {
            opt.ZeroGrad();
            cpu.Call(x).Pow(2).Mean().Backward();
            opt.Step();
            optG.ZeroGrad();
            gpu.Call(xg).Pow(2).Mean().Backward();
            optG.Step();
        }
        foreach (var ((n, p), (_, pg)) in cpu.NamedParameters().Zip(gpu.NamedParameters()))
            AssertClose(p, pg, $"{name}: {n} after 3 steps", 1e-5);
        foreach (var state in optG.StateDict().State.Values)
            foreach (var value in state.Values.OfType<Tensor>())
                Assert.Equal(Gpu, value.Device);
    }

    [Fact]
    public void Linear_algebra_of_device_tensors_stays_on_the_device_with_the_CPU_values_and_gradients()
    {
        // The decompositions compute on the host (MathNet); their results and gradients must
        // still land on the operand's device.
        Torch.ManualSeed(4);
        var m = Torch.Randn([3, 3], DType.Float64);
        var a = (m.MatMul(m.T) + Torch.Eye(3, dtype: DType.Float64)).RequiresGrad_();
        var ag = a.Detach().To(Gpu).RequiresGrad_();
        var b = Torch.Randn([3, 2], DType.Float64);
        var y = Linalg.Inv(a).Sum() + Linalg.Det(a) + Linalg.Solve(a, b).Pow(2).Sum() + Linalg.Cholesky(a).Sum();
        var yg = Linalg.Inv(ag).Sum() + Linalg.Det(ag) + Linalg.Solve(ag, b.To(Gpu)).Pow(2).Sum() + Linalg.Cholesky(ag).Sum();
        AssertClose(y, yg, "value", 1e-10);
        y.Backward();
        yg.Backward();
        AssertClose(a.Grad!, ag.Grad!, "gradient", 1e-10);
    }

    [Fact]
    public void A_state_dict_saved_from_the_device_loads_into_a_CPU_model_and_back()
    {
        Torch.ManualSeed(1);
        var gpu = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
        gpu.To(Gpu);
        var cpu = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
        cpu.LoadStateDict(gpu.StateDict());
        var again = new Sequential(new Linear(3, 2), new BatchNorm1d(2));
        again.To(Gpu);
        again.LoadStateDict(cpu.StateDict());
        cpu.Eval();
        again.Eval();
        var x = Torch.Randn(4, 3);
        AssertClose(cpu.Call(x), again.Call(x.To(Gpu)), "outputs after the round trip", 1e-6);
    }
}
