namespace Hybrid.Gpu;

// Temporary: the kernels still being written. Each moves to its own file as it lands.
public sealed partial class GpuBackend
{
    public Storage Reduce(ReduceOp op, Strided x, int[] dims) => throw new NotImplementedException("reduce");
    public Storage ArgReduce(bool max, Strided x, int dim) => throw new NotImplementedException("argreduce");
    public Storage MatMul(Strided a, Strided b) => throw new NotImplementedException("matmul");
    public Storage NonZero(Strided mask) => throw new NotImplementedException("nonzero");
    public Storage Softmax(Strided x, int dim, bool log) => throw new NotImplementedException("softmax");
    public Storage Unfold(Strided x, Window2d window) => throw new NotImplementedException("unfold");
    public Storage Fold(Strided cols, Window2d window, int channels, int height, int width) => throw new NotImplementedException("fold");
}
