using ILGPU;

namespace Hybrid.Gpu;

/// <summary>
/// An associative, commutative reduction over accumulator values A, as a struct that kernels
/// take as a type parameter (so <c>Combine</c> compiles to the instruction, as with <see cref="INumeric{T}"/>).
/// </summary>
internal interface IReduction<A> where A : unmanaged
{
    /// <summary>The value that changes nothing: the partial result of a thread with no elements.</summary>
    A Identity { get; }

    A Combine(A a, A b);
}

internal readonly struct SumOf<A, NA> : IReduction<A> where A : unmanaged where NA : struct, INumeric<A>
{
    public A Identity => default(NA).FromLong(0);
    public A Combine(A a, A b) => default(NA).Add(a, b);
}

internal readonly struct ProdOf<A, NA> : IReduction<A> where A : unmanaged where NA : struct, INumeric<A>
{
    public A Identity => default(NA).FromLong(1);
    public A Combine(A a, A b) => default(NA).Mul(a, b);
}

/// <summary>Max; NaN propagates (the numeric struct's Max), as torch.amax and the CPU backend.</summary>
internal readonly struct MaxOf<A, NA> : IReduction<A> where A : unmanaged where NA : struct, INumeric<A>
{
    public A Identity => default(NA).Lowest;
    public A Combine(A a, A b) => default(NA).Max(a, b);
}

/// <summary>Min; NaN propagates.</summary>
internal readonly struct MinOf<A, NA> : IReduction<A> where A : unmanaged where NA : struct, INumeric<A>
{
    public A Identity => default(NA).Highest;
    public A Combine(A a, A b) => default(NA).Min(a, b);
}

/// <summary>A value and its position along the reduced dim; Index −1 marks "no element yet".</summary>
internal struct ArgCandidate<T> where T : unmanaged
{
    public T Value;
    public int Index;
}

/// <summary>
/// argmax (or argmin, when <typeparamref name="TMin"/> says so) as a reduction of candidates:
/// a NaN beats every number, and of equal values the smaller index wins, so the result is the
/// first extreme element whatever order the candidates meet in (the CPU backend's rule).
/// </summary>
internal readonly struct ArgBestOf<T, N, TMin> : IReduction<ArgCandidate<T>>
    where T : unmanaged where N : struct, INumeric<T> where TMin : struct, IFlag
{
    public ArgCandidate<T> Identity => new() { Index = -1 };

    public ArgCandidate<T> Combine(ArgCandidate<T> a, ArgCandidate<T> b)
    {
        if (b.Index < 0) return a;
        if (a.Index < 0) return b;
        var n = default(N);
        bool aNaN = n.IsNaN(a.Value), bNaN = n.IsNaN(b.Value);
        if (aNaN || bNaN) return aNaN && bNaN ? (a.Index <= b.Index ? a : b) : aNaN ? a : b;
        var min = default(TMin).Value;
        if (min ? n.Lt(a.Value, b.Value) : n.Lt(b.Value, a.Value)) return a;
        if (min ? n.Lt(b.Value, a.Value) : n.Lt(a.Value, b.Value)) return b;
        return a.Index <= b.Index ? a : b;
    }
}

/// <summary>A compile-time boolean, so that argmax and argmin specialize.</summary>
internal interface IFlag
{
    bool Value { get; }
}

internal readonly struct PickMin : IFlag
{
    public bool Value => true;
}

internal readonly struct PickMax : IFlag
{
    public bool Value => false;
}

/// <summary>
/// Reductions with one group per row (or per few rows): threads accumulate privately, then
/// combine in shared memory along a fixed binary tree, so results depend only on the grid,
/// never on timing.
/// </summary>
internal static class ReductionKernels
{
    /// <summary>
    /// Short rows (<see cref="GpuBackend.ShortRow"/> elements or fewer, e.g. pooling windows): one
    /// thread reduces a whole row, left to right; no shared memory, no barriers.
    /// </summary>
    public static void ReduceShortRows<T, N, A, NA, R>(Index1D thread, Elements elements, ArrayView<T> x, ViewLayout rows, ViewLayout cols, int count, ArrayView<T> o)
        where T : unmanaged where N : struct, INumeric<T>
        where A : unmanaged where NA : struct, INumeric<A>
        where R : struct, IReduction<A>
    {
        for (int row = thread; row < elements.Count; row += elements.Stride)
        {
            var at = rows.At(row);
            var acc = default(R).Identity;
            for (var c = 0; c < count; c++) acc = default(R).Combine(acc, Numbers.Convert<T, N, A, NA>(x[at + cols.At(c)]));
            o[row] = Numbers.Convert<A, NA, T, N>(acc);
        }
    }

    /// <summary>argmax/argmin of short rows, one thread per row (see <see cref="ReduceShortRows{T, N, A, NA, R}"/>).</summary>
    public static void ArgReduceShortRows<T, N, TMin>(Index1D thread, Elements elements, ArrayView<T> x, ViewLayout rows, int stride, int count, ArrayView<long> o)
        where T : unmanaged where N : struct, INumeric<T> where TMin : struct, IFlag
    {
        for (int row = thread; row < elements.Count; row += elements.Stride)
        {
            var at = rows.At(row);
            var best = default(ArgBestOf<T, N, TMin>).Identity;
            for (var c = 0; c < count; c++)
                best = default(ArgBestOf<T, N, TMin>).Combine(best, new ArgCandidate<T> { Value = x[at + c * stride], Index = c });
            o[row] = best.Index;
        }
    }

    /// <summary>
    /// Combines the private results of one row's slices (a power of two) in the group's
    /// dynamic shared memory (one slot per thread): slice s takes in slice s + h for
    /// h = Slices/2, ..., 1. Every thread of the group must call it (it holds barriers);
    /// every thread gets its row's result.
    /// </summary>
    public static A GroupReduce<A, R>(A value, ReduceGrid grid, int thread, R r)
        where A : unmanaged where R : struct, IReduction<A>
    {
        var shared = SharedMemory.GetDynamic<A>();
        var slice = grid.Slice(thread);
        var stride = grid.SliceStride;
        shared[thread] = value;
        Group.Barrier();
        for (var h = grid.Slices >> 1; h > 0; h >>= 1)
        {
            if (slice < h) shared[thread] = r.Combine(shared[thread], shared[thread + h * stride]);
            Group.Barrier();
        }
        var result = shared[grid.Home(grid.Lane(thread))];
        Group.Barrier(); // the caller may write shared memory again
        return result;
    }

    /// <summary>
    /// o[row·Parts + part] = the reduction, accumulated in A, of x at rows.At(row) + cols.At(j)
    /// for j in the part's chunk of [0, Cols).
    /// </summary>
    public static void Reduce<TIn, NIn, A, NA, TOut, NOut, R>(
        ArrayView<TIn> x, ViewLayout rows, ViewLayout cols, ReduceGrid grid, ArrayView<TOut> o)
        where TIn : unmanaged where NIn : struct, INumeric<TIn>
        where A : unmanaged where NA : struct, INumeric<A>
        where TOut : unmanaged where NOut : struct, INumeric<TOut>
        where R : struct, IReduction<A>
    {
        var r = default(R);
        int thread = Group.IdxX, lane = grid.Lane(thread), slice = grid.Slice(thread);
        int rowGroup = Grid.IdxX / grid.Parts, part = Grid.IdxX - rowGroup * grid.Parts;
        var row = rowGroup * grid.Lanes + lane;
        var acc = r.Identity;
        if (row < grid.Rows)
        {
            var start = part * grid.Chunk;
            var end = Math.Min(grid.Cols, start + grid.Chunk);
            var at = rows.At(row);
            for (var j = start + slice; j < end; j += grid.Slices)
                acc = r.Combine(acc, Numbers.Convert<TIn, NIn, A, NA>(x[at + cols.At(j)]));
        }
        acc = GroupReduce(acc, grid, thread, r);
        if (slice == 0 && row < grid.Rows) o[row * grid.Parts + part] = Numbers.Convert<A, NA, TOut, NOut>(acc);
    }

    /// <summary>o[row] = the position of the first max (or min) of x at rows.At(row) + j·step, j &lt; Cols; NaN counts as largest.</summary>
    public static void ArgReduce<T, N, TMin>(ArrayView<T> x, ViewLayout rows, int step, ReduceGrid grid, ArrayView<long> o)
        where T : unmanaged where N : struct, INumeric<T> where TMin : struct, IFlag
    {
        var r = default(ArgBestOf<T, N, TMin>);
        int thread = Group.IdxX, lane = grid.Lane(thread), slice = grid.Slice(thread);
        var row = Grid.IdxX * grid.Lanes + lane;
        var best = r.Identity;
        if (row < grid.Rows)
        {
            var at = rows.At(row);
            for (var j = slice; j < grid.Cols; j += grid.Slices)
                best = r.Combine(best, new ArgCandidate<T> { Value = x[at + j * step], Index = j });
        }
        best = GroupReduce(best, grid, thread, r);
        if (slice == 0 && row < grid.Rows) o[row] = best.Index;
    }
}
