using Xunit;

namespace Hybrid.Unit;

/// <summary>Tensors on a second (test double) device: results stay there, mixing devices fails.</summary>
public class DeviceTests
{
    static readonly Device Other = new(ForeignDeviceBackend.DeviceType, 0);

    public DeviceTests() => ForeignDeviceBackend.EnsureRegistered();

    [Fact]
    public void Tensor_created_on_a_registered_device_reports_it_and_ops_stay_there()
    {
        var a = Torch.Ones(new[] { 2, 2 }, DType.Float32, device: Other);
        Assert.Equal(Other, a.Device);
        var b = (a + a) * 3;
        Assert.Equal(Other, b.Device);
        Expect.Close(b, new[] { 2, 2 }, new double[] { 6, 6, 6, 6 });
        Assert.Equal(Other, a.MatMul(a).Device);
    }

    [Fact]
    public void Adding_tensors_on_two_devices_fails_naming_both_devices_and_the_op()
    {
        var a = Torch.Ones(new[] { 2 }, DType.Float32, device: Other);
        var b = Torch.Ones(2);
        var e = Assert.Throws<InvalidOperationException>(() => a + b);
        Assert.Contains("Expected all tensors to be on the same device", e.Message);
        Assert.Contains("unittestdev:0", e.Message);
        Assert.Contains("cpu", e.Message);
        Assert.Contains("add", e.Message);
    }

    [Fact]
    public void Matmul_across_devices_fails_naming_matmul()
    {
        var a = Torch.Ones(new[] { 2, 2 }, DType.Float32, device: Other);
        var e = Assert.Throws<InvalidOperationException>(() => Torch.Ones(2, 2).MatMul(a));
        Assert.Contains("matmul", e.Message);
        Assert.Contains("unittestdev:0", e.Message);
    }

    [Fact]
    public void To_moves_values_between_devices_and_keeps_requires_grad_on_leaves()
    {
        var cpu = Torch.Tensor(new[] { 1f, 2f, 3f }, requiresGrad: true);
        var moved = cpu.To(Other);
        Assert.Equal(Other, moved.Device);
        Assert.True(moved.RequiresGrad);
        var back = moved.To(Device.Cpu);
        Assert.Equal(Device.Cpu, back.Device);
        Expect.Close(back, new double[] { 1, 2, 3 });
    }

    [Fact]
    public void Tensor_on_another_device_prints_its_device()
    {
        var a = Torch.Tensor(new[] { 1f, 2f }).To(Other);
        Assert.Equal("tensor([1., 2.], device='unittestdev:0')", a.ToString());
    }

    [Fact]
    public void Moving_to_a_device_with_no_backend_fails_saying_so()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Torch.Zeros(2).To(new Device("meta", 0)));
        Assert.Contains("No backend is available for device 'meta:0'", e.Message);
    }
}
