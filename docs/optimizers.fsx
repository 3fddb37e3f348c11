(**
---
title: Optimizers
category: Guide
categoryindex: 1
index: 6
---
*)
(*** hide ***)
#load ".include/Docs.fsx"
open Hybrid.Docs
(**
# Optimizers

`Hybrid.Optim` has `SGD` (momentum, dampening, Nesterov, weight decay), `Adam`, `AdamW`,
`NAdam`, `RAdam`, `RMSprop`, `Adagrad` and `LBFGS` (with strong-Wolfe line search), with PyTorch's defaults and
update rules. Each takes parameters or parameter groups (`ParamGroup`, with per-group options),
and has `ZeroGrad()`, `Step()` and a state dict. Learning-rate schedulers: `StepLR`,
`MultiStepLR`, `ExponentialLR`, `CosineAnnealingLR`, `CosineAnnealingWarmRestarts`, `LinearLR`,
`ConstantLR`, `PolynomialLR`, `LambdaLR`, `OneCycleLR`, `ReduceLROnPlateau`, and `SequentialLR`,
which chains them (a `LinearLR` warm-up, then a
cosine decay); `ClipGradNorm`/`ClipGradValue` clip gradients.

## Comparing optimizers

The optimizer-comparison example (seed 002) fits y = x² + noise with a 1→20→1 network, one per
optimizer, on the same batches:
*)
(*** hide ***)
Docs.csharpFile "examples/OptimizerComparison/Comparison.cs"
(*** include-it-raw ***)
(**
Its program prints the loss at the start and the end of training, and plots every step's
loss with ScottPlot:
*)
(*** hide ***)
Docs.csharpFile "examples/OptimizerComparison/Program.cs"
(*** include-it-raw ***)
(*** hide ***)
let plot = System.IO.Path.Combine(Docs.outputDir, "img", "optimizers.png")
System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName plot) |> ignore
Docs.run "OptimizerComparison" (sprintf "\"%s\"" plot)
|> fun printed -> printed.Split('\n') |> Array.filter (fun l -> not (l.StartsWith "loss curves:")) |> String.concat "\n"
|> Docs.output
(*** include-it-raw ***)
(**
This is the plot it wrote, made when this site was built:

<img src="img/optimizers.png" alt="Loss per step of SGD, SGD with momentum, RMSprop and Adam" width="900" />

## In F#

Optimizers work on any tensors that require grad. Adam on the Rosenbrock function, whose
minimum is at (1, 1):
*)
open Hybrid
open Hybrid.NN
open Hybrid.Optim

let p = new Parameter(Tensor.ofArray [ 2 ] [| -1.0f; 1.5f |])
let adam = Adam([ p ], lr = 0.05)
let rosenbrock (p: Tensor) =
    let x, y = p.[0], p.[1]
    (1.0 - x).Pow(2.0) + 100.0 * (y - x.Pow(2.0)).Pow(2.0)

for step in 1 .. 2000 do
    adam.ZeroGrad()
    let loss = rosenbrock p
    loss.Backward()
    adam.Step()
    if step % 500 = 0 then printfn "step %4d  loss %.6f  p = %O" step (Tensor.toArray<float32> loss).[0] (p.Detach())
(*** include-output ***)
