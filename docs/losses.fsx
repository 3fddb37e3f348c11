(**
---
title: Losses
category: Guide
categoryindex: 1
index: 5
---
*)
(*** hide ***)
#load ".include/Docs.fsx"
open Hybrid.Docs
(**
# Losses

Loss modules in `Hybrid.NN` take `(input, target)` and a `Reduction` (`Mean` by default,
`Sum`, or `None` for per-element values): `MSELoss`, `L1Loss`, `SmoothL1Loss`, `HuberLoss`,
`CrossEntropyLoss` (class indices or probabilities, class weights, `ignoreIndex`,
`labelSmoothing`), `NLLLoss`, `BCELoss`, `BCEWithLogitsLoss` (with `posWeight`) and
`KLDivLoss`. Each is also a function on `Functional` (PyTorch's `torch.nn.functional`).
Their gradients come from the derivative table, so every loss has derivatives of any order.

## In C#
*)
(*** hide ***)
Docs.csharp "examples/Guide/Losses.cs" "losses"
(*** include-it-raw ***)
(*** hide ***)
Docs.run "Guide" "losses" |> Docs.output
(*** include-it-raw ***)

(**
## In F#

The functional forms:
*)
open Hybrid

let prediction = tensor [ 2.5f; 0.0f; 2.0f; 8.0f ]
let target = tensor [ 3.0f; -0.5f; 2.0f; 7.0f ]
let mse = Functional.MseLoss(prediction, target)
let sumOfSquares = Functional.MseLoss(prediction, target, Reduction.Sum)
(*** include-fsi-output ***)

(**
Cross entropy takes raw scores (logits) of shape (N, C) and class indices (int64) of shape
(N); its gradient with respect to the logits is softmax minus one-hot, divided by N:
*)
let logits = Tensor.ofArray [ 2; 3 ] [| 2.0f; 0.5f; -1.0f; 0.1f; 0.2f; 3.0f |]
let classes = Tensor.ofArray [ 2 ] [| 0.0f; 2.0f |] |> Tensor.toDType DType.Int64
let ce = Functional.CrossEntropy(logits, classes)
let dLogits = grad (fun z -> Functional.CrossEntropy(z, classes)) logits
(*** include-fsi-output ***)
