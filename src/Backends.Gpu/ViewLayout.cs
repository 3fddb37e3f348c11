namespace Hybrid.Gpu;

/// <summary>
/// A strided view as a kernel argument: maps the row-major position i of an element to its
/// place in the storage. Dims are stored innermost first (S0/T0 is the last dim) and merged
/// where the view is contiguous across them, so a contiguous view of any shape has rank 1 and
/// costs one multiply-add per element. Up to <see cref="MaxRank"/> dims remain after merging.
/// </summary>
public struct ViewLayout
{
    /// <summary>Most dims a view may have after merging.</summary>
    public const int MaxRank = 8;

    public int Rank, Offset;
    public int S0, S1, S2, S3, S4, S5, S6, S7;
    public int T0, T1, T2, T3, T4, T5, T6, T7;

    /// <summary>Storage position of the element at row-major position <paramref name="i"/>.</summary>
    public readonly int At(int i)
    {
        if (Rank <= 1) return Offset + i * T0;
        var o = Offset + (i % S0) * T0; i /= S0;
        if (Rank == 2) return o + i * T1;
        o += (i % S1) * T1; i /= S1;
        if (Rank == 3) return o + i * T2;
        o += (i % S2) * T2; i /= S2;
        if (Rank == 4) return o + i * T3;
        o += (i % S3) * T3; i /= S3;
        if (Rank == 5) return o + i * T4;
        o += (i % S4) * T4; i /= S4;
        if (Rank == 6) return o + i * T5;
        o += (i % S5) * T5; i /= S5;
        if (Rank == 7) return o + i * T6;
        o += (i % S6) * T6; i /= S6;
        return o + i * T7;
    }

    /// <summary>The layout of a view; <paramref name="op"/> names the operation in the error for too many dims.</summary>
    public static ViewLayout Of(Strided x, string op = "operation") => Of(x.Shape, x.Strides, x.Offset, op);

    /// <summary>The layout of a contiguous tensor starting at <paramref name="offset"/>.</summary>
    public static ViewLayout Contiguous(int offset = 0) => new() { Rank = 1, Offset = offset, S0 = int.MaxValue, T0 = 1 };

    /// <summary>The layout of shape/strides/offset after dropping size-1 dims and merging contiguous neighbours.</summary>
    public static ViewLayout Of(int[] shape, int[] strides, int offset, string op = "operation")
    {
        Span<int> sizes = stackalloc int[shape.Length], steps = stackalloc int[shape.Length];
        var rank = 0;
        // Walk from the innermost dim out; a dim merges into the one inside it when stepping
        // over the whole inner dim lands exactly on its next element.
        for (var d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 1) continue;
            if (rank > 0 && strides[d] == steps[rank - 1] * sizes[rank - 1])
                sizes[rank - 1] *= shape[d];
            else
            {
                sizes[rank] = shape[d];
                steps[rank] = strides[d];
                rank++;
            }
        }
        if (rank > MaxRank)
            throw new NotSupportedException(
                $"{op}: the GPU backend handles views of up to {MaxRank} non-mergeable dims, but got shape ({string.Join(", ", shape)}) with strides ({string.Join(", ", strides)}); call Contiguous() first");
        var l = new ViewLayout { Rank = Math.Max(rank, 1), Offset = offset, S0 = 1, T0 = 0 };
        for (var k = 0; k < rank; k++) l.Set(k, sizes[k], steps[k]);
        return l;
    }

    void Set(int k, int size, int step)
    {
        switch (k)
        {
            case 0: S0 = size; T0 = step; break;
            case 1: S1 = size; T1 = step; break;
            case 2: S2 = size; T2 = step; break;
            case 3: S3 = size; T3 = step; break;
            case 4: S4 = size; T4 = step; break;
            case 5: S5 = size; T5 = step; break;
            case 6: S6 = size; T6 = step; break;
            default: S7 = size; T7 = step; break;
        }
    }
}
