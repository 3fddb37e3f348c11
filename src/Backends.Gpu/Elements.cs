namespace Hybrid.Gpu;

/// <summary>
/// The elements a one-dimensional kernel covers: positions 0 .. Count − 1, each thread taking
/// every Stride-th one from its own index (a grid-stride loop). Launches are capped at a few
/// times what the device runs at once (<see cref="KernelCache"/>), so a large tensor costs
/// loop iterations, not thread launches: the usual CUDA practice, and on ILGPU's CPU
/// accelerator, where each simulated thread is expensive, hundreds of times faster.
/// </summary>
public readonly struct Elements(int count, int stride)
{
    public readonly int Count = count;
    public readonly int Stride = stride;
}
