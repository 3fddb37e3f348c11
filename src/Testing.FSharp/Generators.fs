namespace Hybrid.Testing

open System
open FsCheck
open FsCheck.FSharp
open Hybrid

/// Public FsCheck generators of shapes and tensors, so users can property-test their own
/// differentiable functions the way Hybrid tests its rules.
module Gens =
    /// A dimension size in [lo, hi].
    let dim (lo: int) (hi: int) = Gen.choose (lo, hi)

    /// A shape of rank 0..maxRank whose dims are 1..maxDim; size-1 dims come up often, since
    /// they are where broadcasting bugs live.
    let shape (maxRank: int) (maxDim: int) : Gen<int[]> =
        gen {
            let! rank = Gen.choose (0, maxRank)
            return! Gen.arrayOfLength rank (Gen.frequency [ 1, Gen.constant 1; 3, Gen.choose (1, maxDim) ])
        }

    /// A shape of exactly `rank` dims in 1..maxDim.
    let shapeOfRank (rank: int) (maxDim: int) : Gen<int[]> = Gen.arrayOfLength rank (Gen.choose (1, maxDim))

    /// Two shapes that broadcast together: one may drop leading dims, and either may have a
    /// size-1 dim where the other does not.
    let broadcastPair (maxRank: int) (maxDim: int) : Gen<int[] * int[]> =
        gen {
            let! full = shape maxRank maxDim
            let pick =
                full |> Array.map (fun d -> Gen.frequency [ 3, Gen.constant (d, d); 1, Gen.constant (1, d); 1, Gen.constant (d, 1) ])
            let! pairs = pick |> Array.toList |> Gen.sequenceToList
            let a, b = pairs |> List.toArray |> Array.unzip
            let! dropA = Gen.choose (0, a.Length)
            let! dropB = Gen.choose (0, b.Length)
            let! which = Gen.elements [ 0; 1; 2 ]
            return
                match which with
                | 1 -> a.[dropA..], b
                | 2 -> a, b.[dropB..]
                | _ -> a, b
        }

    /// A value uniform in [lo, hi] at least `margin` from each point of `avoid` (kinks,
    /// poles, ties), so finite differences never straddle a non-smooth point.
    let valueIn (lo: float) (hi: float) (avoid: float list) (margin: float) : Gen<float> =
        Gen.choose (0, 1_000_000)
        |> Gen.map (fun k ->
            let v = lo + (hi - lo) * float k / 1e6
            avoid |> List.fold (fun v p -> if abs (v - p) < margin then (if v >= p then p + margin else p - margin) else v) v)

    /// A float64 tensor of `shape` with values from valueIn.
    let tensorIn (shape: int[]) (lo: float) (hi: float) (avoid: float list) (margin: float) : Gen<Tensor> =
        Gen.arrayOfLength (Layout.Count shape) (valueIn lo hi avoid margin)
        |> Gen.map (fun values -> Create.FromArray(values, shape))

    /// A float64 tensor of `shape` with values in [−2, 2].
    let tensor (shape: int[]) : Gen<Tensor> = tensorIn shape -2.0 2.0 [] 0.0

    /// A float64 tensor whose values are pairwise at least 0.1 apart (no ties for max, min,
    /// sorting or pooling).
    let distinctTensor (shape: int[]) : Gen<Tensor> =
        let n = Layout.Count shape
        gen {
            let! keys = Gen.arrayOfLength n (Gen.choose (0, 1_000_000))
            let! offset = valueIn -1.0 1.0 [] 0.0
            let order = keys |> Array.mapi (fun i k -> k, i) |> Array.sort |> Array.map snd
            let values = Array.zeroCreate n
            order |> Array.iteri (fun rank i -> values.[i] <- offset + 0.2 * float rank - 0.1 * float n)
            return Create.FromArray(values, shape)
        }

    /// Class indices in [0, classes) as an Int64 tensor.
    let indices (shape: int[]) (classes: int) : Gen<Tensor> =
        Gen.arrayOfLength (Layout.Count shape) (Gen.choose (0, classes - 1))
        |> Gen.map (fun v -> Create.FromArray(v |> Array.map int64, shape))

    /// The same values as `t`, sometimes through a non-contiguous view: permuted storage,
    /// or a narrow of a padded tensor (offset and gaps).
    let maybeNonContiguous (t: Tensor) : Gen<Tensor> =
        if t.Dim = 0 then Gen.constant t
        else
            Gen.elements [ 0; 1; 2 ]
            |> Gen.map (fun kind ->
                match kind with
                | 1 when t.Dim >= 2 ->
                    let perm = Array.init t.Dim (fun i -> t.Dim - 1 - i)
                    t.Permute(perm).Contiguous().Permute(perm)
                | 2 ->
                    let padded = Join.Pad(t, Array.create t.Dim 1, Array.create t.Dim 1, 9.0)
                    Array.fold (fun (v: Tensor) d -> v.Narrow(d, 1, t.Shape.[d])) padded [| 0 .. t.Dim - 1 |]
                | _ -> t)

    /// Shrinks a tensor towards size-1 dims (keeping the leading slice), for shrinkers.
    let shrinkDims (t: Tensor) : Tensor seq =
        seq {
            for d in 0 .. t.Dim - 1 do
                if t.Shape.[d] > 1 then yield t.Narrow(d, 0, 1).Contiguous()
        }
