(**
---
title: Tensors
category: Guide
categoryindex: 1
index: 2
---
*)
(*** hide ***)
#load ".include/Docs.fsx"
open Hybrid.Docs
(**
# Tensors

A `Tensor` is an n-dimensional array with a dtype (`Float32` by default, `Float64`, `Int64`,
`Int32`, `Bool`, ...) and a device. Tensors print as PyTorch prints them. In F#, tensors are
values: operations return new tensors, and views (reshape, transpose, slicing) share storage.

## Creating tensors
*)
open Hybrid

let a = Tensor.ofArray [ 2; 3 ] [| 1.f; 2.f; 3.f; 4.f; 5.f; 6.f |]   // float32, copied
let b = tensor [ 0.5f; 1.5f; 2.5f ]                                  // 1-D float32
let z = Tensor.zeros [ 2; 2 ]
let r = Tensor.arange 5.0
let l = Tensor.linspace 0.0 1.0 5
Tensor.manualSeed 0L
let n = Tensor.randn [ 2; 3 ]
(*** include-fsi-output ***)

(**
Shape, dtype and device are properties; `To` converts:
*)
let info = a.Shape, a.DType, a.Device, a.To(DType.Float64).DType
(*** include-value: info ***)

(**
## Indexing, slicing and views

F# slicing works on the first dimensions; `Reshape`, `Transpose`/`T`, `Permute`, `Unsqueeze`
and `Narrow` return views of the same storage.
*)
let row = a.[1]
let column = a.[*, 1]
let block = a.[0.., 1..]
let reshaped = a.Reshape(3, 2)
let transposed = a.T
(*** include-fsi-output ***)

(**
## Arithmetic, broadcasting, reductions

Operators broadcast as NumPy and PyTorch do; numbers mix with tensors.
*)
let shifted = a + b              // (2, 3) + (3) broadcasts
let scaled = 2.0 * a - 1.0
let rowSums = a |> Tensor.sumDim 1 false
let mean = Tensor.mean a
let product = a @@ a.T           // matrix product
let sameProduct = Tensor.einsum "ij,kj->ik" [ a; a ]
let activations = (a - 3.5) |> relu
(*** include-fsi-output ***)

(**
## Masks

Comparisons give `Bool` tensors; `Where`, `MaskedFill`, `Tril`/`Triu` (a causal mask), `Any`/`All`
and `IsNan`/`IsFinite` use them, and `Repeat`/`Tile` lay copies side by side.
*)
let big = a.Gt(2.5)
let capped = a |> Tensor.maskedFill big 2.5
let causal = Tensor.ones [ 3; 3 ] |> Tensor.tril 0
let anyNaN = (a - 3.0).Log() |> Tensor.isnan |> Tensor.any   // log of a negative is NaN
let tiled = b |> Tensor.repeat [ 2; 1 ]
(*** include-fsi-output ***)

(**
`Sort`, `ArgSort` and `TopK` order along a dim (stable, NaN last, as PyTorch); the values carry
their gradient back to where they came from:
*)
let top2, top2Indices = a |> Tensor.topk 2
(*** include-fsi-output ***)

(**
The F# `Tensor` module has pipeline-friendly functions (`Tensor.exp`, `Tensor.softmax 1`,
`Tensor.cat 0 [a; a]`, ...); every method is also on the tensor itself (`a.Exp()`,
`a.Softmax(1)`), which is what C# uses.

## In C#

The same, with the C# API (`Torch.Tensor`, `Torch.Rand`, index ranges):
*)
(*** hide ***)
Docs.csharp "examples/Quickstart/Program.cs" "tensors"
(*** include-it-raw ***)
(*** hide ***)
Docs.run "Quickstart" "" |> fun s -> s.Split("\n\n").[0] |> Docs.output
(*** include-it-raw ***)
(**
C# also has in-place operations with PyTorch's trailing underscore (`p.Sub_(g * lr)`,
`p.Grad.Zero_()`), used by optimizers; see [autograd](autograd.html).
*)
