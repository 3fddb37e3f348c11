/// Printing tensors as PyTorch does: `tensor([[1.0000, 2.5000], ...], requires_grad=True)`.
module internal Hybrid.Format

open System
open System.Globalization

let private inv = CultureInfo.InvariantCulture

/// Summarise (with "...") past this many elements, three at each edge, as PyTorch does.
let private threshold = 1000
let private edgeItems = 3

/// How one tensor's floats are written: all in the same mode, padded to one width.
type private FloatStyle =
    | Whole            // every value an integer: "1.", "-3."
    | Fixed of int     // "1.2500"
    | Sci of int       // "1.2500e-05"

let private chooseStyle (values: float[]) =
    let finite = values |> Array.filter Double.IsFinite
    if finite.Length = 0 then Whole
    elif finite |> Array.forall (fun v -> v = Math.Round v) then
        let maxAbs = finite |> Array.map abs |> Array.max
        if maxAbs > 1e8 then Sci 4 else Whole
    else
        let nonzero = finite |> Array.map abs |> Array.filter (fun v -> v > 0.0)
        if nonzero.Length = 0 then Fixed 4
        else
            let mx, mn = Array.max nonzero, Array.min nonzero
            if mx / mn > 1000.0 || mx > 1e8 || mn < 1e-4 then Sci 4 else Fixed 4

let private formatFloat style (v: float) =
    if Double.IsNaN v then "nan"
    elif Double.IsPositiveInfinity v then "inf"
    elif Double.IsNegativeInfinity v then "-inf"
    else
        match style with
        | Whole -> v.ToString("0", inv) + "."
        | Fixed d -> v.ToString("F" + string d, inv)
        | Sci d ->
            let s = v.ToString((if d > 0 then "0." + String('0', d) else "0") + "e+00", inv)
            s

/// Text of each element in row-major order, padded to a common width. As in PyTorch, the
/// width of floats comes from the finite non-zero values, so nan and inf never widen a column.
let private cells (data: Array) =
    let texts, reference =
        match data with
        | :? (float32[]) as a ->
            let v = a |> Array.map float
            let st = chooseStyle v
            let t = v |> Array.map (formatFloat st)
            t, Array.zip v t |> Array.filter (fun (x, _) -> Double.IsFinite x && x <> 0.0) |> Array.map snd
        | :? (float[]) as a ->
            let st = chooseStyle a
            let t = a |> Array.map (formatFloat st)
            t, Array.zip a t |> Array.filter (fun (x, _) -> Double.IsFinite x && x <> 0.0) |> Array.map snd
        | :? (bool[]) as a -> let t = a |> Array.map (fun b -> if b then "True" else "False") in t, t
        | _ -> let t = [| for o in data -> Convert.ToString(o, inv) |] in t, t
    let widthOf (xs: string[]) = if xs.Length = 0 then 0 else xs |> Array.map String.length |> Array.max
    let width = if reference.Length > 0 then widthOf reference else widthOf texts
    texts |> Array.map (fun t -> t.PadLeft width), width

/// The bracketed body, e.g. "[[1., 2.],\n        [3., 4.]]": `indent` is the column of the
/// first bracket; the last dim wraps at 80 columns as PyTorch does.
let private body (shape: int[]) (texts: string[]) (width: int) (indent: int) =
    let summarise = texts.Length > threshold
    let strides = Layout.ContiguousStrides shape
    let positions n =
        if summarise && n > 2 * edgeItems then [ yield! [ 0 .. edgeItems - 1 ] |> List.map Some; yield None; yield! [ n - edgeItems .. n - 1 ] |> List.map Some ]
        else [ 0 .. n - 1 ] |> List.map Some
    let rec go (dim: int) (offset: int) (indent: int) : string =
        let n = shape.[dim]
        if dim = shape.Length - 1 then
            let items = positions n |> List.map (function Some i -> texts.[offset + i * strides.[dim]] | None -> " ...")
            let perLine = max 1 ((80 - indent) / (width + 2))
            let lines = items |> List.chunkBySize perLine |> List.map (String.concat ", ")
            "[" + String.Join(",\n" + String(' ', indent + 1), lines) + "]"
        else
            let rows = positions n |> List.map (function Some i -> go (dim + 1) (offset + i * strides.[dim]) (indent + 1) | None -> "...")
            let separator = "," + String('\n', shape.Length - 1 - dim) + String(' ', indent + 1)
            "[" + String.Join(separator, rows) + "]"
    if shape.Length = 0 then texts.[0] else go 0 0 indent

/// PyTorch's repr of a tensor; `extras` are the trailing ", key=value" parts.
let tensor (shape: int[]) (dtype: DType) (data: Array) (extras: string list) =
    let texts, width = cells data
    let prefix = "tensor("
    let content = if Layout.Count shape = 0 then "[]" else body shape texts width prefix.Length
    let dtypeNote =
        match dtype with
        | DType.Float32 | DType.Int64 | DType.Bool -> []
        | d -> [ "dtype=torch." + d.TorchName() ]
    let emptyShape = if Layout.Count shape = 0 && shape.Length > 1 then [ "size=" + Shape.show shape ] else []
    let parts = content :: (emptyShape @ dtypeNote @ extras)
    prefix + String.Join(", ", parts) + ")"
