/// A generated test case: inputs and the function applied to them, printable, and shrinkable
/// towards smaller shapes (a shrunk case is kept only if the function still accepts it).
module Hybrid.Properties.Case

open System
open FsCheck
open FsCheck.FSharp
open Hybrid
open Hybrid.Testing

/// How many cases each property runs: 100 in CI, more through HYBRID_PROPERTY_CASES.
let cases =
    match Environment.GetEnvironmentVariable "HYBRID_PROPERTY_CASES" with
    | null | "" -> 100
    | s -> int s

type Case(description: string, inputs: Tensor[], f: Tensor[] -> Tensor) =
    member _.Description = description
    member _.Inputs = inputs
    member _.F = f
    override _.ToString() =
        let show (t: Tensor) = sprintf "%s %O" (Shape.show t.Shape) t
        sprintf "%s with inputs\n  %s" description (String.Join("\n  ", inputs |> Array.map show))

let private accepts (f: Tensor[] -> Tensor) (inputs: Tensor[]) =
    try f inputs |> ignore; true
    with :? ArgumentException | :? IndexOutOfRangeException | :? InvalidOperationException -> false

/// Smaller cases: one input narrowed to size 1 along one dim, where f still accepts it.
let shrink (c: Case) : Case seq =
    seq {
        for i in 0 .. c.Inputs.Length - 1 do
            if c.Inputs.[i].DType = DType.Float64 then
                for smaller in Gens.shrinkDims c.Inputs.[i] do
                    let inputs = Array.copy c.Inputs
                    inputs.[i] <- smaller
                    if accepts c.F inputs then yield Case(c.Description, inputs, c.F)
    }

let arb (g: Gen<Case>) = Arb.fromGenShrink (g, shrink)
