/// Printing tensors as PyTorch does: `tensor([[1.0000, 2.5000], ...], requires_grad=True)`.
module internal Hybrid.Format

open System
open System.Globalization
open System.Text

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

/// Text of each element in row-major order, padded to a common width.
let private cells (dtype: DType) (data: Array) =
    let texts =
        match data with
        | :? (float32[]) as a -> let v = a |> Array.map float in let st = chooseStyle v in v |> Array.map (formatFloat st)
        | :? (float[]) as a -> let st = chooseStyle a in a |> Array.map (formatFloat st)
        | :? (bool[]) as a -> a |> Array.map (fun b -> if b then "True" else "False")
        | _ -> [| for o in data -> Convert.ToString(o, inv) |]
    let width = if texts.Length = 0 then 0 else texts |> Array.map String.length |> Array.max
    texts |> Array.map (fun t -> t.PadLeft width), dtype

/// The bracketed body, e.g. "[[1., 2.],\n        [3., 4.]]", with `indent` spaces before continuation lines.
let private body (shape: int[]) (texts: string[]) (indent: int) =
    let sb = StringBuilder()
    let summarise = texts.Length > threshold
    let strides = Layout.ContiguousStrides shape
    let rec go (dim: int) (offset: int) =
        if dim = shape.Length then sb.Append(texts.[offset]) |> ignore
        else
            sb.Append('[') |> ignore
            let n = shape.[dim]
            let indices =
                if summarise && n > 2 * edgeItems then
                    [ yield! [ 0 .. edgeItems - 1 ] |> List.map Some; yield None; yield! [ n - edgeItems .. n - 1 ] |> List.map Some ]
                else [ 0 .. n - 1 ] |> List.map Some
            indices
            |> List.iteri (fun k idx ->
                if k > 0 then
                    if dim = shape.Length - 1 then sb.Append(", ") |> ignore
                    else
                        sb.Append(',') |> ignore
                        sb.Append('\n', shape.Length - 1 - dim) |> ignore
                        sb.Append(' ', indent + dim + 1) |> ignore
                match idx with
                | Some i -> go (dim + 1) (offset + i * strides.[dim])
                | None -> sb.Append("...") |> ignore)
            sb.Append(']') |> ignore
    if shape.Length = 0 then sb.Append(texts.[0]) |> ignore else go 0 0
    sb.ToString()

/// PyTorch's repr of a tensor; `extras` are the trailing ", key=value" parts.
let tensor (shape: int[]) (dtype: DType) (data: Array) (extras: string list) =
    let texts, _ = cells dtype data
    let prefix = "tensor("
    let content = if Layout.Count shape = 0 && shape.Length <= 1 then "[]" else body shape texts prefix.Length
    let dtypeNote =
        match dtype with
        | DType.Float32 | DType.Int64 | DType.Bool -> []
        | d -> [ "dtype=torch." + d.TorchName() ]
    let emptyShape = if Layout.Count shape = 0 && shape.Length > 1 then [ "size=" + Shape.show shape ] else []
    let parts = content :: (emptyShape @ dtypeNote @ extras)
    prefix + String.Join(", ", parts) + ")"
