namespace Hybrid.Gpu;

/// <summary>
/// Registers the GPU backend for device types "cuda" and "ilgpu". <see cref="Backends.For"/>
/// runs this type's static constructor the first time a device of either type is asked for
/// (and keeps one backend per device), so referencing the package is all a program needs.
/// </summary>
internal static class Registration
{
    static Registration()
    {
        Backends.Register("cuda", device => new GpuBackend(device));
        Backends.Register(GpuDevices.Simulator, device => new GpuBackend(device));
    }
}
