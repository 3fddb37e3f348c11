/// Random expression DAGs (depth ≥ 4, fan-out, broadcasting, views) differentiated as a whole:
/// the sweep's accumulation, broadcasting and view handling against finite differences.
module Hybrid.Properties.DagProperty

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Hybrid
open Hybrid.Testing
open Hybrid.Properties.Case

/// DAG cases per CI run (≥ 1,000); more through HYBRID_DAG_CASES.
let private dagCases =
    match Environment.GetEnvironmentVariable "HYBRID_DAG_CASES" with
    | null | "" -> 1000
    | s -> int s

/// One node of a DAG: an op applied to earlier nodes (by index), so values fan out.
type private Step =
    | Unary of name: string * pick: int
    | Binary of name: string * left: int * right: int
    | ReduceKeep of pick: int * dimSeed: int
    | ViewT of pick: int

let private unaryOps : (string * (Tensor -> Tensor)) list =
    [ "tanh", (fun x -> x.Tanh()); "sin", (fun x -> x.Sin()); "sigmoid", (fun x -> x.Sigmoid())
      "square", (fun x -> x * x); "softplus", (fun x -> x.Softplus()); "exp(-x^2)", (fun x -> (-(x * x)).Exp()) ]

let private binaryOps : (string * (Tensor -> Tensor -> Tensor)) list =
    [ "add", (+); "sub", (-); "mul", (*); "div", (fun a b -> a / (1.5 + b.Tanh())) ]

/// Evaluates the steps over the inputs; every result broadcasts back to the common shape.
let private evaluate (steps: Step list) (inputs: Tensor[]) =
    let values = ResizeArray<Tensor>(inputs)
    let at i = values.[i % values.Count]
    for step in steps do
        let v =
            match step with
            | Unary(name, i) -> (unaryOps |> List.find (fun (n, _) -> n = name) |> snd) (at i)
            | Binary(name, i, j) -> (binaryOps |> List.find (fun (n, _) -> n = name) |> snd) (at i) (at j)
            | ReduceKeep(i, seed) ->
                let x = at i
                if x.Dim = 0 then x * 0.5 else x.Sum(seed % x.Dim, true) * 0.5
            | ViewT i ->
                let x = at i
                if x.Dim >= 2 then x.Transpose(0, x.Dim - 1).Contiguous().Transpose(0, x.Dim - 1) else x.Reshape(x.Shape)
        values.Add v
    values |> Seq.skip inputs.Length |> Seq.reduce (fun acc v -> acc + v)

let private stepGen (available: int) : Gen<Step> =
    Gen.oneof [
        Gen.zip (Gen.elements (unaryOps |> List.map fst)) (Gen.choose (0, available - 1)) |> Gen.map Unary
        Gen.zip3 (Gen.elements (binaryOps |> List.map fst)) (Gen.choose (0, available - 1)) (Gen.choose (0, available - 1)) |> Gen.map Binary
        Gen.zip (Gen.choose (0, available - 1)) (Gen.choose (0, 3)) |> Gen.map ReduceKeep
        Gen.choose (0, available - 1) |> Gen.map ViewT ]

let private dagGen : Gen<Case> =
    gen {
        let! sa, sb = Gens.broadcastPair 3 3
        let! a = Gens.tensor sa
        let! b = Gens.tensor sb
        let! a = Gens.maybeNonContiguous a
        let! depth = Gen.choose (4, 8)
        let rec steps k acc =
            if k = depth then Gen.constant (List.rev acc)
            else stepGen (2 + k) |> Gen.bind (fun s -> steps (k + 1) (s :: acc))
        let! plan = steps 0 []
        return Case(sprintf "DAG %A" plan, [| a; b |], evaluate plan)
    }

let tests =
    testList "expression DAGs" [
        testPropertyWithConfig { FsCheckConfig.defaultConfig with maxTest = dagCases } "random DAGs: gradients match finite differences"
            (Prop.forAll (arb dagGen) (fun c -> GradCheck.Check(Func<_, _> c.F, c.Inputs)))
    ]
