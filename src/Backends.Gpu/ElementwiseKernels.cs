using ILGPU;

namespace Hybrid.Gpu;

/// <summary>
/// One-element-per-thread kernels. Each reads its operands through their layouts, so
/// broadcast (zero-stride) and transposed views need no copies; the op is a kernel argument
/// (the same for every thread, so the switch costs no divergence).
/// </summary>
internal static class ElementwiseKernels
{
    public static void Fill<T>(Index1D thread, Elements elements, ArrayView<T> o, T value) where T : unmanaged
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
            o[i] = value;
    }

    /// <summary>o at layout lo ← x converted; floats convert through double, integers through long.</summary>
    public static void Convert<TIn, NIn, TOut, NOut>(Index1D thread, Elements elements, ArrayView<TIn> x, ViewLayout lx, ArrayView<TOut> o, ViewLayout lo)
        where TIn : unmanaged where NIn : struct, INumeric<TIn>
        where TOut : unmanaged where NOut : struct, INumeric<TOut>
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            o[lo.At(i)] = Numbers.Convert<TIn, NIn, TOut, NOut>(x[lx.At(i)]);
        }
    }

    /// <summary>
    /// op of each element. Floats compute in double (<see cref="FloatingMath"/>) and round once;
    /// integers know neg, abs, sign and clamp (relu is a clamp at 0); lo and hi are clamp's bounds.
    /// </summary>
    public static void Unary<T, N>(Index1D thread, Elements elements, ArrayView<T> x, ViewLayout lx, ArrayView<T> o, int op, double alpha, double beta, T lo, T hi)
        where T : unmanaged where N : struct, INumeric<T>
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var n = default(N);
            var v = x[lx.At(i)];
            var u = (UnaryOp)op;
            if (u is UnaryOp.Clamp or UnaryOp.Relu)
            {
                // max, then min: when lo > hi every element becomes hi, as in PyTorch.
                var above = n.Lt(v, lo) ? lo : v;
                o[i] = n.IsNaN(v) ? v : n.Lt(hi, above) ? hi : above;
            }
            else if (n.IsFloating)
                o[i] = n.FromDouble(FloatingMath.Apply(u, n.ToDouble(v), alpha, beta));
            else
            {
                var zero = n.FromLong(0);
                o[i] = u switch
                {
                    UnaryOp.Neg => n.Sub(zero, v),
                    UnaryOp.Abs => n.Lt(v, zero) ? n.Sub(zero, v) : v,
                    _ => n.FromLong(n.Lt(zero, v) ? 1 : n.Lt(v, zero) ? -1 : 0),
                };
            }
        }
    }

    public static void Binary<T, N>(Index1D thread, Elements elements, ArrayView<T> a, ViewLayout la, ArrayView<T> b, ViewLayout lb, ArrayView<T> o, int op)
        where T : unmanaged where N : struct, INumeric<T>
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var n = default(N);
            T x = a[la.At(i)], y = b[lb.At(i)];
            o[i] = (BinaryOp)op switch
            {
                BinaryOp.Add or BinaryOp.Or => n.Add(x, y),
                BinaryOp.Sub => n.Sub(x, y),
                BinaryOp.Mul or BinaryOp.And => n.Mul(x, y),
                BinaryOp.Div => n.Div(x, y),
                BinaryOp.Pow => n.Pow(x, y),
                BinaryOp.Maximum => n.Max(x, y),
                BinaryOp.ReluGrad => n.Lt(n.FromLong(0), y) ? x : n.FromLong(0),
                _ => n.Min(x, y),
            };
        }
    }

    /// <summary>Comparison as a Bool byte; NaN compares false except for Ne.</summary>
    public static void Compare<T, N>(Index1D thread, Elements elements, ArrayView<T> a, ViewLayout la, ArrayView<T> b, ViewLayout lb, ArrayView<byte> o, int op)
        where T : unmanaged where N : struct, INumeric<T>
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
        {
            var n = default(N);
            T x = a[la.At(i)], y = b[lb.At(i)];
            var r = (CompareOp)op switch
            {
                CompareOp.Eq => n.Eq(x, y),
                CompareOp.Ne => !n.Eq(x, y),
                CompareOp.Lt => n.Lt(x, y),
                CompareOp.Le => n.Lt(x, y) || n.Eq(x, y),
                CompareOp.Gt => n.Lt(y, x),
                _ => n.Lt(y, x) || n.Eq(x, y),
            };
            o[i] = r ? (byte)1 : (byte)0;
        }
    }

    public static void Where<T>(Index1D thread, Elements elements, ArrayView<byte> c, ViewLayout lc, ArrayView<T> a, ViewLayout la, ArrayView<T> b, ViewLayout lb, ArrayView<T> o)
        where T : unmanaged
    {
        for (int i = thread; i < elements.Count; i += elements.Stride)
            o[i] = c[lc.At(i)] != 0 ? a[la.At(i)] : b[lb.At(i)];
    }
}
