namespace Hybrid.Gpu;

public sealed partial class GpuBackend
{
    // Convolution is unfold + batched GEMM (+ fold, or a sum over the batch) on the device.

    /// <inheritdoc />
    public Storage Conv2d(Strided x, Strided w, Strided? bias, Window2d window, int groups) =>
        ConvolutionByUnfold.Conv2d(this, x, w, bias, window, groups);

    /// <inheritdoc />
    public Storage Conv2dInputGrad(Strided g, Strided w, Window2d window, int groups, int height, int width) =>
        ConvolutionByUnfold.Conv2dInputGrad(this, g, w, window, groups, height, width);

    /// <inheritdoc />
    public Storage Conv2dWeightGrad(Strided x, Strided g, Window2d window, int groups) =>
        ConvolutionByUnfold.Conv2dWeightGrad(this, x, g, window, groups);
}
