namespace Hybrid.Gpu;

// Temporary: the kernels still being written. Each moves to its own file as it lands.
public sealed partial class GpuBackend
{
    public Storage MatMul(Strided a, Strided b) => throw new NotImplementedException("matmul");
    public Storage Unfold(Strided x, Window2d window) => throw new NotImplementedException("unfold");
    public Storage Fold(Strided cols, Window2d window, int channels, int height, int width) => throw new NotImplementedException("fold");
}
