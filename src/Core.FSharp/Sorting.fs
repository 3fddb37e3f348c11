namespace Hybrid

open System
open System.Runtime.CompilerServices
open System.Runtime.InteropServices

/// Sorting along a dim: sort, argsort and topk. The backend finds each lane's order (stable:
/// equal values keep their order; NaN counts as the largest, as in PyTorch); the values are
/// then gathered by it, so their gradient is gather's: each value's gradient goes back to the
/// place it came from.
[<Extension; AbstractClass; Sealed>]
type SortingExtensions =
    /// x viewed with at least one dim, and dim normalised against it.
    static member private Lanes(op: string, x: Tensor, dim: int) =
        let x1 = if x.Dim = 0 then Prim.Reshape(x, [| 1 |]) else x
        struct (x1, Shape.normDim op x1.Dim dim)

    /// The order along dim d of x1 (a tensor of at least one dim).
    static member private Order(x1: Tensor, d: int, descending: bool) =
        Prim.Plain(x1.backend.ArgSort(x1.strided, d, descending), x1.shape)

    /// The indices that sort x along dim (smallest first, or largest first when descending), as torch.argsort.
    [<Extension>]
    static member ArgSort(x: Tensor, [<Optional; DefaultParameterValue(-1)>] dim: int, [<Optional; DefaultParameterValue(false)>] descending: bool) =
        let struct (x1, d) = SortingExtensions.Lanes("argsort", x, dim)
        Prim.Reshape(SortingExtensions.Order(x1, d, descending), x.shape)

    /// x sorted along dim, and the indices it came from: var (values, indices) = x.Sort().
    [<Extension>]
    static member Sort(x: Tensor, [<Optional; DefaultParameterValue(-1)>] dim: int, [<Optional; DefaultParameterValue(false)>] descending: bool) =
        let struct (x1, d) = SortingExtensions.Lanes("sort", x, dim)
        let order = SortingExtensions.Order(x1, d, descending)
        struct (Prim.Reshape(x1.Gather(d, order), x.shape), Prim.Reshape(order, x.shape))

    /// The k largest (or smallest) elements along dim, largest first (smallest first), and
    /// their indices, as torch.topk: var (values, indices) = logits.TopK(5).
    [<Extension>]
    static member TopK(x: Tensor, k: int, [<Optional; DefaultParameterValue(-1)>] dim: int, [<Optional; DefaultParameterValue(true)>] largest: bool) =
        let struct (x1, d) = SortingExtensions.Lanes("topk", x, dim)
        if k < 0 || k > x1.shape.[d] then
            raise (ArgumentException(sprintf "topk: selected index k (%d) out of range for dimension %d of size %d" k d x1.shape.[d]))
        let first = Prim.Narrow(SortingExtensions.Order(x1, d, largest), d, 0, k)
        let shape = if x.Dim = 0 then [||] else first.shape
        struct (Prim.Reshape(x1.Gather(d, first), shape), Prim.Reshape(first, shape))
