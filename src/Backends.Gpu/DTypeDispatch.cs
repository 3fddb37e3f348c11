namespace Hybrid.Gpu;

/// <summary>A computation generic over an element type and its arithmetic, run once the dtype is known.</summary>
internal interface IDTypeFunc<out R>
{
    R Run<T, N>() where T : unmanaged where N : struct, INumeric<T>;
}

/// <summary>Picks the element type and arithmetic of a dtype (Bool is a byte with logical arithmetic).</summary>
internal static class DTypeDispatch
{
    public static R On<F, R>(DType dtype, F f) where F : IDTypeFunc<R> => dtype switch
    {
        DType.Float32 => f.Run<float, F32>(),
        DType.Float64 => f.Run<double, F64>(),
        DType.Int64 => f.Run<long, I64>(),
        DType.Int32 => f.Run<int, I32>(),
        DType.UInt8 => f.Run<byte, U8>(),
        DType.Bool => f.Run<byte, B8>(),
        _ => throw new NotSupportedException($"the GPU backend has no kernels for dtype {dtype}"),
    };
}
