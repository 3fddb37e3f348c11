namespace Hybrid

open System
open System.Runtime.CompilerServices
open System.Runtime.InteropServices

/// Views: O(1) reinterpretations that share storage (reshape copies only when it must).
[<Extension; AbstractClass; Sealed>]
type ViewExtensions =
    /// Same elements in a new shape; one dim may be −1. Never copies (fails if the strides don't allow).
    [<Extension>] static member View(x: Tensor, [<ParamArray>] shape: int[]) = Prim.ViewAs(x, shape)
    /// Same elements in a new shape; a view when possible, else a copy.
    [<Extension>] static member Reshape(x: Tensor, [<ParamArray>] shape: int[]) = Prim.Reshape(x, shape)
    /// Reorders dims.
    [<Extension>] static member Permute(x: Tensor, [<ParamArray>] dims: int[]) = Prim.Permute(x, dims)
    /// Swaps two dims.
    [<Extension>] static member Transpose(x: Tensor, dim0: int, dim1: int) = Prim.Transpose(x, dim0, dim1)
    /// Transpose of a matrix (PyTorch's t(): ≤ 2-D only).
    [<Extension>]
    static member T(x: Tensor) =
        if x.Dim > 2 then raise (ArgumentException(sprintf "t() expects a tensor with <= 2 dimensions, but self is %dD" x.Dim))
        x.T
    /// Repeats size-1 dims without copying; −1 keeps a size.
    [<Extension>] static member Expand(x: Tensor, [<ParamArray>] sizes: int[]) = Prim.Expand(x, sizes)
    /// Expands to another tensor's shape.
    [<Extension>] static member ExpandAs(x: Tensor, other: Tensor) = Prim.Expand(x, other.shape)
    /// Removes every size-1 dim.
    [<Extension>] static member Squeeze(x: Tensor) = Prim.Squeeze x
    /// Removes dim if its size is 1.
    [<Extension>] static member Squeeze(x: Tensor, dim: int) = Prim.Squeeze(x, dim)
    /// Inserts a size-1 dim.
    [<Extension>] static member Unsqueeze(x: Tensor, dim: int) = Prim.Unsqueeze(x, dim)
    /// Merges dims startDim..endDim into one.
    [<Extension>]
    static member Flatten(x: Tensor, [<Optional; DefaultParameterValue(0)>] startDim: int, [<Optional; DefaultParameterValue(-1)>] endDim: int) =
        Prim.Flatten(x, startDim, endDim)
    /// length elements from start along dim.
    [<Extension>] static member Narrow(x: Tensor, dim: int, start: int, length: int) = Prim.Narrow(x, dim, start, length)
    /// The slice at index along dim (the dim disappears).
    [<Extension>] static member Select(x: Tensor, dim: int, index: int) = Prim.Select(x, dim, index)
    /// Same shape as other.
    [<Extension>] static member ViewAs(x: Tensor, other: Tensor) = Prim.ViewAs(x, other.shape)
    /// Same shape as other, copying if needed.
    [<Extension>] static member ReshapeAs(x: Tensor, other: Tensor) = Prim.Reshape(x, other.shape)
    /// Elements where mask is true, as a 1-D tensor (x[mask]).
    [<Extension>] static member MaskedSelect(x: Tensor, mask: Tensor) = x.[TensorIndex.op_Implicit mask]
