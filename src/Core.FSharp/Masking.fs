namespace Hybrid

open System
open System.Runtime.CompilerServices
open System.Runtime.InteropServices

/// Elements replaced where a boolean mask says so: masked_fill, and the triangles of matrices.
/// All are `where` underneath, so the gradient reaches exactly the elements that are kept.
[<Extension; AbstractClass; Sealed>]
type MaskingExtensions =
    static member private Check(op: string, x: Tensor, mask: Tensor) =
        Prim.SameDevice(op, [| x; mask |])
        if mask.DType <> DType.Bool then
            raise (ArgumentException(sprintf "%s: expected mask to be a bool tensor, but got a tensor with dtype %s" op (mask.DType.TorchName())))
        if Shape.broadcast op mask.shape x.shape <> x.shape then
            raise (ArgumentException(sprintf "%s: the mask of shape %s cannot be broadcast to the input's shape %s" op (Shape.show mask.shape) (Shape.show x.shape)))

    /// A 0-d tensor of x's dtype on x's device.
    static member private Constant(x: Tensor, value: float) = Prim.Plain(x.backend.Full(x.DType, 1, value), [||])

    /// x with `value` wherever mask (bool, broadcastable to x's shape) is true, as masked_fill;
    /// the value is converted to x's dtype.
    [<Extension>]
    static member MaskedFill(x: Tensor, mask: Tensor, value: float) =
        MaskingExtensions.Check("masked_fill", x, mask)
        mask.Where(MaskingExtensions.Constant(x, value), x)

    /// x with the 0-d tensor `value` wherever mask is true; the gradient reaches value too.
    [<Extension>]
    static member MaskedFill(x: Tensor, mask: Tensor, value: Tensor) =
        MaskingExtensions.Check("masked_fill", x, mask)
        if value.Dim <> 0 then
            raise (ArgumentException(sprintf "masked_fill: only supports a 0-dimensional value tensor, but got tensor with %d dimension(s)" value.Dim))
        Prim.SameDevice("masked_fill", [| x; value |])
        mask.Where(value.To x.DType, x)

    static member private Triangle(op: string, x: Tensor, keep: int -> bool) =
        if x.Dim < 2 then raise (ArgumentException(sprintf "%s: input tensor must have at least 2 dimensions" op))
        let m, n = x.shape.[x.Dim - 2], x.shape.[x.Dim - 1]
        let inside = Array.init (m * n) (fun k -> keep (k % n - k / n))
        let mask = Create.FromArray(inside, [| m; n |], false, Nullable x.Device)
        mask.Where(x, MaskingExtensions.Constant(x, 0.0))

    /// The lower triangle of the last two dims: elements (i, j) with j − i ≤ diagonal, zeros
    /// elsewhere (as torch.tril; diagonal 0 is the main one, −1 below it, 1 above).
    [<Extension>]
    static member Tril(x: Tensor, [<Optional; DefaultParameterValue(0)>] diagonal: int) =
        MaskingExtensions.Triangle("tril", x, fun offset -> offset <= diagonal)

    /// The upper triangle of the last two dims: elements (i, j) with j − i ≥ diagonal, zeros elsewhere (as torch.triu).
    [<Extension>]
    static member Triu(x: Tensor, [<Optional; DefaultParameterValue(0)>] diagonal: int) =
        MaskingExtensions.Triangle("triu", x, fun offset -> offset >= diagonal)
