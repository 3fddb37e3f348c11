namespace Hybrid

open System
open System.Runtime.CompilerServices

/// The same elements in another order along some dims: flip and roll. Built from index_select
/// and narrow + cat, so the gradient goes back through the same reordering. Like PyTorch's,
/// the result is always a new tensor, also when nothing moves (an in-place op on it must not
/// reach x).
[<Extension; AbstractClass; Sealed>]
type RearrangingExtensions =
    static member private Fresh(result: Tensor, x: Tensor) = if obj.ReferenceEquals(result.storage, x.storage) then Prim.Clone result else result

    /// x reversed along each of dims, as torch.flip.
    [<Extension>]
    static member Flip(x: Tensor, [<ParamArray>] dims: int[]) =
        // An empty list flips nothing here (Shape.normDims reads it as every dim).
        let dims = if dims.Length = 0 then dims else Shape.normDims "flip" x.Dim dims
        if x.Dim = 0 then Prim.Clone x
        else
            let flipped =
                dims |> Array.fold (fun (t: Tensor) d ->
                    let n = t.shape.[d]
                    let reversed = Create.FromArray(Array.init n (fun i -> int64 (n - 1 - i)), [| n |], false, Nullable t.Device)
                    t.IndexSelect(d, reversed)) x
            RearrangingExtensions.Fresh(flipped, x)

    /// x shifted cyclically along dims by shifts (an element at i moves to i + shift, wrapping
    /// around), as torch.roll; with no dims, x is rolled flat and keeps its shape.
    [<Extension>]
    static member Roll(x: Tensor, shifts: int[], [<ParamArray>] dims: int[]) =
        if dims.Length = 0 then
            if shifts.Length <> 1 then
                raise (ArgumentException(sprintf "roll: shifts %s must be one number when no dims are given" (Shape.show shifts)))
            RearrangingExtensions.Fresh(Prim.Reshape(Prim.Reshape(x, [| -1 |]).Roll(shifts, 0), x.shape), x)
        else
            if shifts.Length <> dims.Length then
                raise (ArgumentException(sprintf "roll: shifts required and must align to dims, got shifts %s and dims %s" (Shape.show shifts) (Shape.show dims)))
            let rolled =
                Array.zip shifts dims |> Array.fold (fun (t: Tensor) (shift, dim) ->
                    let d = Shape.normDim "roll" t.Dim dim
                    let n = if t.Dim = 0 then 0 else t.shape.[d]
                    let s = if n = 0 then 0 else ((shift % n) + n) % n
                    if s = 0 then t
                    else Join.Cat([| Prim.Narrow(t, d, n - s, s); Prim.Narrow(t, d, 0, n - s) |], d)) x
            RearrangingExtensions.Fresh(rolled, x)

    /// Roll by one shift along one dim.
    [<Extension>]
    static member Roll(x: Tensor, shift: int, dim: int) = x.Roll([| shift |], dim)
