namespace Hybrid

open System
open System.Runtime.CompilerServices
open System.Runtime.InteropServices

/// Reductions over all elements or given dims (keepdim as in PyTorch), softmax and log-softmax.
[<Extension; AbstractClass; Sealed>]
type ReductionExtensions =
    static member private NonEmpty(op: string, x: Tensor, dims: int[]) =
        for d in dims do
            if x.shape.[d] = 0 then
                raise (ArgumentException(sprintf "%s(): Expected reduction dim %d to have non-zero size." op d))
        if dims.Length = x.Dim && x.NumEl = 0 then
            raise (ArgumentException(sprintf "%s(): Expected reduction over an empty tensor to have a dimension to reduce (shape %s)" op (Shape.show x.shape)))

    /// Sum over dims (all when empty); integers sum in Int64 as in PyTorch.
    [<Extension>]
    static member Sum(x: Tensor, dims: int[], [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        let dims = Shape.normDims "sum" x.Dim dims
        let x = if x.DType.IsFloating() then x else x.To DType.Int64
        let storage = x.backend.Reduce(ReduceOp.Sum, x.strided, dims)
        Prim.Result(Sum(dims, keepdim), [| x |], storage, Shape.reduce x.shape dims keepdim)

    /// Sum over one dim.
    [<Extension>]
    static member Sum(x: Tensor, dim: int, [<Optional; DefaultParameterValue(false)>] keepdim: bool) = x.Sum([| dim |], keepdim)

    /// Sum of all elements (a 0-d tensor).
    [<Extension>] static member Sum(x: Tensor) = x.Sum(Array.empty<int>, false)

    /// Mean over dims (all when empty).
    [<Extension>]
    static member Mean(x: Tensor, dims: int[], [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        if not (x.DType.IsFloating()) then
            raise (ArgumentException(sprintf "mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: %s" (x.DType.TorchName())))
        let nd = Shape.normDims "mean" x.Dim dims
        let n = nd |> Array.fold (fun acc d -> acc * x.shape.[d]) 1
        let shape = Shape.reduce x.shape nd keepdim
        let sum = Strided.Contiguous(x.backend.Reduce(ReduceOp.Sum, x.strided, nd), shape)
        let scale = Strided(x.backend.Full(x.DType, 1, 1.0 / float n), shape, Array.zeroCreate shape.Length, 0)
        Prim.Result(Mean(nd, keepdim), [| x |], x.backend.Binary(BinaryOp.Mul, sum, scale, x.DType), shape)

    [<Extension>]
    static member Mean(x: Tensor, dim: int, [<Optional; DefaultParameterValue(false)>] keepdim: bool) = x.Mean([| dim |], keepdim)
    [<Extension>] static member Mean(x: Tensor) = x.Mean(Array.empty<int>, false)

    /// Product of all elements.
    [<Extension>]
    static member Prod(x: Tensor) =
        let x = if x.DType.IsFloating() then x else x.To DType.Int64
        let storage = x.backend.Reduce(ReduceOp.Prod, x.strided, Array.init x.Dim id)
        Prim.Result(Prod(None, false), [| x |], storage, [||])

    /// Product along one dim.
    [<Extension>]
    static member Prod(x: Tensor, dim: int, [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        let d = Shape.normDim "prod" x.Dim dim
        let x = if x.DType.IsFloating() then x else x.To DType.Int64
        let storage = x.backend.Reduce(ReduceOp.Prod, x.strided, (if x.Dim = 0 then [||] else [| d |]))
        Prim.Result(Prod(Some d, keepdim), [| x |], storage, (if x.Dim = 0 then [||] else Shape.reduce x.shape [| d |] keepdim))

    static member private Extreme(x: Tensor, isMax: bool) =
        let name = if isMax then "max" else "min"
        ReductionExtensions.NonEmpty(name, x, Array.init x.Dim id)
        let storage = x.backend.Reduce((if isMax then ReduceOp.Max else ReduceOp.Min), x.strided, Array.init x.Dim id)
        Prim.Result(Extremum isMax, [| x |], storage, [||])

    static member private ExtremeDim(x: Tensor, isMax: bool, dim: int, keepdim: bool) =
        let name = if isMax then "max" else "min"
        let x1 = if x.Dim = 0 then Prim.Reshape(x, [| 1 |]) else x
        let d = Shape.normDim name x1.Dim dim
        ReductionExtensions.NonEmpty(name, x1, [| d |])
        let outShape = if x.Dim = 0 then [||] else Shape.reduce x1.shape [| d |] keepdim
        let indices = Prim.Plain(x1.backend.ArgReduce(isMax, x1.strided, d), outShape)
        let values = x1.backend.Reduce((if isMax then ReduceOp.Max else ReduceOp.Min), x1.strided, [| d |])
        struct (Prim.Result(ExtremumDim(isMax, d, keepdim, indices), [| x1 |], values, outShape), indices)

    /// Largest element (a 0-d tensor).
    [<Extension>] static member Max(x: Tensor) = ReductionExtensions.Extreme(x, true)
    /// Smallest element.
    [<Extension>] static member Min(x: Tensor) = ReductionExtensions.Extreme(x, false)
    /// Largest values along dim and their indices: var (values, indices) = x.Max(1).
    [<Extension>]
    static member Max(x: Tensor, dim: int, [<Optional; DefaultParameterValue(false)>] keepdim: bool) = ReductionExtensions.ExtremeDim(x, true, dim, keepdim)
    /// Smallest values along dim and their indices.
    [<Extension>]
    static member Min(x: Tensor, dim: int, [<Optional; DefaultParameterValue(false)>] keepdim: bool) = ReductionExtensions.ExtremeDim(x, false, dim, keepdim)
    /// Elementwise larger (PyTorch's max(a, b)).
    [<Extension>] static member Max(a: Tensor, b: Tensor) = a.Maximum b
    /// Elementwise smaller.
    [<Extension>] static member Min(a: Tensor, b: Tensor) = a.Minimum b

    /// Values of the largest elements along dims (no indices).
    [<Extension>]
    static member Amax(x: Tensor, dims: int[], [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        let dims = Shape.normDims "amax" x.Dim dims
        dims |> Array.rev |> Array.fold (fun (t: Tensor) d -> let struct (v, _) = t.Max(d, keepdim) in v) x

    static member private ArgExtreme(x: Tensor, isMax: bool, dim: Nullable<int>, keepdim: bool) =
        let name = if isMax then "argmax" else "argmin"
        if not dim.HasValue then
            let flat = Prim.Reshape(x, [| -1 |])
            ReductionExtensions.NonEmpty(name, flat, [| 0 |])
            let r = Prim.Plain(flat.backend.ArgReduce(isMax, flat.strided, 0), [||])
            if keepdim then Prim.Reshape(r, Array.create x.Dim 1) else r
        else
            let struct (_, indices) = ReductionExtensions.ExtremeDim(x.Detach(), isMax, dim.Value, keepdim)
            indices

    /// Index of the largest element (flattened) or along dim.
    [<Extension>]
    static member ArgMax(x: Tensor, [<Optional; DefaultParameterValue(Nullable<int>())>] dim: Nullable<int>, [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        ReductionExtensions.ArgExtreme(x, true, dim, keepdim)
    /// Index of the smallest element (flattened) or along dim.
    [<Extension>]
    static member ArgMin(x: Tensor, [<Optional; DefaultParameterValue(Nullable<int>())>] dim: Nullable<int>, [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        ReductionExtensions.ArgExtreme(x, false, dim, keepdim)

    /// Whether any element over dims (all when empty) is nonzero (NaN counts), as torch.any; bool.
    [<Extension>]
    static member Any(x: Tensor, dims: int[], [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        GradMode.noGrad (fun () -> x.Ne(0.0).To(DType.Int64).Sum(dims, keepdim).Gt(0.0))
    [<Extension>]
    static member Any(x: Tensor, dim: int, [<Optional; DefaultParameterValue(false)>] keepdim: bool) = x.Any([| dim |], keepdim)
    [<Extension>] static member Any(x: Tensor) = x.Any(Array.empty<int>, false)

    /// Whether every element over dims (all when empty) is nonzero, as torch.all; true when there are none.
    [<Extension>]
    static member All(x: Tensor, dims: int[], [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        GradMode.noGrad (fun () -> x.Eq(0.0).To(DType.Int64).Sum(dims, keepdim).Eq(0.0))
    [<Extension>]
    static member All(x: Tensor, dim: int, [<Optional; DefaultParameterValue(false)>] keepdim: bool) = x.All([| dim |], keepdim)
    [<Extension>] static member All(x: Tensor) = x.All(Array.empty<int>, false)

    /// Variance over dims (all when empty); unbiased divides by n − 1 (Bessel), as PyTorch's default.
    [<Extension>]
    static member Var(x: Tensor, dims: int[], [<Optional; DefaultParameterValue(true)>] unbiased: bool, [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        let nd = Shape.normDims "var" x.Dim dims
        let n = nd |> Array.fold (fun acc d -> acc * x.shape.[d]) 1
        let centered = x - x.Mean(nd, true)
        (centered * centered).Sum(nd, keepdim) / float (if unbiased then n - 1 else n)
    [<Extension>]
    static member Var(x: Tensor, dim: int, [<Optional; DefaultParameterValue(true)>] unbiased: bool, [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        x.Var([| dim |], unbiased, keepdim)
    [<Extension>]
    static member Var(x: Tensor, [<Optional; DefaultParameterValue(true)>] unbiased: bool) = x.Var(Array.empty<int>, unbiased, false)

    /// Standard deviation (square root of Var).
    [<Extension>]
    static member Std(x: Tensor, dims: int[], [<Optional; DefaultParameterValue(true)>] unbiased: bool, [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        x.Var(dims, unbiased, keepdim).Sqrt()
    [<Extension>]
    static member Std(x: Tensor, dim: int, [<Optional; DefaultParameterValue(true)>] unbiased: bool, [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        x.Var([| dim |], unbiased, keepdim).Sqrt()
    [<Extension>]
    static member Std(x: Tensor, [<Optional; DefaultParameterValue(true)>] unbiased: bool) = x.Var(Array.empty<int>, unbiased, false).Sqrt()

    /// log Σ exp(x) over dims, computed stably (shifted by the max, which carries no gradient).
    [<Extension>]
    static member LogSumExp(x: Tensor, dims: int[], [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        let nd = Shape.normDims "logsumexp" x.Dim dims
        let m = GradMode.noGrad (fun () ->
            let m = x.Detach().Amax(nd, true)
            // An all −∞ (or +∞) slice would give ∞ − ∞; shift by 0 there instead.
            m.Abs().Eq(Double.PositiveInfinity).Where(Create.FullLike(m, 0.0), m))
        let s = (x - m).Exp().Sum(nd, true).Log() + m
        if keepdim then s else Prim.Reshape(s, Shape.reduce x.shape nd false)
    [<Extension>]
    static member LogSumExp(x: Tensor, dim: int, [<Optional; DefaultParameterValue(false)>] keepdim: bool) = x.LogSumExp([| dim |], keepdim)

    /// Running sums along dim, as torch.cumsum: y_i = x_0 + … + x_i. Integer and bool inputs
    /// give Int64, as in PyTorch; floats are summed in double precision and rounded once.
    [<Extension>]
    static member CumSum(x: Tensor, dim: int) =
        let x = if x.DType.IsFloating() || x.DType = DType.Int64 then x else x.To DType.Int64
        let x1 = if x.Dim = 0 then Prim.Reshape(x, [| 1 |]) else x
        let d = Shape.normDim "cumsum" x1.Dim dim
        let r = Prim.Result(CumSum d, [| x1 |], x1.backend.CumSum(x1.strided, d), x1.shape)
        if x.Dim = 0 then Prim.Reshape(r, [||]) else r

    /// Softmax along dim.
    [<Extension>]
    static member Softmax(x: Tensor, dim: int) =
        let x = if x.DType.IsFloating() then x else x.Float()
        let x1 = if x.Dim = 0 then Prim.Reshape(x, [| 1 |]) else x
        let d = Shape.normDim "softmax" x1.Dim dim
        let r = Prim.Result(Softmax d, [| x1 |], x1.backend.Softmax(x1.strided, d, false), x1.shape)
        if x.Dim = 0 then Prim.Reshape(r, [||]) else r

    /// Log of softmax along dim, computed stably.
    [<Extension>]
    static member LogSoftmax(x: Tensor, dim: int) =
        let x = if x.DType.IsFloating() then x else x.Float()
        let x1 = if x.Dim = 0 then Prim.Reshape(x, [| 1 |]) else x
        let d = Shape.normDim "log_softmax" x1.Dim dim
        let r = Prim.Result(LogSoftmax d, [| x1 |], x1.backend.Softmax(x1.strided, d, true), x1.shape)
        if x.Dim = 0 then Prim.Reshape(r, [||]) else r
