namespace Hybrid;

/// <summary>
/// A strided view of a storage, as kernels see their operands: element (i0, i1, ...) lives
/// at <c>Offset + Σ ik·Strides[k]</c>. Strides may be zero (broadcast) but never negative.
/// Shapes and strides are owned by the caller and never modified by a kernel.
/// </summary>
public readonly struct Strided
{
    /// <summary>Creates a view.</summary>
    public Strided(Storage storage, int[] shape, int[] strides, int offset)
    {
        Storage = storage;
        Shape = shape;
        Strides = strides;
        Offset = offset;
    }

    /// <summary>A contiguous view of a whole storage with the given shape.</summary>
    public static Strided Contiguous(Storage storage, int[] shape) =>
        new(storage, shape, Layout.ContiguousStrides(shape), 0);

    /// <summary>The viewed storage.</summary>
    public Storage Storage { get; }

    /// <summary>The element type of the viewed storage.</summary>
    public DType DType => Storage.DType;

    /// <summary>Size of each dimension.</summary>
    public int[] Shape { get; }

    /// <summary>Step in elements between neighbours along each dimension.</summary>
    public int[] Strides { get; }

    /// <summary>Position of element (0, 0, ...).</summary>
    public int Offset { get; }

    /// <summary>Number of elements in the view.</summary>
    public int Count => Layout.Count(Shape);

    /// <summary>True when the elements are laid out row-major without gaps from <see cref="Offset"/>.</summary>
    public bool IsContiguous => Layout.IsContiguous(Shape, Strides);
}

/// <summary>Shape and stride arithmetic shared by every backend.</summary>
public static class Layout
{
    /// <summary>Row-major strides of a shape.</summary>
    public static int[] ContiguousStrides(int[] shape)
    {
        var strides = new int[shape.Length];
        var step = 1;
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            strides[d] = step;
            step *= Math.Max(shape[d], 1);
        }
        return strides;
    }

    /// <summary>Number of elements of a shape (1 for a scalar).</summary>
    public static int Count(int[] shape)
    {
        long n = 1;
        foreach (var s in shape) n *= s;
        return n > int.MaxValue ? throw new ArgumentException($"a tensor of shape ({string.Join(", ", shape)}) has more than {int.MaxValue} elements") : (int)n;
    }

    /// <summary>True when strides are row-major for the shape (size-1 dims may have any stride).</summary>
    public static bool IsContiguous(int[] shape, int[] strides)
    {
        var step = 1;
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 0) return true;
            if (shape[d] != 1 && strides[d] != step) return false;
            step *= shape[d];
        }
        return true;
    }
}
