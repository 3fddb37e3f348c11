namespace Hybrid

open System
open System.Runtime.CompilerServices
open System.Runtime.InteropServices

/// Joining and splitting along a dim, and constant padding.
[<AbstractClass; Sealed>]
type Join =
    /// Concatenates along dim; every other dim must agree. Dtypes are promoted.
    static member Cat(tensors: Tensor[], dim: int) =
        if isNull tensors || tensors.Length = 0 then Prim.Fail "cat(): expected a non-empty list of Tensors"
        Prim.SameDevice("cat", tensors)
        let first = tensors.[0]
        if first.Dim = 0 then Prim.Fail "cat(): zero-dimensional tensor (at position 0) cannot be concatenated"
        let d = Shape.normDim "cat" first.Dim dim
        tensors |> Array.iteri (fun i t ->
            if t.Dim <> first.Dim then
                Prim.Fail(sprintf "cat(): Tensors must have same number of dimensions: got %d and %d (tensor %d)" first.Dim t.Dim i)
            for k in 0 .. t.Dim - 1 do
                if k <> d && t.shape.[k] <> first.shape.[k] then
                    Prim.Fail(sprintf "cat(): Sizes of tensors must match except in dimension %d. Expected size %d but got size %d for tensor number %d in the list (shapes %s and %s)" d first.shape.[k] t.shape.[k] i (Shape.show first.shape) (Shape.show t.shape)))
        let dtype = tensors |> Array.map (fun t -> t.DType) |> Array.reduce (fun a b -> DTypes.Promote(a, b))
        let sizes = tensors |> Array.map (fun t -> t.shape.[d])
        let shape = Array.copy first.shape
        shape.[d] <- Array.sum sizes
        let storage = first.backend.Full(dtype, Shape.count shape, 0.0)
        let strides = Layout.ContiguousStrides shape
        let mutable start = 0
        for t in tensors do
            let part = Array.copy shape
            part.[d] <- t.shape.[d]
            first.backend.CopyInto(Strided(storage, part, strides, start * strides.[d]), t.strided)
            start <- start + t.shape.[d]
        let inputs = tensors |> Array.map (fun t -> Prim.Cast(t, dtype))
        Prim.Result(Cat(d, sizes), inputs, storage, shape)

    /// Stacks equally shaped tensors along a new dim.
    static member Stack(tensors: Tensor[], dim: int) =
        if isNull tensors || tensors.Length = 0 then Prim.Fail "stack(): expected a non-empty list of Tensors"
        let shape = tensors.[0].shape
        tensors |> Array.iteri (fun i t ->
            if t.shape <> shape then
                Prim.Fail(sprintf "stack(): stack expects each tensor to be equal size, but got %s at entry 0 and %s at entry %d" (Shape.show shape) (Shape.show t.shape) i))
        let d = Shape.normDim "stack" (shape.Length + 1) dim
        Join.Cat(tensors |> Array.map (fun t -> Prim.Unsqueeze(t, d)), d)

    /// Pads with a constant: before.[i] and after.[i] elements around dim i (full rank).
    static member Pad(x: Tensor, before: int[], after: int[], value: float) =
        if before.Length <> x.Dim || after.Length <> x.Dim then
            Prim.Fail(sprintf "pad: expected %d before and after sizes, got %d and %d" x.Dim before.Length after.Length)
        if Array.exists (fun p -> p < 0) before || Array.exists (fun p -> p < 0) after then
            Prim.Fail "pad: negative padding is not supported"
        let shape = Array.init x.Dim (fun i -> x.shape.[i] + before.[i] + after.[i])
        let storage = x.backend.Full(x.DType, Shape.count shape, value)
        let strides = Layout.ContiguousStrides shape
        let offset = Array.fold2 (fun acc b s -> acc + b * s) 0 before strides
        x.backend.CopyInto(Strided(storage, x.shape, strides, offset), x.strided)
        Prim.Result(Pad(before, after, value), [| x |], storage, shape)

/// Splitting as methods.
[<Extension; AbstractClass; Sealed>]
type SplitExtensions =
    /// Pieces of `splitSize` along dim (the last may be smaller).
    [<Extension>]
    static member Split(x: Tensor, splitSize: int, [<Optional; DefaultParameterValue(0)>] dim: int) =
        if splitSize <= 0 then Prim.Fail(sprintf "split: split_size must be positive, got %d" splitSize)
        let d = Shape.normDim "split" x.Dim dim
        let n = x.shape.[d]
        if n = 0 then [| x |]
        else [| for start in 0 .. splitSize .. n - 1 -> Prim.Narrow(x, d, start, min splitSize (n - start)) |]

    /// Pieces of the given sizes along dim; they must add up to the dim's size.
    [<Extension>]
    static member Split(x: Tensor, sizes: int[], [<Optional; DefaultParameterValue(0)>] dim: int) =
        let d = Shape.normDim "split" x.Dim dim
        if Array.sum sizes <> x.shape.[d] || Array.exists (fun s -> s < 0) sizes then
            Prim.Fail(sprintf "split_with_sizes expects split_sizes to sum exactly to %d (input tensor's size at dimension %d), but got split_sizes=%s" x.shape.[d] d (Shape.show sizes))
        let starts = Array.scan (+) 0 sizes
        Array.init sizes.Length (fun i -> Prim.Narrow(x, d, starts.[i], sizes.[i]))

    /// The slices along dim, each without that dim (x.unbind(dim)): views, so gradients flow back.
    [<Extension>]
    static member Unbind(x: Tensor, [<Optional; DefaultParameterValue(0)>] dim: int) =
        if x.Dim = 0 then Prim.Fail "unbind: Dimension specified as 0 but tensor has no dimensions"
        let d = Shape.normDim "unbind" x.Dim dim
        Array.init x.shape.[d] (fun i -> Prim.Reshape(Prim.Narrow(x, d, i, 1), Array.append x.shape.[.. d - 1] x.shape.[d + 1 ..]))

    /// `chunks` nearly equal pieces along dim (PyTorch's chunk: size ⌈n/chunks⌉).
    [<Extension>]
    static member Chunk(x: Tensor, chunks: int, [<Optional; DefaultParameterValue(0)>] dim: int) =
        if chunks <= 0 then Prim.Fail(sprintf "chunk expects `chunks` to be greater than 0, got: %d" chunks)
        let d = Shape.normDim "chunk" x.Dim dim
        let size = max 1 ((x.shape.[d] + chunks - 1) / chunks)
        x.Split(size, d)
