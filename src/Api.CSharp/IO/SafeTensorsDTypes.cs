namespace Hybrid.IO;

/// <summary>The dtype names of the safetensors format and how Hybrid maps them.</summary>
internal static class SafeTensorsDTypes
{
    /// <summary>The name written for a Hybrid dtype.</summary>
    public static string Name(DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Int64 => "I64",
        DType.Int32 => "I32",
        DType.UInt8 => "U8",
        DType.Bool => "BOOL",
        _ => throw new ArgumentException($"safetensors: no name for dtype {dtype}"),
    };

    /// <summary>
    /// Sort rank of the Python library's writer: tensors are laid out by descending dtype
    /// (its enum order BOOL &lt; U8 &lt; I32 &lt; F32 &lt; F64 &lt; I64), then by name.
    /// </summary>
    public static int Rank(DType dtype) => dtype switch
    {
        DType.Bool => 0,
        DType.UInt8 => 1,
        DType.Int32 => 2,
        DType.Float32 => 3,
        DType.Float64 => 4,
        _ => 5,
    };

    /// <summary>Element size in the file of a readable dtype name, and the dtype it loads as.</summary>
    public static bool TryParse(string name, out int fileSize, out DType dtype)
    {
        (fileSize, dtype) = name switch
        {
            "F32" => (4, DType.Float32),
            "F64" => (8, DType.Float64),
            "I64" => (8, DType.Int64),
            "I32" => (4, DType.Int32),
            "U8" => (1, DType.UInt8),
            "BOOL" => (1, DType.Bool),
            "F16" => (2, DType.Float32),    // converted to float32 on load (exact)
            "BF16" => (2, DType.Float32),   // converted to float32 on load (exact)
            _ => (0, DType.Float32),
        };
        return fileSize > 0;
    }

    /// <summary>Names of the format that Hybrid knows but cannot hold.</summary>
    public static bool IsKnownUnsupported(string name) =>
        name is "I8" or "I16" or "U16" or "U32" or "U64" or "F8_E5M2" or "F8_E4M3" or "F8_E8M0" or "F4" or "F6_E2M3" or "F6_E3M2" or "C64";
}
