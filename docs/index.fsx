(**
---
title: Getting started
category: Guide
categoryindex: 1
index: 1
---
*)
(*** hide ***)
#load ".include/Docs.fsx"
open Hybrid.Docs
(**
# Hybrid

Hybrid is a deep-learning library for .NET written in managed code only: tensors, automatic
differentiation of any order (reverse and forward mode), `nn` layers and losses, optimizers,
data loading and safetensors checkpoints, with PyTorch's names spelled the .NET way. C# and F#
share one `Tensor` type; the F# core adds JAX-style functional transforms (`grad`, `jacobian`,
`hessian`, ...), and every derivative rule is property-tested against finite differences.

Every output on these pages was produced by running the code shown when the site was built:
F# snippets are evaluated, and C# snippets are taken from the example projects in
[`examples/`](https://github.com/hybrid-dotnet/Hybrid/tree/main/examples), which the test
suite compiles and runs.

## Install

| package | for |
| --- | --- |
| `Hybrid` | the C# API: `Torch`, `Autograd`, `Hybrid.NN`, `Hybrid.Optim`, `Hybrid.Data`, `Hybrid.IO` (brings in the two below) |
| `Hybrid.Core` | the F# core: `Tensor`, operators, `grad`/`jacobian`/`hessian`, `GradCheck` |
| `Hybrid.Backends` | the kernel contract `IBackend` and the CPU kernels |
| `Hybrid.Testing` | FsCheck generators for property-testing your own functions |

    dotnet add package Hybrid          # C#, or F# with layers and optimizers
    dotnet add package Hybrid.Core     # F#, tensors and autograd only

Only the .NET 10 SDK is needed; there is no native dependency. To use packages built from a
checkout, `dotnet pack -c Release -o ~/hybrid-feed` and add that folder as a package source.

## A first look, in F#

A tensor, an operation, a gradient:
*)
open Hybrid

let x = Tensor.ofArray [ 2; 3 ] [| 1.f; 2.f; 3.f; 4.f; 5.f; 6.f |]
let y = x @@ x.T
(*** include-value: y ***)

(**
`grad` turns a scalar function into the function computing its gradient, and transforms nest:
*)
let f (x: Tensor) = (x * x * x).Sum()          // f(x) = Σ x³
let at = Tensor.ofArray64 [ 3 ] [| 1.0; 2.0; 3.0 |]
let gradient = grad f at                        // 3x²
let curvature = hessian f at                    // diag(6x)
(*** include-value: gradient ***)
(*** include-value: curvature ***)

(**
## A first look, in C#

The quickstart example (`dotnet run -c Release --project examples/Quickstart`) walks through
the seeds' tensor and autograd basics:
*)
(*** hide ***)
Docs.csharpFile "examples/Quickstart/Program.cs"
(*** include-it-raw ***)
(** It prints: *)
(*** hide ***)
Docs.run "Quickstart" "" |> Docs.output
(*** include-it-raw ***)

(**
## Where next

* [Tensors](tensors.html): creation, dtypes, indexing, views, broadcasting, reductions.
* [Autograd](autograd.html): `Backward`, `Autograd.Grad`, higher derivatives, the functional
  transforms `grad`/`vjp`/`jvp`/`jacobian`/`hessian`/`hvp`, forward mode, custom functions.
* [nn.Module](modules.html), [losses](losses.html), [optimizers](optimizers.html),
  [data loading](data.html), [devices](devices.html), [saving and loading](saving.html).
* [Property-based gradient checking](gradcheck.html) of your own functions.
* The [API reference](reference/index.html), generated from the XML docs.
*)
