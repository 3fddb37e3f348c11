using System.Runtime.InteropServices;
using System.Numerics;
using System.Numerics.Tensors;

namespace Hybrid.Cpu;

/// <summary>An associative reduction; implemented by structs so that loops specialize.</summary>
internal interface IReducer<T> where T : unmanaged
{
    /// <summary>The reduction of two partial results (a before b).</summary>
    T Combine(T a, T b);

    /// <summary>The reduction of a non-empty contiguous row.</summary>
    T Row(ReadOnlySpan<T> x);

    /// <summary>o[j] = Combine(o[j], x[j]) over contiguous rows.</summary>
    void Accumulate(Span<T> o, ReadOnlySpan<T> x);
}

/// <summary>Sum, product, max and min over a set of dims, and argmax/argmin along one dim.</summary>
/// <remarks>
/// The input is split into the kept dims (which index the output) and the reduced dims.
/// Two traversals keep memory access sequential:
/// <list type="bullet">
/// <item>when a reduced dim is the innermost in memory (e.g. a row sum), each output element
/// reduces its block on its own: contiguous runs of up to <see cref="Block"/> elements are
/// reduced with TensorPrimitives and the partial results are combined pairwise;</item>
/// <item>when a kept dim is innermost (e.g. a column sum, a bias gradient), whole kept slices are
/// combined elementwise into the output, vectorized along the kept dim; slices are combined
/// in groups of <see cref="SliceBlock"/> and the group results pairwise, for the same reason.</item>
/// </list>
/// Both orders depend only on shapes and strides, so results are deterministic.
/// </remarks>
internal static class Reductions
{
    const int Block = 1024;
    const int SliceBlock = 256;

    /// <summary>Reduces x over <paramref name="dims"/> (sorted, distinct).</summary>
    public static Storage Reduce(ReduceOp op, Strided x, int[] dims)
    {
        var rank = x.Shape.Length;
        var isReduced = new bool[rank];
        foreach (var d in dims) isReduced[d] = true;
        var kept = new Dims(rank - dims.Length);
        var reduced = new Dims(dims.Length);
        for (var d = 0; d < rank; d++) (isReduced[d] ? reduced : kept).Add(x.Shape[d], x.Strides[d]);

        var outCount = Layout.Count(kept.Shape);
        if (Layout.Count(reduced.Shape) == 0)
        {
            if (op is ReduceOp.Max or ReduceOp.Min && outCount > 0)
                throw new ArgumentException($"{Name(op)}(): Expected reduction dim to have non-zero size");
            return CpuBackend.Instance.Full(x.DType, outCount, op == ReduceOp.Prod ? 1 : 0);
        }

        var o = Storages.Allocate(x.DType, outCount);
        switch (x.DType)
        {
            case DType.Float32: Reduce<float>(op, x, kept, reduced, o); break;
            case DType.Float64: Reduce<double>(op, x, kept, reduced, o); break;
            case DType.Int64: Reduce<long>(op, x, kept, reduced, o); break;
            case DType.Int32: Reduce<int>(op, x, kept, reduced, o); break;
            case DType.UInt8: Reduce<byte>(op, x, kept, reduced, o); break;
            // On a mask, max is any() and min is all(); its 0/1 bytes reduce as uint8.
            case DType.Bool when op is ReduceOp.Max or ReduceOp.Min: Reduce<byte>(op, x, kept, reduced, o); break;
            default: throw Storages.Unsupported(Name(op), x.DType);
        }
        return o;
    }

    static string Name(ReduceOp op) => op.ToString().ToLowerInvariant();

    /// <summary>Shapes and strides of a subset of x's dims.</summary>
    sealed class Dims(int capacity)
    {
        public readonly int[] Shape = new int[capacity];
        public readonly int[] Strides = new int[capacity];
        int count;

        public void Add(int size, int stride)
        {
            Shape[count] = size;
            Strides[count++] = stride;
        }

        /// <summary>The smallest stride of a dim that is walked (size &gt; 1), or MaxValue.</summary>
        public int InnermostStride()
        {
            var min = int.MaxValue;
            for (var d = 0; d < count; d++)
                if (Shape[d] > 1) min = Math.Min(min, Strides[d]);
            return min;
        }
    }

    static void Reduce<T>(ReduceOp op, Strided x, Dims kept, Dims reduced, Storage o) where T : unmanaged, INumber<T>
    {
        switch (op)
        {
            case ReduceOp.Sum: Reduce<T, Sum<T>>(x.Storage, x.Offset, kept, reduced, o, new Sum<T>()); break;
            case ReduceOp.Prod: Reduce<T, Prod<T>>(x.Storage, x.Offset, kept, reduced, o, new Prod<T>()); break;
            case ReduceOp.Max: Reduce<T, Max<T>>(x.Storage, x.Offset, kept, reduced, o, new Max<T>()); break;
            case ReduceOp.Min: Reduce<T, Min<T>>(x.Storage, x.Offset, kept, reduced, o, new Min<T>()); break;
        }
    }

    static void Reduce<T, TR>(Storage x, int offset, Dims kept, Dims reduced, Storage o, TR r)
        where T : unmanaged
        where TR : IReducer<T>
    {
        if (reduced.InnermostStride() <= kept.InnermostStride()) ReduceBlocks<T, TR>(x, offset, kept, reduced, o, r);
        else CombineSlices<T, TR>(Storages.Span<T>(x), offset, kept, reduced, Storages.Span<T>(o), r);
    }

    /// <summary>Chunks of <see cref="Block"/> elements per super-block (a power of two) in the parallel single-row path.</summary>
    const int SuperChunks = 64;

    /// <summary>Each output element reduces its own block of x (a reduced dim is innermost).</summary>
    /// <remarks>
    /// Large problems run on <see cref="CpuParallel"/> without changing a single bit of the result:
    /// with several outputs, each output is still reduced whole by one worker; with one output
    /// whose block is one contiguous row, the row is cut into super-blocks of
    /// <see cref="SuperChunks"/> chunks at fixed positions, and their results are combined by the
    /// same binary counter, which yields exactly the serial pairwise tree (a full group of
    /// 2^k chunks is a complete subtree of it).
    /// </remarks>
    static void ReduceBlocks<T, TR>(Storage xs, int offset, Dims kept, Dims reduced, Storage os, TR r)
        where T : unmanaged
        where TR : IReducer<T>
    {
        var block = new StridedLoop(reduced.Shape, (reduced.Strides, 0));
        var outCount = Layout.Count(kept.Shape);
        var blockCount = (double)block.Rows * block.Inner;
        var work = blockCount * outCount;
        if (CpuParallel.WorkersFor(work) > 1)
        {
            if (outCount == 1 && block.Rows == 1 && (block.InnerStrides[0] == 1 || block.Inner == 1))
            {
                Storages.Span<T>(os)[0] = ReduceRowParallel<T, TR>(xs, offset + block.Offsets[0], block.Inner, r);
                return;
            }
            if (outCount > 1)
            {
                ReduceOutputsParallel<T, TR>(xs, offset, kept, reduced, os, r, blockCount);
                return;
            }
        }
        ReadOnlySpan<T> x = Storages.Span<T>(xs);
        var ot = Storages.Span<T>(os);
        var outer = new StridedLoop(kept.Shape, (kept.Strides, offset), (Storages.Contiguous(kept.Shape), 0));
        Span<T> levels = stackalloc T[32];
        for (var row = 0; row < outer.Rows; row++, outer.Advance())
        {
            int xo = outer.Offsets[0], oo = outer.Offsets[1], step = outer.InnerStrides[0];
            for (var j = 0; j < outer.Inner; j++, xo += step) ot[oo + j] = ReduceBlock(x, block, xo, r, levels);
        }
    }

    /// <summary>Output elements in parallel, in fixed ranges; each is reduced by <see cref="ReduceBlock"/> as serially.</summary>
    static void ReduceOutputsParallel<T, TR>(Storage xs, int offset, Dims kept, Dims reduced, Storage os, TR r, double blockCount)
        where T : unmanaged
        where TR : IReducer<T>
    {
        var outCount = Layout.Count(kept.Shape);
        var per = (int)Math.Clamp(65536 / Math.Max(1, blockCount), 1, outCount);
        var items = (outCount + per - 1) / per;
        var keptShape = kept.Shape;
        var keptStrides = kept.Strides;
        ForJob.Run(items, blockCount * outCount, item =>
        {
            ReadOnlySpan<T> x = Storages.Span<T>(xs);
            var ot = Storages.Span<T>(os);
            var block = new StridedLoop(reduced.Shape, (reduced.Strides, 0));
            Span<T> levels = stackalloc T[32];
            int start = item * per, end = Math.Min(outCount, start + per);
            for (var i = start; i < end; i++)
            {
                // Unravel output index i (row-major over the kept dims) into x's offset.
                int xo = offset, rest = i;
                for (var d = keptShape.Length - 1; d >= 0; d--)
                {
                    var size = keptShape[d];
                    xo += rest % size * keptStrides[d];
                    rest /= size;
                }
                ot[i] = ReduceBlock(x, block, xo, r, levels);
            }
        });
    }

    /// <summary>The reduction of one contiguous row of <paramref name="n"/> elements, bit-identical to <see cref="ReduceBlock"/>.</summary>
    static T ReduceRowParallel<T, TR>(Storage xs, int start, int n, TR r)
        where T : unmanaged
        where TR : IReducer<T>
    {
        const int super = Block * SuperChunks;
        var full = n / super;
        var partials = new T[full];
        // Each worker reduces one run of consecutive super-blocks: one long sequential stream per
        // core, which the prefetchers follow best (interleaved blocks were 1.5× slower on 10M floats).
        // The partials are per super-block, so the grouping doesn't change the result.
        var per = (full + CpuParallel.WorkersFor(n) - 1) / CpuParallel.WorkersFor(n);
        ForJob.Run(per == 0 ? 0 : (full + per - 1) / per, n, task =>
        {
            for (var s = task * per; s < Math.Min(full, (task + 1) * per); s++)
                partials[s] = ReduceRow<T, TR>(Storages.Span<T>(xs).Slice(start + s * super, super), r, default, false, prefetch: true);
        });
        // The tail (fewer than SuperChunks chunks) holds the lowest levels of the serial counter:
        // its fold seeds the fold of the super-block levels above it.
        var tail = n - full * super;
        var hasTail = tail > 0;
        var seed = hasTail ? ReduceRow<T, TR>(Storages.Span<T>(xs).Slice(start + full * super, tail), r, default, false) : default;
        Span<T> levels = stackalloc T[32];
        var count = 0;
        foreach (var p in partials) Push(levels, ref count, p, r);
        return Fold(levels, count, seed, hasTail, r);
    }

    /// <summary>
    /// The reduction of a non-empty contiguous row in chunks of <see cref="Block"/>, combined pairwise;
    /// <paramref name="prefetch"/> asks for each chunk's memory ahead of time (rows read from memory, not cache).
    /// </summary>
    static unsafe T ReduceRow<T, TR>(ReadOnlySpan<T> x, TR r, T seed, bool hasSeed, bool prefetch = false)
        where T : unmanaged
        where TR : IReducer<T>
    {
        Span<T> levels = stackalloc T[32];
        var count = 0;
        fixed (T* p = x)
            for (var c = 0; c < x.Length; c += Block)
            {
                if (prefetch) Prefetch.Ahead(p + c, Block * sizeof(T));
                Push(levels, ref count, r.Row(x.Slice(c, Math.Min(Block, x.Length - c))), r);
            }
        return Fold(levels, count, seed, hasSeed, r);
    }

    /// <summary>
    /// Pushes a partial result onto a binary counter: levels[l] holds the combination of 2^l
    /// partial results while bit l of count is set, and pushing merges equal-sized neighbours, so
    /// the error of a float sum grows with log(#partials) rather than #partials.
    /// </summary>
    static void Push<T, TR>(Span<T> levels, ref int count, T partial, TR r)
        where T : unmanaged
        where TR : IReducer<T>
    {
        var level = 0;
        for (var bits = count; (bits & 1) != 0; bits >>= 1, level++) partial = r.Combine(levels[level], partial);
        levels[level] = partial;
        count++;
    }

    /// <summary>Folds the remaining levels, smallest (latest) first, onto <paramref name="seed"/> (a later partial) if any.</summary>
    static T Fold<T, TR>(Span<T> levels, int count, T seed, bool hasSeed, TR r)
        where T : unmanaged
        where TR : IReducer<T>
    {
        var result = seed;
        var any = hasSeed;
        for (var level = 0; count >> level != 0; level++)
        {
            if (((count >> level) & 1) == 0) continue;
            result = any ? r.Combine(levels[level], result) : levels[level];
            any = true;
        }
        return result;
    }

    /// <summary>Reduces the block at <paramref name="start"/>; partial results combine pairwise.</summary>
    static T ReduceBlock<T, TR>(ReadOnlySpan<T> x, StridedLoop block, int start, TR r, Span<T> levels)
        where T : unmanaged
        where TR : IReducer<T>
    {
        var count = 0;
        block.Reset(start);
        int n = block.Inner, step = block.InnerStrides[0];
        for (var row = 0; row < block.Rows; row++, block.Advance())
        {
            var xo = block.Offsets[0];
            for (var c = 0; c < n; c += Block)
            {
                var len = Math.Min(Block, n - c);
                T partial;
                if (step == 1) partial = r.Row(x.Slice(xo + c, len));
                else
                {
                    var i = xo + c * step;
                    partial = x[i];
                    for (var j = 1; j < len; j++) partial = r.Combine(partial, x[i += step]);
                }
                Push(levels, ref count, partial, r);
            }
        }
        return Fold(levels, count, default!, false, r);
    }

    /// <summary>Combines whole kept slices of x elementwise into the output (a kept dim is innermost).</summary>
    static void CombineSlices<T, TR>(ReadOnlySpan<T> x, int offset, Dims kept, Dims reduced, Span<T> o, TR r)
        where T : unmanaged
        where TR : IReducer<T>
    {
        var positions = new StridedLoop(reduced.Shape, (reduced.Strides, offset));
        var slice = new StridedLoop(kept.Shape, (kept.Strides, 0), (Storages.Contiguous(kept.Shape), 0));
        var total = Layout.Count(reduced.Shape);
        // Slices are combined sequentially in groups of SliceBlock; the group results are then
        // combined pairwise, as ReduceBlock does with scalars: levels[l] holds the combination
        // of 2^l groups while bit l of `groups` is set (otherwise it is unused).
        var single = total <= SliceBlock;
        var levels = single ? [] : new T[32][];
        var groups = 0;
        var group = single ? o : new T[o.Length];
        var index = 0;
        for (var row = 0; row < positions.Rows; row++, positions.Advance())
        {
            int xo = positions.Offsets[0], step = positions.InnerStrides[0];
            for (var j = 0; j < positions.Inner; j++, xo += step, index++)
            {
                CombineSlice(x, slice, xo, group, first: index % SliceBlock == 0, r);
                if (single || (index % SliceBlock != SliceBlock - 1 && index != total - 1)) continue;
                var carry = group.ToArray();
                var level = 0;
                for (var bits = groups; (bits & 1) != 0; bits >>= 1, level++)
                {
                    r.Accumulate(levels[level], carry); // earlier groups ⊕ later ones
                    (carry, levels[level]) = (levels[level], carry);
                }
                levels[level] = carry;
                groups++;
            }
        }
        if (single) return;
        // Fold the remaining levels, latest (smallest) first.
        T[]? result = null;
        for (var level = 0; groups >> level != 0; level++)
        {
            if (((groups >> level) & 1) == 0) continue;
            if (result is not null) r.Accumulate(levels[level], result);
            result = levels[level];
        }
        result.CopyTo(o);
    }

    /// <summary>target = slice of x at <paramref name="start"/> (first) or Combine(target, slice).</summary>
    static void CombineSlice<T, TR>(ReadOnlySpan<T> x, StridedLoop slice, int start, Span<T> target, bool first, TR r)
        where T : unmanaged
        where TR : IReducer<T>
    {
        slice.Reset(start, 0);
        int n = slice.Inner, step = slice.InnerStrides[0];
        for (var row = 0; row < slice.Rows; row++, slice.Advance())
        {
            int xo = slice.Offsets[0], to = slice.Offsets[1];
            if (step == 1)
            {
                if (first) x.Slice(xo, n).CopyTo(target.Slice(to, n));
                else r.Accumulate(target.Slice(to, n), x.Slice(xo, n));
            }
            else if (first) for (var j = 0; j < n; j++, xo += step) target[to + j] = x[xo];
            else for (var j = 0; j < n; j++, xo += step) target[to + j] = r.Combine(target[to + j], x[xo]);
        }
    }

    readonly struct Sum<T> : IReducer<T> where T : unmanaged, INumber<T>
    {
        public T Combine(T a, T b) => a + b;
        public T Row(ReadOnlySpan<T> x) => TensorPrimitives.Sum(x);
        public void Accumulate(Span<T> o, ReadOnlySpan<T> x) => TensorPrimitives.Add(o, x, o);
    }

    readonly struct Prod<T> : IReducer<T> where T : unmanaged, INumber<T>
    {
        public T Combine(T a, T b) => a * b;
        public T Row(ReadOnlySpan<T> x) => TensorPrimitives.Product(x);
        public void Accumulate(Span<T> o, ReadOnlySpan<T> x) => TensorPrimitives.Multiply(o, x, o);
    }

    /// <summary>Max; NaN propagates (IEEE 754:2019 maximum), as torch.amax.</summary>
    readonly struct Max<T> : IReducer<T> where T : unmanaged, INumber<T>
    {
        public T Combine(T a, T b) => T.Max(a, b);
        public T Row(ReadOnlySpan<T> x) => TensorPrimitives.Max(x);
        public void Accumulate(Span<T> o, ReadOnlySpan<T> x) => TensorPrimitives.Max(o, x, o);
    }

    /// <summary>Min; NaN propagates.</summary>
    readonly struct Min<T> : IReducer<T> where T : unmanaged, INumber<T>
    {
        public T Combine(T a, T b) => T.Min(a, b);
        public T Row(ReadOnlySpan<T> x) => TensorPrimitives.Min(x);
        public void Accumulate(Span<T> o, ReadOnlySpan<T> x) => TensorPrimitives.Min(o, x, o);
    }

    /// <summary>Index (Int64) of the first max (or min) along <paramref name="dim"/>; the first NaN wins.</summary>
    public static Storage ArgReduce(bool max, Strided x, int dim)
    {
        var outShape = Storages.Without(x.Shape, dim);
        var outCount = Layout.Count(outShape);
        if (x.Shape[dim] == 0 && outCount > 0)
            throw new ArgumentException($"{(max ? "argmax" : "argmin")}(): Expected reduction dim {dim} to have non-zero size");
        var o = Storages.Uninitialized<long>(outCount);
        switch (x.DType)
        {
            case DType.Float32: ArgReduce<float>(max, x, dim, o); break;
            case DType.Float64: ArgReduce<double>(max, x, dim, o); break;
            case DType.Int64: ArgReduce<long>(max, x, dim, o); break;
            case DType.Int32: ArgReduce<int>(max, x, dim, o); break;
            case DType.UInt8 or DType.Bool: ArgReduce<byte>(max, x, dim, o); break;
            default: throw Storages.Unsupported(max ? "argmax" : "argmin", x.DType);
        }
        return new CpuStorage<long>(o);
    }

    static void ArgReduce<T>(bool max, Strided xv, int dim, long[] o) where T : unmanaged, INumber<T>
    {
        ReadOnlySpan<T> x = Storages.Span<T>(xv.Storage);
        var outShape = Storages.Without(xv.Shape, dim);
        var loop = new StridedLoop(outShape, (Storages.Without(xv.Strides, dim), xv.Offset), (Storages.Contiguous(outShape), 0));
        int size = xv.Shape[dim], along = xv.Strides[dim];
        for (var row = 0; row < loop.Rows; row++, loop.Advance())
        {
            int xo = loop.Offsets[0], oo = loop.Offsets[1], step = loop.InnerStrides[0];
            var j = 0;
            // Neighbouring outputs read neighbouring elements (pooling windows, argmax over a
            // middle dim): compare whole vectors of them at once.
            if (typeof(T) == typeof(float) && step == 1 && size > 0)
                j = max ? ArgBestColumns<Greater<float>>(MemoryMarshal.Cast<T, float>(x), xo, loop.Inner, size, along, o.AsSpan(oo))
                        : ArgBestColumns<Less<float>>(MemoryMarshal.Cast<T, float>(x), xo, loop.Inner, size, along, o.AsSpan(oo));
            for (xo += j * step; j < loop.Inner; j++, xo += step)
                o[oo + j] = max ? ArgBest<T, Greater<T>>(x, xo, size, along) : ArgBest<T, Less<T>>(x, xo, size, along);
        }
    }

    /// <summary>
    /// <see cref="ArgBest{T, TOrder}"/> of <paramref name="count"/> neighbouring columns at once,
    /// a vector of them at a time: a candidate replaces the best when strictly better, or when it
    /// is the first NaN (NaN counts as the extreme, and the first one wins, as in PyTorch).
    /// Returns how many columns it did (a multiple of the vector width).
    /// </summary>
    static int ArgBestColumns<TOrder>(ReadOnlySpan<float> x, int start, int count, int size, int along, Span<long> o)
        where TOrder : struct, IOrder<float>
    {
        var width = Vector<float>.Count;
        if (!Vector.IsHardwareAccelerated || count < width) return 0;
        var done = count / width * width;
        for (var j = 0; j < done; j += width)
        {
            var best = new Vector<float>(x.Slice(start + j, width));
            var index = Vector<int>.Zero;
            for (var i = 1; i < size; i++)
            {
                var v = new Vector<float>(x.Slice(start + j + i * along, width));
                // Equals(v, v) is false exactly in NaN lanes.
                var better = default(TOrder).Better(v, best) | Vector.AndNot(Vector.Equals(best, best), Vector.Equals(v, v));
                best = Vector.ConditionalSelect(better.As<int, float>(), v, best);
                index = Vector.ConditionalSelect(better, new Vector<int>(i), index);
            }
            for (var k = 0; k < width; k++) o[j + k] = index[k];
        }
        return done;
    }

    static long ArgBest<T, TOrder>(ReadOnlySpan<T> x, int start, int size, int step)
        where T : unmanaged, INumber<T>
        where TOrder : struct, IOrder<T>
    {
        var best = x[start];
        if (T.IsNaN(best)) return 0;
        long index = 0;
        for (int i = 1, at = start + step; i < size; i++, at += step)
        {
            var v = x[at];
            if (T.IsNaN(v)) return i;
            if (default(TOrder).Better(v, best))
            {
                best = v;
                index = i;
            }
        }
        return index;
    }

    interface IOrder<T>
    {
        bool Better(T candidate, T best);

        /// <summary>Lanes where the candidate is strictly better (all bits set), for float vectors.</summary>
        Vector<int> Better(Vector<float> candidate, Vector<float> best);
    }

    readonly struct Greater<T> : IOrder<T> where T : INumber<T>
    {
        public bool Better(T candidate, T best) => candidate > best;
        public Vector<int> Better(Vector<float> candidate, Vector<float> best) => Vector.GreaterThan(candidate, best);
    }

    readonly struct Less<T> : IOrder<T> where T : INumber<T>
    {
        public bool Better(T candidate, T best) => candidate < best;
        public Vector<int> Better(Vector<float> candidate, Vector<float> best) => Vector.LessThan(candidate, best);
    }
}
