namespace Hybrid;

/// <summary>Element types a tensor can hold (PyTorch's torch.float32, torch.int64, ...).</summary>
public enum DType
{
    /// <summary>32-bit IEEE float, the default.</summary>
    Float32,
    /// <summary>64-bit IEEE float; used for gradient checking.</summary>
    Float64,
    /// <summary>64-bit signed integer; the dtype of indices and class labels.</summary>
    Int64,
    /// <summary>32-bit signed integer.</summary>
    Int32,
    /// <summary>8-bit unsigned integer (image bytes).</summary>
    UInt8,
    /// <summary>Boolean, the result of comparisons and the type of masks.</summary>
    Bool,
}

/// <summary>Facts about dtypes shared by every backend.</summary>
public static class DTypes
{
    /// <summary>True for Float32 and Float64, the dtypes that can carry gradients.</summary>
    public static bool IsFloating(this DType d) => d is DType.Float32 or DType.Float64;

    /// <summary>Size of one element in bytes.</summary>
    public static int ElementSize(this DType d) => d switch
    {
        DType.Float32 or DType.Int32 => 4,
        DType.Float64 or DType.Int64 => 8,
        _ => 1,
    };

    /// <summary>PyTorch's name of the dtype ("float32", "int64", ...).</summary>
    public static string TorchName(this DType d) => d switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Int64 => "int64",
        DType.Int32 => "int32",
        DType.UInt8 => "uint8",
        _ => "bool",
    };

    /// <summary>The .NET element type stored for a dtype.</summary>
    public static Type ClrType(this DType d) => d switch
    {
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Int64 => typeof(long),
        DType.Int32 => typeof(int),
        DType.UInt8 => typeof(byte),
        _ => typeof(bool),
    };

    /// <summary>The dtype stored as the .NET type <paramref name="t"/>.</summary>
    public static DType FromClrType(Type t) =>
        t == typeof(float) ? DType.Float32
        : t == typeof(double) ? DType.Float64
        : t == typeof(long) ? DType.Int64
        : t == typeof(int) ? DType.Int32
        : t == typeof(byte) ? DType.UInt8
        : t == typeof(bool) ? DType.Bool
        : throw new ArgumentException($"no tensor dtype holds elements of type {t.Name}");

    /// <summary>
    /// The dtype two operands are computed in (PyTorch's type promotion for tensors of the same
    /// category order): bool &lt; uint8 &lt; int32 &lt; int64 &lt; float32 &lt; float64.
    /// </summary>
    public static DType Promote(DType a, DType b) => Rank(a) >= Rank(b) ? a : b;

    static int Rank(DType d) => d switch
    {
        DType.Bool => 0,
        DType.UInt8 => 1,
        DType.Int32 => 2,
        DType.Int64 => 3,
        DType.Float32 => 4,
        _ => 5,
    };
}
