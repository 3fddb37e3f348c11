namespace Hybrid.Gpu;

/// <summary>
/// Registers the GPU backend for device types "cuda" and "ilgpu". <see cref="Backends.For"/>
/// runs this type's static constructor the first time a device of either type is asked for,
/// so referencing the package is all a program needs.
/// </summary>
public static class Registration
{
    static readonly Dictionary<Device, GpuBackend> Created = new();

    static Registration()
    {
        Backends.Register("cuda", Create);
        Backends.Register(GpuDevices.Simulator, Create);
    }

    /// <summary>The backend of a device, created once per device for the life of the process.</summary>
    public static GpuBackend Create(Device device)
    {
        lock (Created)
        {
            if (!Created.TryGetValue(device, out var backend)) Created[device] = backend = new GpuBackend(device);
            return backend;
        }
    }
}
