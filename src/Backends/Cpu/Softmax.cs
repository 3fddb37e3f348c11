using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Hybrid.Cpu;

/// <summary>
/// Softmax and log-softmax along one dim, stabilized by subtracting the lane's max (so every
/// exponential is at most 1 and nothing overflows).
/// </summary>
internal static class SoftmaxKernel
{
    public static Storage Compute(Strided x, int dim, bool log)
    {
        var o = Storages.Allocate(x.DType, x.Count);
        switch (x.DType)
        {
            case DType.Float32: if (!ParallelLanes<float>(x, dim, log, o)) Lanes(x, dim, log, Storages.Span<float>(o)); break;
            case DType.Float64: if (!ParallelLanes<double>(x, dim, log, o)) Lanes(x, dim, log, Storages.Span<double>(o)); break;
            default: throw Storages.Unsupported(log ? "log_softmax" : "softmax", x.DType);
        }
        return o;
    }

    /// <summary>
    /// Contiguous lanes of a large input run on <see cref="CpuParallel"/>, each worker taking one
    /// run of them; each lane is computed exactly as <see cref="Lanes"/> would, so results don't
    /// depend on the thread count. Returns false (nothing done) when the lanes aren't contiguous or the input is small.
    /// </summary>
    static bool ParallelLanes<T>(Strided xv, int dim, bool log, Storage os) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var count = xv.Count;
        int size = xv.Shape[dim];
        if (count == 0 || xv.Strides[dim] != 1 && size > 1) return false;
        var outStrides = Storages.Contiguous(xv.Shape);
        if (outStrides[dim] != 1 && size > 1) return false;
        // Exp dominates: count it as a few units of work per element.
        var work = 8.0 * count;
        if (CpuParallel.WorkersFor(work) <= 1) return false;
        var shape = Storages.Without(xv.Shape, dim);
        var xStrides = Storages.Without(xv.Strides, dim);
        var oStrides = Storages.Without(outStrides, dim);
        var lanes = count / size;
        // One contiguous run of lanes per worker: a sequential stream per core for the prefetchers.
        var workers = CpuParallel.WorkersFor(work);
        var per = (lanes + workers - 1) / workers;
        var items = (lanes + per - 1) / per;
        var xs = xv.Storage;
        var offset = xv.Offset;
        ForJob.Run(items, work, item =>
        {
            ReadOnlySpan<T> x = Storages.Span<T>(xs);
            var o = Storages.Span<T>(os);
            var scratch = new T[size];
            int start = item * per, end = Math.Min(lanes, start + per);
            for (var i = start; i < end; i++)
            {
                int xo = offset, oo = 0, rest = i;
                for (var d = shape.Length - 1; d >= 0; d--)
                {
                    var k = rest % shape[d];
                    rest /= shape[d];
                    xo += k * xStrides[d];
                    oo += k * oStrides[d];
                }
                Lane(x.Slice(xo, size), o.Slice(oo, size), scratch, log);
            }
        });
        return true;
    }

    static void Lanes<T>(Strided xv, int dim, bool log, Span<T> o) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (o.Length == 0) return;
        ReadOnlySpan<T> x = Storages.Span<T>(xv.Storage);
        var outStrides = Storages.Contiguous(xv.Shape);
        int size = xv.Shape[dim], xStep = xv.Strides[dim], oStep = outStrides[dim];
        var lanes = new StridedLoop(Storages.Without(xv.Shape, dim),
            (Storages.Without(xv.Strides, dim), xv.Offset), (Storages.Without(outStrides, dim), 0));
        // A lane that is not contiguous in x or in the output (dim is not the last) is
        // gathered into a dense buffer, computed there, and scattered back.
        var lane = new T[size];
        var scratch = new T[size];
        for (var r = 0; r < lanes.Rows; r++, lanes.Advance())
        {
            int xo = lanes.Offsets[0], oo = lanes.Offsets[1];
            for (var j = 0; j < lanes.Inner; j++, xo += lanes.InnerStrides[0], oo += lanes.InnerStrides[1])
            {
                if (xStep == 1 && oStep == 1)
                {
                    Lane(x.Slice(xo, size), o.Slice(oo, size), scratch, log);
                    continue;
                }
                for (var i = 0; i < size; i++) lane[i] = x[xo + i * xStep];
                Lane(lane, lane, scratch, log);
                for (var i = 0; i < size; i++) o[oo + i * oStep] = lane[i];
            }
        }
    }

    /// <summary>o = softmax(x) or log_softmax(x) of one dense lane (o may be x itself).</summary>
    static void Lane<T>(ReadOnlySpan<T> x, Span<T> o, Span<T> scratch, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && VectorExp.IsSupported)
        {
            Float32Lane(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(o), log);
            return;
        }
        var max = TensorPrimitives.Max(x); // NaN propagates into every output, as in PyTorch
        TensorPrimitives.Subtract(x, max, o);
        if (log)
        {
            TensorPrimitives.Exp(o, scratch);
            TensorPrimitives.Subtract(o, T.Log(TensorPrimitives.Sum(scratch)), o);
        }
        else
        {
            TensorPrimitives.Exp(o, o);
            TensorPrimitives.Divide(o, TensorPrimitives.Sum(o), o);
        }
    }

    /// <summary>
    /// The float32 lane in two passes after the max: eˣ⁻ᵐᵃˣ written and summed in one (with
    /// <see cref="VectorExp"/>), then scaled by 1/Σ (as PyTorch's vectorized softmax does), or,
    /// for log-softmax, (x − max) − log Σ.
    /// </summary>
    static void Float32Lane(ReadOnlySpan<float> x, Span<float> o, bool log)
    {
        var max = TensorPrimitives.Max(x); // NaN propagates into every output, as in PyTorch
        var shift = Vector512.Create(max);
        var sums = Vector512<float>.Zero;
        int n = x.Length, i = 0;
        for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
        {
            var e = VectorExp.Exp(Vector512.Create(x.Slice(i)) - shift);
            if (!log) e.CopyTo(o.Slice(i));
            sums += e;
        }
        var sum = Vector512.Sum(sums);
        for (; i < n; i++)
        {
            var e = VectorExp.Exp(Vector512.CreateScalar(x[i] - max)).ToScalar();
            if (!log) o[i] = e;
            sum += e;
        }
        if (log)
        {
            TensorPrimitives.Subtract(x, max, o);
            TensorPrimitives.Subtract(o, MathF.Log(sum), o);
        }
        else TensorPrimitives.Multiply(o, 1 / sum, o);
    }
}
