(**
---
title: Gradient checking
category: Guide
categoryindex: 1
index: 10
---
*)
(*** hide ***)
#load ".include/Docs.fsx"
open Hybrid.Docs
(**
# Property-based gradient checking

When you write a derivative by hand (a custom function) or compose operations into a new
differentiable function, check it the way Hybrid checks its own rules: `GradCheck` compares
the analytic derivatives with central finite differences in float64 (like
`torch.autograd.gradcheck`), and the FsCheck generators of the `Hybrid.Testing` package make
the inputs, so one property covers many shapes and values.

## GradCheck

`GradCheck.check f inputs` checks f's first derivatives at float64 inputs: the full Jacobian
for small inputs, random directions through ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ for larger ones, and the
forward-mode `jvp` against finite differences and against the reverse-mode rules. It returns
true or throws `GradCheckException` describing the first disagreement. `gradGradCheck` does the
same for second derivatives.
*)
open Hybrid

/// log(1 + eˣ), written stably, with a hand-written derivative σ(x).
let softplus (x: Tensor) =
    customFunction "Softplus"
        (fun xs -> xs.[0].Relu() + (-(xs.[0].Abs())).Exp().Log1p())
        (fun g -> [| g * x.Sigmoid() |])
        [| x |]

let x = Tensor.ofArray64 [ 4 ] [| -3.0; -0.5; 0.5; 3.0 |]
let firstOrder = GradCheck.check (fun xs -> softplus xs.[0]) [| x |]
let secondOrder = GradCheck.gradGradCheck (fun xs -> softplus xs.[0]) [| x |]
(*** include-fsi-output ***)

(**
A wrong derivative is caught, with where and by how much:
*)
let wrongSoftplus (x: Tensor) =
    customFunction "WrongSoftplus"
        (fun xs -> xs.[0].Relu() + (-(xs.[0].Abs())).Exp().Log1p())
        (fun g -> [| g * x.Tanh() |])                    // should be sigmoid
        [| x |]

try GradCheck.check (fun xs -> wrongSoftplus xs.[0]) [| x |] |> ignore
with :? GradCheckException as e -> printfn "%s" e.Message
(*** include-output ***)

(**
## A property over random tensors

`Hybrid.Testing.Gens` has generators of shapes (`shape`, `shapeOfRank`, `broadcastPair`) and of
float64 tensors (`tensor`, `tensorIn` with points to avoid such as kinks, `distinctTensor`,
`maybeNonContiguous` for strided views). A property: softplus has correct first and second
derivatives at any shape, on values in [−4, 4]:
*)
open FsCheck
open FsCheck.FSharp
open Hybrid.Testing

let inputs =
    gen {
        let! shape = Gens.shape 3 4
        let! t = Gens.tensorIn shape -4.0 4.0 [] 0.0
        return! Gens.maybeNonContiguous t
    }

let property =
    Prop.forAll (Arb.fromGen inputs) (fun t ->
        GradCheck.check (fun xs -> softplus xs.[0]) [| t |]
        && GradCheck.gradGradCheck (fun xs -> softplus xs.[0]) [| t |])

Check.One(Config.QuickThrowOnFailure.WithMaxTest(50), property)
(*** include-output ***)

(**
`Config.QuickThrowOnFailure` makes a failing property throw, with the shrunk counter-example,
so the same property runs under any test framework (Expecto, xunit, NUnit). Functions with
kinks (`Abs`, `Relu`, `Max`) need inputs away from them: `Gens.tensorIn shape lo hi [0.0] 0.05`
keeps every value at least 0.05 from 0, so finite differences never straddle the kink.
*)
