namespace Hybrid

open System
open System.Runtime.CompilerServices
open System.Runtime.InteropServices

/// Elementwise math, comparisons, casts and where, as methods on Tensor (C#: x.Exp(); F#: x.Exp()).
[<Extension; AbstractClass; Sealed>]
type ElementwiseExtensions =
    [<Extension>] static member Exp(x: Tensor) = Prim.Unary("exp", UnaryOp.Exp, Exp, x)
    [<Extension>] static member Log(x: Tensor) = Prim.Unary("log", UnaryOp.Log, Log, x)
    [<Extension>] static member Log1p(x: Tensor) = Prim.Unary("log1p", UnaryOp.Log1p, Log1p, x)
    [<Extension>] static member Sqrt(x: Tensor) = Prim.Unary("sqrt", UnaryOp.Sqrt, Sqrt, x)
    [<Extension>] static member Rsqrt(x: Tensor) = Prim.Unary("rsqrt", UnaryOp.Rsqrt, Rsqrt, x)
    [<Extension>] static member Abs(x: Tensor) = Prim.Unary("abs", UnaryOp.Abs, Abs, x)
    [<Extension>] static member Sign(x: Tensor) = Prim.Unary("sign", UnaryOp.Sign, Sign, x)
    /// The largest integer ≤ x, elementwise (integers come back as they are, as in PyTorch).
    [<Extension>] static member Floor(x: Tensor) = ElementwiseExtensions.Rounding("floor", UnaryOp.Floor, Floor, x)
    /// The smallest integer ≥ x.
    [<Extension>] static member Ceil(x: Tensor) = ElementwiseExtensions.Rounding("ceil", UnaryOp.Ceil, Ceil, x)
    /// The nearest integer, halves to the even one (round(2.5) = 2), as torch.round.
    [<Extension>] static member Round(x: Tensor) = ElementwiseExtensions.Rounding("round", UnaryOp.Round, Round, x)
    /// x without its fraction (towards zero).
    [<Extension>] static member Trunc(x: Tensor) = ElementwiseExtensions.Rounding("trunc", UnaryOp.Trunc, Trunc, x)
    static member private Rounding(name: string, kop: UnaryOp, op: Op, x: Tensor) =
        if x.DType.IsFloating() || x.DType = DType.Bool then Prim.Unary(name, kop, op, x) else Prim.Clone x
    [<Extension>] static member Sin(x: Tensor) = Prim.Unary("sin", UnaryOp.Sin, Sin, x)
    [<Extension>] static member Cos(x: Tensor) = Prim.Unary("cos", UnaryOp.Cos, Cos, x)
    [<Extension>] static member Tanh(x: Tensor) = Prim.Unary("tanh", UnaryOp.Tanh, Tanh, x)
    [<Extension>] static member Sigmoid(x: Tensor) = Prim.Unary("sigmoid", UnaryOp.Sigmoid, Sigmoid, x)
    [<Extension>] static member Erf(x: Tensor) = Prim.Unary("erf", UnaryOp.Erf, Erf, x)
    [<Extension>] static member Relu(x: Tensor) = Prim.Unary("relu", UnaryOp.Relu, Relu, x)
    /// The exact GELU, x·Φ(x).
    [<Extension>] static member Gelu(x: Tensor) = Prim.Unary("gelu", UnaryOp.Gelu, Gelu, x)
    [<Extension>] static member Silu(x: Tensor) = Prim.Unary("silu", UnaryOp.Silu, Silu, x)
    /// GELU, exact ("none") or "tanh": 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as GPT-2 uses.
    [<Extension>]
    static member Gelu(x: Tensor, approximate: string) =
        match approximate with
        | "none" -> x.Gelu()
        | "tanh" ->
            let inner: Tensor = (x + x * x * x * 0.044715) * Math.Sqrt(2.0 / Math.PI)
            x * 0.5 * (inner.Tanh() + 1.0)
        | other -> raise (ArgumentException(sprintf "gelu: approximate argument must be either none or tanh, got '%s'" other))
    [<Extension>] static member Neg(x: Tensor) = -x
    [<Extension>] static member Square(x: Tensor) = x * x
    [<Extension>] static member Reciprocal(x: Tensor) = 1.0 / x

    [<Extension>]
    static member LeakyRelu(x: Tensor, [<Optional; DefaultParameterValue(0.01)>] negativeSlope: float) =
        Prim.Unary("leaky_relu", UnaryOp.LeakyRelu, LeakyRelu negativeSlope, x, negativeSlope)

    [<Extension>]
    static member Elu(x: Tensor, [<Optional; DefaultParameterValue(1.0)>] alpha: float) =
        Prim.Unary("elu", UnaryOp.Elu, Elu alpha, x, alpha)

    [<Extension>]
    static member Softplus(x: Tensor, [<Optional; DefaultParameterValue(1.0)>] beta: float, [<Optional; DefaultParameterValue(20.0)>] threshold: float) =
        Prim.Unary("softplus", UnaryOp.Softplus, Softplus(beta, threshold), x, beta, threshold)

    /// Limits values to [min, max]; pass NaN (or use the named overloads) for a missing bound.
    [<Extension>]
    static member Clamp(x: Tensor, min: float, max: float) =
        let lo = if Double.IsNaN min then Double.NegativeInfinity else min
        let hi = if Double.IsNaN max then Double.PositiveInfinity else max
        Prim.Unary("clamp", UnaryOp.Clamp, Clamp(lo, hi), x, lo, hi)

    [<Extension>] static member ClampMin(x: Tensor, min: float) = x.Clamp(min, Double.NaN)
    [<Extension>] static member ClampMax(x: Tensor, max: float) = x.Clamp(Double.NaN, max)

    /// Elementwise power with a tensor exponent (broadcasting).
    [<Extension>] static member Pow(x: Tensor, exponent: Tensor) = Prim.Binary("pow", BinaryOp.Pow, Pow, x, exponent)
    /// Elementwise power with a scalar exponent.
    [<Extension>] static member Pow(x: Tensor, exponent: float) = Prim.Binary("pow", BinaryOp.Pow, Pow, x, Prim.Scalar(exponent, x))

    /// Elementwise larger of two tensors (NaN propagates).
    [<Extension>] static member Maximum(a: Tensor, b: Tensor) = Prim.Binary("maximum", BinaryOp.Maximum, Maximum, a, b)
    /// Elementwise smaller of two tensors (NaN propagates).
    [<Extension>] static member Minimum(a: Tensor, b: Tensor) = Prim.Binary("minimum", BinaryOp.Minimum, Minimum, a, b)

    [<Extension>] static member Add(a: Tensor, b: Tensor) = a + b
    [<Extension>] static member Add(a: Tensor, b: Tensor, alpha: float) = a + b * alpha
    [<Extension>] static member Sub(a: Tensor, b: Tensor) = a - b
    [<Extension>] static member Mul(a: Tensor, b: Tensor) = a * b
    [<Extension>] static member Div(a: Tensor, b: Tensor) = a / b

    [<Extension>] static member Eq(a: Tensor, b: Tensor) = Prim.Compare("eq", CompareOp.Eq, a, b)
    [<Extension>] static member Ne(a: Tensor, b: Tensor) = Prim.Compare("ne", CompareOp.Ne, a, b)
    [<Extension>] static member Lt(a: Tensor, b: Tensor) = Prim.Compare("lt", CompareOp.Lt, a, b)
    [<Extension>] static member Le(a: Tensor, b: Tensor) = Prim.Compare("le", CompareOp.Le, a, b)
    [<Extension>] static member Gt(a: Tensor, b: Tensor) = Prim.Compare("gt", CompareOp.Gt, a, b)
    [<Extension>] static member Ge(a: Tensor, b: Tensor) = Prim.Compare("ge", CompareOp.Ge, a, b)
    [<Extension>] static member Eq(a: Tensor, b: float) = a.Eq(Prim.Scalar(b, a))
    [<Extension>] static member Ne(a: Tensor, b: float) = a.Ne(Prim.Scalar(b, a))
    [<Extension>] static member Lt(a: Tensor, b: float) = a.Lt(Prim.Scalar(b, a))
    [<Extension>] static member Le(a: Tensor, b: float) = a.Le(Prim.Scalar(b, a))
    [<Extension>] static member Gt(a: Tensor, b: float) = a.Gt(Prim.Scalar(b, a))
    [<Extension>] static member Ge(a: Tensor, b: float) = a.Ge(Prim.Scalar(b, a))
    [<Extension>] static member LogicalAnd(a: Tensor, b: Tensor) = Prim.Binary("logical_and", BinaryOp.And, Mul, a.To DType.Bool, b.To DType.Bool)
    [<Extension>] static member LogicalOr(a: Tensor, b: Tensor) = Prim.Binary("logical_or", BinaryOp.Or, Add, a.To DType.Bool, b.To DType.Bool)
    [<Extension>] static member LogicalNot(a: Tensor) = a.Eq(Prim.Scalar(0.0, a))

    /// True where x is NaN (never for integer and bool dtypes), as torch.isnan.
    [<Extension>] static member IsNan(x: Tensor) = GradMode.noGrad (fun () -> x.Ne x)
    /// True where x is +∞ or −∞.
    [<Extension>]
    static member IsInf(x: Tensor) =
        GradMode.noGrad (fun () -> if x.DType.IsFloating() then x.Abs().Eq(Double.PositiveInfinity) else x.Ne x)
    /// True where x is neither NaN nor ±∞ (x − x is 0 exactly then).
    [<Extension>]
    static member IsFinite(x: Tensor) =
        GradMode.noGrad (fun () -> if x.DType.IsFloating() then (x - x).Eq(0.0) else x.Eq x)

    /// True when every element of a equals b's (same shape).
    [<Extension>]
    static member Equal(a: Tensor, b: Tensor) =
        a.shape = b.shape && (a.NumEl = 0 || (a.Eq b).To(DType.Int64).ToArray<int64>() |> Array.forall ((=) 1L))

    /// True when |a − b| ≤ atol + rtol·|b| everywhere (PyTorch's allclose).
    [<Extension>]
    static member AllClose(a: Tensor, b: Tensor, [<Optional; DefaultParameterValue(1e-5)>] rtol: float, [<Optional; DefaultParameterValue(1e-8)>] atol: float) =
        use _ = GradMode.set false
        let a, b = a.To DType.Float64, b.To DType.Float64
        let diff = (a - b).Abs()
        let scaled: Tensor = b.Abs() * rtol
        let shifted: Tensor = scaled + atol
        let bound = shifted.ExpandAs(diff)
        Array.forall2 (<=) (diff.ToArray<float>()) ((Prim.Contiguous bound).ToArray<float>())

    /// cond ? a : b elementwise, broadcasting all three.
    [<Extension>]
    static member Where(cond: Tensor, a: Tensor, b: Tensor) =
        Prim.SameDevice("where", [| cond; a; b |])
        if cond.DType <> DType.Bool then
            raise (ArgumentException(sprintf "where: expected condition to be a bool tensor, but got a tensor with dtype %s" (cond.DType.TorchName())))
        let shape = Shape.broadcast "where" (Shape.broadcast "where" cond.shape a.shape) b.shape
        let dtype = Prim.ResultType(a, b)
        let storage = a.backend.Where(Prim.Broadcast(cond, shape), Prim.Broadcast(a, shape), Prim.Broadcast(b, shape), dtype)
        Prim.Result(Where, [| cond; a; b |], storage, shape)

    /// The values in another dtype (differentiable between floating dtypes).
    [<Extension>] static member To(x: Tensor, dtype: DType) = Prim.Cast(x, dtype)
    [<Extension>] static member Float(x: Tensor) = Prim.Cast(x, DType.Float32)
    [<Extension>] static member Double(x: Tensor) = Prim.Cast(x, DType.Float64)
    [<Extension>] static member Long(x: Tensor) = Prim.Cast(x, DType.Int64)
    [<Extension>] static member Int(x: Tensor) = Prim.Cast(x, DType.Int32)
    [<Extension>] static member Bool(x: Tensor) = Prim.Cast(x, DType.Bool)
    [<Extension>] static member Byte(x: Tensor) = Prim.Cast(x, DType.UInt8)

    /// The same values on the device named as PyTorch names it ("cpu", "cuda", "cuda:1").
    [<Extension>] static member To(x: Tensor, device: string) = x.To(Device.Parse device)
    /// The same values on the first CUDA GPU (x.cuda()).
    [<Extension>] static member Cuda(x: Tensor) = x.To Device.Cuda
    /// The same values in CPU memory (x.cpu()).
    [<Extension>] static member Cpu(x: Tensor) = x.To Device.Cpu

    /// The same values on another device.
    [<Extension>]
    static member To(x: Tensor, device: Device) =
        if x.Device = device then x
        else
            let data = x.backend.ToArray x.strided
            let moved = Prim.Plain(Backends.For(device).FromArray data, x.Shape)
            if x.RequiresGrad && x.IsLeaf then moved.RequiresGrad <- true
            moved

    /// A contiguous copy that keeps the history (PyTorch's clone).
    [<Extension>] static member Clone(x: Tensor) = Prim.Clone x
    /// The same values without history and not requiring grad; shares storage.
    [<Extension>] static member Detach(x: Tensor) = Tensor(x.storage, x.shape, x.strides, x.offset, null, false)
    /// x itself when contiguous, else a contiguous copy.
    [<Extension>] static member Contiguous(x: Tensor) = Prim.Contiguous x
    /// Sets RequiresGrad and returns x (PyTorch's requires_grad_()).
    [<Extension>]
    static member RequiresGrad_(x: Tensor, [<Optional; DefaultParameterValue(true)>] requiresGrad: bool) =
        x.RequiresGrad <- requiresGrad
        x

    /// The single value of a one-element tensor, converted to T (C#: x.Item<float>()).
    [<Extension>]
    static member ToScalar<'T>(x: Tensor) : 'T =
        if x.NumEl <> 1 then
            raise (InvalidOperationException(sprintf "a Tensor with %d elements cannot be converted to Scalar" x.NumEl))
        let v = x.backend.ToArray x.strided
        Convert.ChangeType(v.GetValue 0, typeof<'T>) :?> 'T

    /// The single value of a one-element tensor as a float.
    [<Extension>] static member ToSingle(x: Tensor) = x.ToScalar<float32>()
    /// The single value of a one-element tensor as a double.
    [<Extension>] static member ToDouble(x: Tensor) = x.ToScalar<float>()
    /// The single value of a one-element tensor as a long.
    [<Extension>] static member ToInt64(x: Tensor) = x.ToScalar<int64>()
