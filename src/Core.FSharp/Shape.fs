/// Shape arithmetic: broadcasting, dim normalisation, and the spelling of shapes in errors.
module Hybrid.Shape

open System

/// "(2, 3)", as shapes appear in PyTorch's messages.
let show (shape: int[]) = "(" + String.Join(", ", shape) + ")"

/// "2x3", as matmul's message spells shapes.
let showX (shape: int[]) = String.Join("x", shape)

/// Number of elements.
let count (shape: int[]) = Layout.Count shape

/// Normalises a possibly negative dim (−1 is the last) against a rank; names the op on failure.
let normDim (op: string) (rank: int) (dim: int) =
    let r = max rank 1
    if dim < -r || dim >= r then
        raise (ArgumentException(sprintf "%s: Dimension out of range (expected to be in range of [%d, %d], but got %d)" op -r (r - 1) dim))
    if dim < 0 then dim + r else dim

/// Normalised, sorted, distinct dims; an empty list means every dim.
let normDims (op: string) (rank: int) (dims: int[]) =
    if dims.Length = 0 then Array.init rank id
    else
        let ds = dims |> Array.map (normDim op rank) |> Array.sort
        if Array.distinct ds |> Array.length <> ds.Length then
            raise (ArgumentException(sprintf "%s: dim %d appears multiple times in the list of dims" op (ds |> Array.countBy id |> Array.find (fun (_, c) -> c > 1) |> fst)))
        ds

/// The broadcast shape of two shapes (numpy rules), or a clear error naming the op.
let broadcast (op: string) (a: int[]) (b: int[]) =
    let n = max a.Length b.Length
    Array.init n (fun i ->
        let da = let j = i - (n - a.Length) in if j >= 0 then a.[j] else 1
        let db = let j = i - (n - b.Length) in if j >= 0 then b.[j] else 1
        if da = db || db = 1 then da
        elif da = 1 then db
        else raise (ArgumentException(sprintf "%s: the size of tensor a (%d) must match the size of tensor b (%d) at non-singleton dimension %d; shapes %s and %s cannot be broadcast" op da db i (show a) (show b))))

/// Strides that view (shape, strides) as the larger broadcast shape `target` (zero strides for new or size-1 dims).
let broadcastStrides (shape: int[]) (strides: int[]) (target: int[]) =
    let lead = target.Length - shape.Length
    Array.init target.Length (fun i ->
        let j = i - lead
        if j < 0 || (shape.[j] = 1 && target.[i] <> 1) then 0 else strides.[j])

/// Resolves one −1 in a requested shape against an element count (view/reshape semantics).
let infer (op: string) (numel: int) (requested: int[]) =
    let unknown = requested |> Array.filter (fun s -> s = -1) |> Array.length
    if unknown > 1 then raise (ArgumentException(sprintf "%s: only one dimension can be inferred" op))
    if requested |> Array.exists (fun s -> s < -1) then
        raise (ArgumentException(sprintf "%s: invalid shape dimension in %s" op (show requested)))
    let known = requested |> Array.fold (fun acc s -> if s = -1 then acc else acc * int64 s) 1L
    let fail () = raise (ArgumentException(sprintf "%s: shape '%s' is invalid for input of size %d" op ("[" + String.Join(", ", requested) + "]") numel))
    if unknown = 1 then
        if known = 0L || int64 numel % known <> 0L then fail ()
        requested |> Array.map (fun s -> if s = -1 then int (int64 numel / known) else s)
    else
        if known <> int64 numel then fail ()
        Array.copy requested

/// Strides that let a tensor of (shape, strides) be viewed as `target` without copying,
/// or None when its memory is not laid out compatibly (PyTorch's computeStride).
let viewStrides (shape: int[]) (strides: int[]) (target: int[]) : int[] option =
    let numel = count shape
    if numel = 0 || shape.Length = 0 then Some(Layout.ContiguousStrides target)
    else
        let result = Array.zeroCreate target.Length
        let mutable viewD = target.Length - 1
        let mutable chunkBase = strides.[strides.Length - 1]
        let mutable tensorNumel = 1
        let mutable viewNumel = 1
        let mutable ok = true
        let mutable tensorD = shape.Length - 1
        while ok && tensorD >= 0 do
            tensorNumel <- tensorNumel * shape.[tensorD]
            if tensorD = 0 || (shape.[tensorD - 1] <> 1 && strides.[tensorD - 1] <> tensorNumel * chunkBase) then
                while viewD >= 0 && (viewNumel < tensorNumel || target.[viewD] = 1) do
                    result.[viewD] <- viewNumel * chunkBase
                    viewNumel <- viewNumel * target.[viewD]
                    viewD <- viewD - 1
                if viewNumel <> tensorNumel then ok <- false
                if tensorD > 0 then
                    chunkBase <- strides.[tensorD - 1]
                    tensorNumel <- 1
                    viewNumel <- 1
            tensorD <- tensorD - 1
        if ok && viewD = -1 then Some result else None

/// Shape with the given (normalised, sorted) dims removed, or kept as size 1 when keepdim.
let reduce (shape: int[]) (dims: int[]) (keepdim: bool) =
    if keepdim then shape |> Array.mapi (fun i s -> if Array.contains i dims then 1 else s)
    else shape |> Array.indexed |> Array.filter (fun (i, _) -> not (Array.contains i dims)) |> Array.map snd
