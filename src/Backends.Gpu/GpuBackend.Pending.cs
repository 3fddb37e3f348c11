namespace Hybrid.Gpu;

// Temporary: the kernels still being written. Each moves to its own file as it lands.
public sealed partial class GpuBackend
{
    public Storage Uniform(DType dtype, int length, ulong seed, ulong offset, double low, double high) => throw new NotImplementedException("uniform");
    public Storage Normal(DType dtype, int length, ulong seed, ulong offset, double mean, double std) => throw new NotImplementedException("normal");
    public Storage RandInt(DType dtype, int length, ulong seed, ulong offset, long low, long high) => throw new NotImplementedException("randint");
    public Storage MatMul(Strided a, Strided b) => throw new NotImplementedException("matmul");
    public Storage Gather(Strided x, int dim, Strided index) => throw new NotImplementedException("gather");
    public Storage Scatter(Strided x, int dim, Strided index, Strided src, bool accumulate) => throw new NotImplementedException("scatter");
    public Storage IndexSelect(Strided x, int dim, Strided index) => throw new NotImplementedException("index_select");
    public Storage IndexAdd(Strided x, int dim, Strided index, Strided src) => throw new NotImplementedException("index_add");
    public Storage Unfold(Strided x, Window2d window) => throw new NotImplementedException("unfold");
    public Storage Fold(Strided cols, Window2d window, int channels, int height, int width) => throw new NotImplementedException("fold");
    public bool TrySgdStep(Strided param, Strided grad, Strided? momentumBuffer, SgdOptions options, out Storage? newMomentumBuffer) { newMomentumBuffer = null; return false; }
}
