namespace Hybrid.Gpu;

// Temporary: the kernels still being written. Each moves to its own file as it lands.
public sealed partial class GpuBackend
{
    public Storage Uniform(DType dtype, int length, ulong seed, ulong offset, double low, double high) => throw new NotImplementedException("uniform");
    public Storage Normal(DType dtype, int length, ulong seed, ulong offset, double mean, double std) => throw new NotImplementedException("normal");
    public Storage RandInt(DType dtype, int length, ulong seed, ulong offset, long low, long high) => throw new NotImplementedException("randint");
    public Storage Reduce(ReduceOp op, Strided x, int[] dims) => throw new NotImplementedException("reduce");
    public Storage ArgReduce(bool max, Strided x, int dim) => throw new NotImplementedException("argreduce");
    public Storage Gather(Strided x, int dim, Strided index) => throw new NotImplementedException("gather");
    public Storage Scatter(Strided x, int dim, Strided index, Strided src, bool accumulate) => throw new NotImplementedException("scatter");
    public Storage IndexSelect(Strided x, int dim, Strided index) => throw new NotImplementedException("index_select");
    public Storage IndexAdd(Strided x, int dim, Strided index, Strided src) => throw new NotImplementedException("index_add");
    public Storage NonZero(Strided mask) => throw new NotImplementedException("nonzero");
    public Storage Softmax(Strided x, int dim, bool log) => throw new NotImplementedException("softmax");
    public bool TrySgdStep(Strided param, Strided grad, Strided? momentumBuffer, SgdOptions options, out Storage? newMomentumBuffer) { newMomentumBuffer = null; return false; }
}
