(**
---
title: Autograd
category: Guide
categoryindex: 1
index: 3
---
*)
(*** hide ***)
#load ".include/Docs.fsx"
open Hybrid.Docs
(**
# Autograd

Every operation on tensors that require grad is recorded; `Backward()` sweeps the record in
reverse and accumulates gradients into the leaves' `Grad`. The derivative of each operation is
one rule in a table (reverse-mode VJP and forward-mode JVP side by side), and every rule is
property-tested against finite differences.

## Backward
*)
open Hybrid

let w = Tensor.ofArray64 [ 3 ] [| 1.0; 2.0; 3.0 |] |> Tensor.requiresGrad
let loss = (w * w).Sum()
loss.Backward()
let dw = w.Grad                         // 2w
(*** include-fsi-output ***)

(**
`noGrad` runs code without recording (evaluation, parameter updates):
*)
let unrecorded = noGrad (fun () -> w * 2.0)
let recorded = unrecorded.RequiresGrad
(*** include-value: recorded ***)

(**
In C#, `Backward` and `Autograd.Grad` as in PyTorch; `createGraph: true` makes the gradient
differentiable again, so a second call gives the second derivative:
*)
(*** hide ***)
Docs.csharp "examples/Quickstart/Program.cs" "autograd"
(*** include-it-raw ***)
(*** hide ***)
Docs.csharp "examples/Quickstart/Program.cs" "second-derivative"
(*** include-it-raw ***)
(*** hide ***)
Docs.run "Quickstart" "" |> fun s -> s.Split("\n\n").[1..3] |> String.concat "\n\n" |> Docs.output
(*** include-it-raw ***)

(**
## Functional transforms

The F# core has transforms in the style of JAX. They take a function and return values; they
are pure (the argument's `Grad` is untouched) and they nest to any order.

| transform | computes |
| --- | --- |
| `grad f x` | ∇f(x) for a scalar-valued f |
| `vjp f x` | f(x) and the pullback u ↦ uᵀJ |
| `jvp f x v` | f(x) and J·v, in forward mode |
| `jacobian f x` | J, of shape f(x).Shape @ x.Shape |
| `hessian f x` | the Jacobian of the gradient |
| `hvp f x v` | H·v without forming H (forward over reverse) |
*)
let f (x: Tensor) = (x.Sin() * x).Sum()        // f(x) = Σ x·sin x
let x = Tensor.ofArray64 [ 3 ] [| 0.0; 1.0; 2.0 |]

let g = grad f x                                // sin x + x cos x
let H = hessian f x                             // diag(2 cos x − x sin x)
let Hv = hvp f x (Tensor.ofArray64 [ 3 ] [| 1.0; 0.0; 0.0 |])
(*** include-fsi-output ***)

(**
`jacobian` builds the matrix row by row from pullbacks when the output is smaller than the
input, and column by column from forward-mode `jvp`s otherwise:
*)
let softmaxJacobian = jacobian (Tensor.softmax 0) (Tensor.ofArray64 [ 3 ] [| 1.0; 2.0; 3.0 |])
(*** include-value: softmaxJacobian ***)

(**
## Forward mode

`jvp` pushes a tangent through the computation as it runs (no graph, no backward pass): one
call gives a directional derivative. `vjp` is its reverse-mode twin.
*)
let value, tangent = jvp (fun x -> x.Exp() * x.Sin()) x (Tensor.ones [ 3 ] |> Tensor.toDType DType.Float64)
let y, pullback = vjp (fun x -> x.Exp() * x.Sin()) x
let cotangent = pullback (Tensor.ones [ 3 ] |> Tensor.toDType DType.Float64)
(*** include-fsi-output ***)

(**
## Higher order

Transforms compose: the third derivative of sin is −cos.
*)
let sin' = grad (fun x -> x.Sin().Sum())
let sin'' = grad (fun x -> (sin' x).Sum())
let sin''' = grad (fun x -> (sin'' x).Sum())
let third = sin''' (Tensor.ofArray64 [ 2 ] [| 0.0; 1.0 |])      // −cos x
(*** include-value: third ***)

(**
## Functions of your own

A function with a hand-written derivative: `forward` computes the value (not recorded),
`backward` maps the output's gradient to one gradient per input. Forward mode and higher
derivatives work through it too (its backward is transposed for `jvp`).
*)
let cube (t: Tensor) =
    customFunction "Cube"
        (fun xs -> xs.[0].Pow 3.0)                 // forward
        (fun g -> [| g * 3.0 * t.Pow 2.0 |])       // backward: closes over the input t
        [| t |]

let viaCustom = grad (fun t -> (cube t).Sum()) x   // 3x²
let secondViaCustom = hessian (fun t -> (cube t).Sum()) x
(*** include-fsi-output ***)

(**
The [gradient checking](gradcheck.html) page shows how to check such a backward against
finite differences. In C#, subclass `Autograd.Function` and save inputs on the context:
*)
(*** hide ***)
Docs.csharp "examples/Guide/CustomFunction.cs" "function"
(*** include-it-raw ***)
(*** hide ***)
Docs.csharp "examples/Guide/CustomFunction.cs" "use-function"
(*** include-it-raw ***)
(*** hide ***)
Docs.run "Guide" "custom-function" |> Docs.output
(*** include-it-raw ***)
