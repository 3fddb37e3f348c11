namespace Hybrid.Cpu;

/// <summary>
/// Walks several strided views of one shape in lockstep, one innermost row at a time.
/// </summary>
/// <remarks>
/// Dimensions are first simplified: size-1 dims are dropped (their stride never matters) and
/// neighbouring dims are merged wherever every operand steps through them as one
/// (<c>stride[outer] == stride[inner] · size[inner]</c>), so a contiguous or a simply
/// broadcast view usually ends up as one long row. An odometer then walks the remaining
/// outer dims and keeps each operand's offset up to date incrementally, so a kernel's inner
/// loop sees only (offset, stride, length) per operand and no per-element index arithmetic.
/// <code>
/// var loop = new StridedLoop(shape, (x.Strides, x.Offset), (outStrides, 0));
/// for (var r = 0; r &lt; loop.Rows; r++, loop.Advance())
///     // elements loop.Offsets[k] + j·loop.InnerStrides[k], j &lt; loop.Inner
/// </code>
/// </remarks>
internal sealed class StridedLoop
{
    readonly int operands;
    readonly int[] outerShape;     // sizes of the merged outer dims, outermost first
    readonly int[] outerStrides;   // [dim · operands + k]
    readonly int[] counter;        // the odometer: current index in each outer dim

    /// <summary>Offset of the current row's first element, per operand.</summary>
    public readonly int[] Offsets;

    /// <summary>Stride along the row, per operand (0 for an operand broadcast along it).</summary>
    public readonly int[] InnerStrides;

    /// <summary>Elements per row.</summary>
    public readonly int Inner;

    /// <summary>Number of rows (0 when the shape has no elements).</summary>
    public readonly int Rows;

    /// <summary>Plans a walk over <paramref name="shape"/> for views given as (strides, offset).</summary>
    public StridedLoop(int[] shape, params ReadOnlySpan<(int[] Strides, int Offset)> views)
    {
        operands = views.Length;
        Offsets = new int[operands];
        for (var k = 0; k < operands; k++) Offsets[k] = views[k].Offset;

        // Merge dims outermost to innermost; sizes[^1] with strides[^1][k] is the innermost so far.
        var empty = Array.IndexOf(shape, 0) >= 0;
        var sizes = new List<int>(shape.Length);
        var strides = new List<int[]>(shape.Length);
        for (var d = 0; d < shape.Length && !empty; d++)
        {
            if (shape[d] == 1) continue;
            var last = sizes.Count - 1;
            if (last >= 0 && Mergeable(strides[last], views, d, shape[d]))
            {
                sizes[last] *= shape[d];
                for (var k = 0; k < operands; k++) strides[last][k] = views[k].Strides[d];
            }
            else
            {
                sizes.Add(shape[d]);
                var s = new int[operands];
                for (var k = 0; k < operands; k++) s[k] = views[k].Strides[d];
                strides.Add(s);
            }
        }
        if (sizes.Count == 0)
        {
            // A scalar, or every dim of size 1: one row of one element.
            sizes.Add(1);
            strides.Add(new int[operands]);
        }

        Inner = sizes[^1];
        InnerStrides = strides[^1];
        var outerRank = sizes.Count - 1;
        outerShape = new int[outerRank];
        outerStrides = new int[outerRank * operands];
        counter = new int[outerRank];
        long rows = 1;
        for (var d = 0; d < outerRank; d++)
        {
            outerShape[d] = sizes[d];
            rows *= sizes[d];
            for (var k = 0; k < operands; k++) outerStrides[d * operands + k] = strides[d][k];
        }
        Rows = empty ? 0 : (int)rows;
        if (empty) Inner = 0;
    }

    static bool Mergeable(int[] outer, ReadOnlySpan<(int[] Strides, int Offset)> views, int d, int size)
    {
        for (var k = 0; k < views.Length; k++)
            if (outer[k] != views[k].Strides[d] * size) return false;
        return true;
    }

    /// <summary>Goes back to the first row, with each operand's first element at <paramref name="offsets"/>.</summary>
    /// <remarks>Lets one plan serve many walks of one geometry at different bases (a reduction per output element).</remarks>
    public void Reset(params ReadOnlySpan<int> offsets)
    {
        Array.Clear(counter);
        offsets.CopyTo(Offsets);
    }

    /// <summary>Moves <see cref="Offsets"/> to the next row (row-major order of the outer dims).</summary>
    public void Advance()
    {
        for (var d = outerShape.Length - 1; d >= 0; d--)
        {
            var row = d * operands;
            if (++counter[d] < outerShape[d])
            {
                for (var k = 0; k < operands; k++) Offsets[k] += outerStrides[row + k];
                return;
            }
            // This digit wraps: rewind it and carry into the next outer dim.
            counter[d] = 0;
            var back = outerShape[d] - 1;
            for (var k = 0; k < operands; k++) Offsets[k] -= outerStrides[row + k] * back;
        }
    }
}

/// <summary>
/// The lanes of x along one dim, each with the same lane of a contiguous result of x's shape
/// (argsort, cumsum): Loop walks the lanes (operand 0 gives a lane's first element in x,
/// operand 1 in the result), each of Size elements, Along apart in x and OutAlong in the result.
/// </summary>
internal readonly record struct DimLanes(StridedLoop Loop, int Size, int Along, int OutAlong)
{
    public static DimLanes Of(Strided x, int dim)
    {
        var outStrides = Storages.Contiguous(x.Shape);
        var loop = new StridedLoop(Storages.Without(x.Shape, dim), (Storages.Without(x.Strides, dim), x.Offset), (Storages.Without(outStrides, dim), 0));
        return new(loop, x.Shape[dim], x.Strides[dim], outStrides[dim]);
    }
}
