/// Algebraic laws that must hold whatever the shapes: round trips, orders of reduction,
/// associativity, normalisation.
module Hybrid.Properties.Laws

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Hybrid
open Hybrid.Testing
open Hybrid.Properties.Case

let private config = { FsCheckConfig.defaultConfig with maxTest = cases }
let private close (a: Tensor) (b: Tensor) = a.Shape = b.Shape && a.AllClose(b, 1e-9, 1e-9)

let private permutationOf (rank: int) =
    Gen.arrayOfLength rank (Gen.choose (0, 1000)) |> Gen.map (fun keys -> keys |> Array.mapi (fun i k -> k, i) |> Array.sort |> Array.map snd)

let tests =
    testList "algebraic laws" [
        testPropertyWithConfig config "reshape to flat and back is the identity"
            (Prop.forAll (Arb.fromGen (Gens.shape 4 4 |> Gen.bind Gens.tensor |> Gen.bind Gens.maybeNonContiguous)) (fun x ->
                close (x.Reshape(-1).Reshape(x.Shape)) x))
        testPropertyWithConfig config "permute then inverse permute is the identity"
            (Prop.forAll (Arb.fromGen (gen {
                let! s = Gens.shape 4 4
                let! x = Gens.tensor s
                let! p = permutationOf s.Length
                return x, p })) (fun (x, p) ->
                    let inv = Array.zeroCreate p.Length
                    p |> Array.iteri (fun i d -> inv.[d] <- i)
                    close (x.Permute(p).Permute(inv)) x))
        testPropertyWithConfig config "sum over dims in any order gives the same result"
            (Prop.forAll (Arb.fromGen (gen {
                let! s = Gens.shapeOfRank 3 4
                let! x = Gens.tensor s
                let! p = permutationOf 3
                return x, p })) (fun (x, p) ->
                    let sequential = p |> Array.sortDescending |> Array.fold (fun (t: Tensor) d -> t.Sum(d)) x
                    let ordered = p |> Array.fold (fun (t: Tensor) d -> t.Sum(d, true)) x
                    close sequential (x.Sum([| 0; 1; 2 |])) && close (ordered.Reshape([||])) (x.Sum())))
        testPropertyWithConfig config "matmul is associative within tolerance"
            (Prop.forAll (Arb.fromGen (gen {
                let! m, k, l, n = Gen.zip (Gen.zip (Gens.dim 1 5) (Gens.dim 1 5)) (Gen.zip (Gens.dim 1 5) (Gens.dim 1 5)) |> Gen.map (fun ((a, b), (c, d)) -> a, b, c, d)
                let! a = Gens.tensor [| m; k |]
                let! b = Gens.tensor [| k; l |]
                let! c = Gens.tensor [| l; n |]
                return a, b, c })) (fun (a, b, c) -> a.MatMul(b).MatMul(c).AllClose(a.MatMul(b.MatMul c), 1e-9, 1e-9)))
        testPropertyWithConfig config "softmax sums to 1 along its dim and log_softmax is its log"
            (Prop.forAll (Arb.fromGen (gen {
                let! s = Gens.shapeOfRank 2 5
                let! x = Gens.tensorIn s -50.0 50.0 [] 0.0
                let! d = Gen.choose (0, 1)
                return x, d })) (fun (x, d) ->
                    let sm = x.Softmax d
                    close (sm.Sum(d)) (Create.Ones((Shape.reduce x.Shape [| d |] false), DType.Float64))
                    && sm.Log().AllClose(x.LogSoftmax d, 1e-6, 1e-9)))
        testPropertyWithConfig config "broadcast add equals add of explicitly expanded operands"
            (Prop.forAll (Arb.fromGen (gen {
                let! sa, sb = Gens.broadcastPair 3 3
                let! a = Gens.tensor sa
                let! b = Gens.tensor sb
                return a, b })) (fun (a, b) ->
                    let shape = Shape.broadcast "add" a.Shape b.Shape
                    close (a + b) (a.Expand(shape).Contiguous() + b.Expand(shape).Contiguous())))
    ]
