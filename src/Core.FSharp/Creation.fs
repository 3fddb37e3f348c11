namespace Hybrid

open System
open System.Runtime.InteropServices

/// Making tensors: from .NET data, constants, ranges and the seeded generator.
/// The C# `Torch` facade and the F# `Tensor` module both call these.
[<AbstractClass; Sealed>]
type Create =
    static member private Dev(d: Nullable<Device>) = if d.HasValue then d.Value else Device.Cpu
    static member private Or(d: Nullable<DType>, fallback: DType) = if d.HasValue then d.Value else fallback
    static member private Gen(g: Generator) = if isNull g then Generator.Default else g

    static member private Checked(op: string, shape: int[]) =
        if shape |> Array.exists (fun s -> s < 0) then
            raise (ArgumentException(sprintf "%s: Trying to create tensor with negative dimension in shape %s" op (Shape.show shape)))
        Shape.count shape

    static member private Leaf(storage: Storage, shape: int[], requiresGrad: bool) =
        let t = Prim.Plain(storage, shape)
        if requiresGrad then t.RequiresGrad <- true
        t

    /// Wraps a .NET array without copying (PyTorch's from_numpy): the tensor and the array share memory.
    static member FromArray(data: Array, shape: int[], [<Optional; DefaultParameterValue(false)>] requiresGrad: bool, [<Optional; DefaultParameterValue(Nullable<Device>())>] device: Nullable<Device>) : Tensor =
        ArgumentNullException.ThrowIfNull data
        let n = Create.Checked("from_array", shape)
        if n <> data.Length then
            raise (ArgumentException(sprintf "from_array: shape %s holds %d elements but the array has %d" (Shape.show shape) n data.Length))
        DTypes.FromClrType(data.GetType().GetElementType()) |> ignore
        let storage = Backends.For(Create.Dev device).FromArray data
        Create.Leaf(storage, Array.copy shape, requiresGrad)

    /// A tensor of `shape` filled with `value`.
    static member Full(shape: int[], value: float, [<Optional; DefaultParameterValue(Nullable<DType>())>] dtype: Nullable<DType>, [<Optional; DefaultParameterValue(Nullable<Device>())>] device: Nullable<Device>, [<Optional; DefaultParameterValue(false)>] requiresGrad: bool) =
        let n = Create.Checked("full", shape)
        let storage = Backends.For(Create.Dev device).Full(Create.Or(dtype, DType.Float32), n, value)
        Create.Leaf(storage, Array.copy shape, requiresGrad)

    /// Zeros of a shape.
    static member Zeros(shape: int[], [<Optional; DefaultParameterValue(Nullable<DType>())>] dtype: Nullable<DType>, [<Optional; DefaultParameterValue(Nullable<Device>())>] device: Nullable<Device>, [<Optional; DefaultParameterValue(false)>] requiresGrad: bool) =
        Create.Full(shape, 0.0, Create.Or(dtype, DType.Float32), Create.Dev device, requiresGrad)

    /// Ones of a shape.
    static member Ones(shape: int[], [<Optional; DefaultParameterValue(Nullable<DType>())>] dtype: Nullable<DType>, [<Optional; DefaultParameterValue(Nullable<Device>())>] device: Nullable<Device>, [<Optional; DefaultParameterValue(false)>] requiresGrad: bool) =
        Create.Full(shape, 1.0, Create.Or(dtype, DType.Float32), Create.Dev device, requiresGrad)

    /// A tensor like `x` (shape, dtype, device) filled with `value`.
    static member FullLike(x: Tensor, value: float, [<Optional; DefaultParameterValue(Nullable<DType>())>] dtype: Nullable<DType>) =
        Prim.Plain(x.backend.Full(Create.Or(dtype, x.DType), x.NumEl, value), x.Shape)

    /// start, start+step, ... below end (PyTorch's arange); integral arguments give Int64
    /// unless a dtype is given.
    static member Arange(start: float, stop: float, step: float, [<Optional; DefaultParameterValue(Nullable<DType>())>] dtype: Nullable<DType>, [<Optional; DefaultParameterValue(Nullable<Device>())>] device: Nullable<Device>) =
        if step = 0.0 then raise (ArgumentException "arange: step must be nonzero")
        if (stop - start) * step < 0.0 && stop <> start then
            raise (ArgumentException(sprintf "arange: upper bound and larger bound inconsistent with step sign (start=%g, end=%g, step=%g)" start stop step))
        let integral = [ start; stop; step ] |> List.forall (fun v -> Math.Round v = v)
        let dtype = Create.Or(dtype, (if integral then DType.Int64 else DType.Float32))
        let n = int (Math.Ceiling((stop - start) / step)) |> max 0
        Prim.Plain(Backends.For(Create.Dev device).Arange(dtype, n, start, step), [| n |])

    /// `steps` points evenly spaced from start to end inclusive.
    static member Linspace(start: float, stop: float, steps: int, [<Optional; DefaultParameterValue(Nullable<DType>())>] dtype: Nullable<DType>, [<Optional; DefaultParameterValue(Nullable<Device>())>] device: Nullable<Device>) =
        if steps < 0 then raise (ArgumentException "linspace: number of steps must be non-negative")
        let step = if steps > 1 then (stop - start) / float (steps - 1) else 0.0
        let backend = Backends.For(Create.Dev device)
        let dtype = Create.Or(dtype, DType.Float32)
        // Like PyTorch, the second half counts back from `stop` so the last point is exact.
        let values = Array.init steps (fun i -> if i < steps / 2 then start + step * float i else stop - step * float (steps - 1 - i))
        let t = Prim.Plain(backend.FromArray values, [| steps |])
        Prim.Cast(t, dtype)

    /// The n×m identity matrix.
    static member Eye(n: int, [<Optional; DefaultParameterValue(Nullable<int>())>] m: Nullable<int>, [<Optional; DefaultParameterValue(Nullable<DType>())>] dtype: Nullable<DType>, [<Optional; DefaultParameterValue(Nullable<Device>())>] device: Nullable<Device>) =
        let m = if m.HasValue then m.Value else n
        Create.Checked("eye", [| n; m |]) |> ignore
        let values = Array.init (n * m) (fun k -> if k / m = k % m then 1.0 else 0.0)
        Prim.Cast(Prim.Plain(Backends.For(Create.Dev device).FromArray values, [| n; m |]), Create.Or(dtype, DType.Float32))

    /// Uniform samples in [0, 1) from the generator (PyTorch's rand).
    static member Rand(shape: int[], [<Optional; DefaultParameterValue(Nullable<DType>())>] dtype: Nullable<DType>, [<Optional; DefaultParameterValue(Nullable<Device>())>] device: Nullable<Device>, [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator, [<Optional; DefaultParameterValue(false)>] requiresGrad: bool) =
        let n = Create.Checked("rand", shape)
        let seed, offset = (Create.Gen generator).Take n
        let storage = Backends.For(Create.Dev device).Uniform(Create.Or(dtype, DType.Float32), n, seed, offset, 0.0, 1.0)
        Create.Leaf(storage, Array.copy shape, requiresGrad)

    /// Standard normal samples from the generator (PyTorch's randn).
    static member Randn(shape: int[], [<Optional; DefaultParameterValue(Nullable<DType>())>] dtype: Nullable<DType>, [<Optional; DefaultParameterValue(Nullable<Device>())>] device: Nullable<Device>, [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator, [<Optional; DefaultParameterValue(false)>] requiresGrad: bool) =
        let n = Create.Checked("randn", shape)
        let seed, offset = (Create.Gen generator).Take(2 * n)
        let storage = Backends.For(Create.Dev device).Normal(Create.Or(dtype, DType.Float32), n, seed, offset, 0.0, 1.0)
        Create.Leaf(storage, Array.copy shape, requiresGrad)

    /// Integers uniform in [low, high) from the generator (PyTorch's randint; Int64 by default).
    static member RandInt(low: int64, high: int64, shape: int[], [<Optional; DefaultParameterValue(Nullable<DType>())>] dtype: Nullable<DType>, [<Optional; DefaultParameterValue(Nullable<Device>())>] device: Nullable<Device>, [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator) =
        if high <= low then raise (ArgumentException(sprintf "randint: expects 'from' to be less than 'to', but got from=%d >= to=%d" low high))
        let n = Create.Checked("randint", shape)
        let seed, offset = (Create.Gen generator).Take n
        Prim.Plain(Backends.For(Create.Dev device).RandInt(Create.Or(dtype, DType.Int64), n, seed, offset, low, high), Array.copy shape)

    /// A random permutation of 0..n−1 (Int64) from the generator (PyTorch's randperm).
    static member RandPerm(n: int, [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator) =
        if n < 0 then raise (ArgumentException(sprintf "randperm: n must be non-negative, got %d" n))
        let keys = Create.Rand([| n |], DType.Float64, Nullable(), generator).ToArray<float>()
        // Sorting by (key, index) breaks ties (probability ~0) by position, so the result is deterministic.
        let order = Array.init n id |> Array.sortBy (fun i -> struct (keys.[i], i))
        Prim.Plain(Backends.For(Device.Cpu).FromArray(order |> Array.map int64), [| n |])
