namespace Hybrid

open System
open System.Runtime.CompilerServices

/// Tensors made of copies of one, laid side by side: repeat and tile. A broadcast view copied
/// once (always a new tensor, as PyTorch's), so the gradient sums the copies (expand's rule).
[<Extension; AbstractClass; Sealed>]
type RepeatExtensions =
    /// x repeated repeats[d] times along each dim d, as torch's x.repeat: with more repeats than
    /// dims, x counts as having leading dims of size 1.
    [<Extension>]
    static member Repeat(x: Tensor, [<ParamArray>] repeats: int[]) =
        if repeats.Length < x.Dim then
            raise (ArgumentException(sprintf "repeat: Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor (%d < %d)" repeats.Length x.Dim))
        if repeats |> Array.exists (fun r -> r < 0) then
            raise (ArgumentException(sprintf "repeat: Trying to create tensor with negative dimension in repeats %s" (Shape.show repeats)))
        let shape = Array.append (Array.create (repeats.Length - x.Dim) 1) x.shape
        // Dim d of size s becomes the pair (1, s), broadcast to (repeats[d], s), then merged.
        let spread = shape |> Array.collect (fun s -> [| 1; s |])
        let copies = Array.map2 (fun r s -> [| r; s |]) repeats shape |> Array.concat
        Prim.Reshape(Prim.Clone(Prim.Expand(Prim.Reshape(x, spread), copies)), Array.map2 (*) repeats shape)

    /// torch.tile: Repeat, with dims counted from the last and the missing leading ones 1.
    [<Extension>]
    static member Tile(x: Tensor, [<ParamArray>] dims: int[]) =
        x.Repeat(Array.append (Array.create (max 0 (x.Dim - dims.Length)) 1) dims)
