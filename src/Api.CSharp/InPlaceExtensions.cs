namespace Hybrid;

/// In-place ops (PyTorch's trailing underscore). Each bumps the storage version, so backward
/// through a value saved before the write fails with a clear message instead of a wrong answer.
public static class InPlaceExtensions
{
    public static Tensor Add_(this Tensor x, Tensor other, double alpha = 1) => InPlace.Update(x, "Add_", v => v + other.Detach() * alpha);
    public static Tensor Add_(this Tensor x, double other) => InPlace.Update(x, "Add_", v => v + other);
    public static Tensor Sub_(this Tensor x, Tensor other) => InPlace.Update(x, "Sub_", v => v - other.Detach());
    public static Tensor Mul_(this Tensor x, Tensor other) => InPlace.Update(x, "Mul_", v => v * other.Detach());
    public static Tensor Mul_(this Tensor x, double other) => InPlace.Update(x, "Mul_", v => v * other);
    public static Tensor Div_(this Tensor x, Tensor other) => InPlace.Update(x, "Div_", v => v / other.Detach());
    public static Tensor Div_(this Tensor x, double other) => InPlace.Update(x, "Div_", v => v / other);
    public static Tensor Clamp_(this Tensor x, double min, double max) => InPlace.Update(x, "Clamp_", v => v.Clamp(min, max));
    public static Tensor Zero_(this Tensor x) => InPlace.Update(x, "Zero_", v => Torch.ZerosLike(v));
    public static Tensor Fill_(this Tensor x, double value) => InPlace.Update(x, "Fill_", v => Torch.FullLike(v, value));
    /// Copies src's values (broadcast, converted, and moved from src's device, as PyTorch's copy_) into x.
    public static Tensor Copy_(this Tensor x, Tensor src) => InPlace.Write(x, src.Detach().To(x.Device), "Copy_");
}
