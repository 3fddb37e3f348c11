using Hybrid.Cpu;
using ILGPU;

namespace Hybrid.Gpu;

/// <summary>
/// gather, scatter, index_select, index_add (<see cref="IndexingKernels"/>). Index values are
/// data, so only a kernel can check them; as on the CPU backend, an index outside [0, size)
/// fails with an ArgumentException naming the op, the first bad index in row-major order and
/// the dim. That check waits for the device (a flag read back for gather and index_select; the
/// index itself for scatter and index_add, whose destination groups the host builds anyway).
/// </summary>
public sealed partial class GpuBackend
{
    /// <inheritdoc />
    public Storage Gather(Strided x, int dim, Strided index)
    {
        using var converted = In(index, DType.Int64);
        index = converted.View;
        var size = x.Shape[dim];
        var first = StartRangeCheck(index, size);
        var o = DTypeDispatch.On<GatherRun, GpuStorage>(x.DType, new(this, x, dim, index));
        FinishRangeCheck(first, "gather", index, dim, size, o);
        return o;
    }

    readonly struct GatherRun(GpuBackend g, Strided x, int dim, Strided index) : IDTypeFunc<GpuStorage>
    {
        public GpuStorage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var o = g.Allocate(x.DType, index.Count);
            // x walked with the index's shape, its own strides and no step along dim.
            var lx = ViewLayout.Of(index.Shape, Storages.With(x.Strides, dim, 0), x.Offset, "gather");
            g.Kernels.Launch(IndexingKernels.Gather<T>, index.Count,
                View<T>(x), lx, x.Strides[dim], View<long>(index), ViewLayout.Of(index, "gather"), x.Shape[dim], o.View<T>());
            return o;
        }
    }

    /// <inheritdoc />
    public Storage IndexSelect(Strided x, int dim, Strided index)
    {
        using var converted = In(index, DType.Int64);
        index = converted.View;
        var size = x.Shape[dim];
        var first = StartRangeCheck(index, size);
        var o = DTypeDispatch.On<IndexSelectRun, GpuStorage>(x.DType, new(this, x, dim, index));
        FinishRangeCheck(first, "index_select", index, dim, size, o);
        return o;
    }

    readonly struct IndexSelectRun(GpuBackend g, Strided x, int dim, Strided index) : IDTypeFunc<GpuStorage>
    {
        public GpuStorage Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var count = index.Count;
            var o = g.Allocate(x.DType, Layout.Count(Storages.With(x.Shape, dim, count)));
            var inner = Layout.Count(x.Shape[(dim + 1)..]);
            var slice = ViewLayout.Of(Storages.Without(x.Shape, dim), Storages.Without(x.Strides, dim), x.Offset, "index_select");
            g.Kernels.Launch(IndexingKernels.IndexSelect<T>, o.Length,
                View<T>(x), slice, x.Strides[dim], View<long>(index), ViewLayout.Of(index, "index_select"), x.Shape[dim], count, inner, o.View<T>());
            return o;
        }
    }

    /// <inheritdoc />
    public Storage Scatter(Strided x, int dim, Strided index, Strided src, bool accumulate)
    {
        var op = accumulate ? "scatter_add" : "scatter";
        using Operand indices = In(index, DType.Int64), values = In(src, x.DType);
        (index, src) = (indices.View, values.View);
        // Destination slot of each source (row-major over the index's shape) in the contiguous
        // output: its own coordinates, with the index value along dim.
        var positions = (long[])ToArray(index);
        var outStrides = Storages.Contiguous(x.Shape);
        var slots = RowMajorOffsets(index.Shape, Storages.With(outStrides, dim, 0));
        int size = x.Shape[dim], along = outStrides[dim];
        for (var k = 0; k < slots.Length; k++) slots[k] += CheckIndex(op, positions[k], dim, size) * along;
        var o = (GpuStorage)Copy(x, x.DType);
        DTypeDispatch.On<ScatterRun, bool>(x.DType, new(this, o, IndexGroups.Of(slots), src, accumulate));
        return o;
    }

    readonly struct ScatterRun(GpuBackend g, GpuStorage o, IndexGroups groups, Strided src, bool accumulate) : IDTypeFunc<bool>
    {
        public bool Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            if (groups.Targets.Length == 0) return true;
            var (uploaded, targets, starts, sources) = g.UploadGroups(groups);
            using var packed = uploaded;
            g.Kernels.Launch(IndexingKernels.ScatterGroups<T, N>, groups.Targets.Length,
                o.View<T>(), targets, starts, sources, View<T>(src), ViewLayout.Of(src, "scatter"), accumulate ? 1 : 0);
            return true;
        }
    }

    /// <inheritdoc />
    public Storage IndexAdd(Strided x, int dim, Strided index, Strided src)
    {
        var size = x.Shape[dim];
        using Operand indices = In(index, DType.Int64), values = In(src, x.DType);
        var positions = (long[])ToArray(indices.View);
        var keys = new int[positions.Length];
        for (var j = 0; j < keys.Length; j++) keys[j] = CheckIndex("index_add", positions[j], dim, size);
        var o = (GpuStorage)Copy(x, x.DType);
        DTypeDispatch.On<IndexAddRun, bool>(x.DType, new(this, o, x.Shape, dim, IndexGroups.Of(keys), values.View));
        return o;
    }

    readonly struct IndexAddRun(GpuBackend g, GpuStorage o, int[] shape, int dim, IndexGroups groups, Strided src) : IDTypeFunc<bool>
    {
        public bool Run<T, N>() where T : unmanaged where N : struct, INumeric<T>
        {
            var size = shape[dim];
            if (groups.Targets.Length == 0 || size == 0) return true;
            var sliceCount = o.Length / size;
            var inner = Layout.Count(shape[(dim + 1)..]);
            var slice = ViewLayout.Of(Storages.Without(src.Shape, dim), Storages.Without(src.Strides, dim), src.Offset, "index_add");
            var (uploaded, targets, starts, sources) = g.UploadGroups(groups);
            using var packed = uploaded;
            g.Kernels.Launch(IndexingKernels.IndexAddGroups<T, N>, groups.Targets.Length * sliceCount,
                o.View<T>(), targets, starts, sources, View<T>(src), slice, src.Strides[dim], sliceCount, inner, size);
            return true;
        }
    }

    /// <summary>
    /// The three arrays of <paramref name="groups"/> in one device storage (one copy, as each
    /// copy costs a round of latency) and the views of them; the caller disposes the storage once
    /// its kernel is enqueued.
    /// </summary>
    (GpuStorage Packed, ArrayView<int> Targets, ArrayView<int> Starts, ArrayView<int> Sources) UploadGroups(IndexGroups groups)
    {
        int[] t = groups.Targets, s = groups.Starts, k = groups.Sources;
        var packed = new int[t.Length + s.Length + k.Length];
        t.CopyTo(packed, 0);
        s.CopyTo(packed, t.Length);
        k.CopyTo(packed, t.Length + s.Length);
        var storage = (GpuStorage)FromArray(packed);
        var all = storage.View<int>();
        return (storage, all.SubView(0, t.Length), all.SubView(t.Length, s.Length), all.SubView(t.Length + s.Length, k.Length));
    }

    /// <summary>Enqueues the range check of an index; the returned one-int storage receives the first bad position.</summary>
    GpuStorage StartRangeCheck(Strided index, int size)
    {
        var first = Allocate(DType.Int32, 1);
        Kernels.Launch(ElementwiseKernels.Fill<int>, 1, first.View<int>(), int.MaxValue);
        Kernels.Launch(IndexingKernels.FirstOutOfRange, index.Count, View<long>(index), ViewLayout.Of(index, "index check"), (long)size, first.View<int>());
        return first;
    }

    /// <summary>
    /// Waits for the range check and throws the CPU backend's error for the first bad index,
    /// handing the result's memory back at once in that case.
    /// </summary>
    void FinishRangeCheck(GpuStorage first, string op, Strided index, int dim, int size, GpuStorage result)
    {
        var position = ((int[])ToArray(Strided.Contiguous(first, [1])))[0];
        first.Dispose();
        if (position == int.MaxValue) return;
        result.Dispose();
        CheckIndex(op, ((long[])ToArray(index))[position], dim, size);
    }

    static int CheckIndex(string op, long index, int dim, int size) =>
        (ulong)index < (ulong)size
            ? (int)index
            : throw new ArgumentException($"{op}(): index {index} is out of bounds for dimension {dim} with size {size}");

    /// <summary>Storage offsets, for strides <paramref name="strides"/>, of the elements of <paramref name="shape"/> in row-major order.</summary>
    static int[] RowMajorOffsets(int[] shape, int[] strides)
    {
        var offsets = new int[Layout.Count(shape)];
        if (offsets.Length == 0) return offsets;
        var counter = new int[shape.Length];
        var at = 0;
        for (var k = 0; ; k++)
        {
            offsets[k] = at;
            if (k == offsets.Length - 1) return offsets;
            // Odometer: bump the innermost dim, carrying outwards.
            for (var d = shape.Length - 1; d >= 0; d--)
            {
                at += strides[d];
                if (++counter[d] < shape[d]) break;
                at -= strides[d] * shape[d];
                counter[d] = 0;
            }
        }
    }
}
