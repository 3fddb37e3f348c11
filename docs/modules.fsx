(**
---
title: nn.Module
category: Guide
categoryindex: 1
index: 4
---
*)
(*** hide ***)
#load ".include/Docs.fsx"
open Hybrid.Docs
(**
# nn.Module

`Hybrid.NN.Module` is the base class of layers and models, as `torch.nn.Module`: fields that
hold a `Parameter` or a `Module` register themselves under the field's name, in declaration
order, so parameter names and printing match PyTorch's (`hidden.weight`). Modules have
`Parameters()`/`NamedParameters()`, `StateDict()`/`LoadStateDict`, `Train()`/`Eval()`,
`To(device)`/`To(dtype)`, `ZeroGrad()` and forward/backward hooks (run through `Call`).

The layers: `Linear`, `Conv1d`/`Conv2d`, `ConvTranspose2d`, `MaxPool2d`, `AvgPool2d`,
`AdaptiveAvgPool2d`/`AdaptiveMaxPool2d`, `BatchNorm1d/2d/3d`, `LayerNorm`, `GroupNorm`,
`Dropout`/`Dropout2d`, `Embedding` (with `paddingIdx`), `Flatten`, `RNN`/`LSTM`/`GRU` and their
single-step cells (`RNNCell`/`LSTMCell`/`GRUCell`), `MultiheadAttention`,
`TransformerEncoderLayer`/`TransformerEncoder`, the activations (`ReLU`, `ReLU6`, `GELU`,
`SiLU`, `Mish`, `Hardswish`, `PReLU`, `Tanh`, ...), and the containers `Sequential`,
`ModuleList` and `ModuleDict`. The convolutions, pools, dropouts, embedding, layer norm,
activations and losses also have their function in `Functional` (as `torch.nn.functional`), and
`Init` has PyTorch's initialisers (Kaiming, Xavier, `TruncNormal`, `Orthogonal`, ...).

## A module in C#
*)
(*** hide ***)
Docs.csharp "examples/Guide/Modules.cs" "module"
(*** include-it-raw ***)
(*** hide ***)
Docs.csharp "examples/Guide/Modules.cs" "use-module"
(*** include-it-raw ***)
(*** hide ***)
Docs.run "Guide" "modules" |> Docs.output
(*** include-it-raw ***)

(**
## A module in F#

The same class in F#: `let` fields are fields, so they register too.
*)
open Hybrid
open Hybrid.NN

type Mlp(inputs: int, width: int, outputs: int) =
    inherit Module()
    let hidden = new Linear(inputs, width)
    let output = new Linear(width, outputs)
    override _.Forward(x) = output.Forward(relu (hidden.Forward x))

Tensor.manualSeed 0L
let model = Mlp(4, 8, 2)
let names = [ for struct (name, p) in model.NamedParameters() -> name, p.Shape ]
(*** include-value: names ***)

let batch = Tensor.randn [ 5; 4 ]
let out = model.Forward batch
(*** include-value: out ***)

(**
`Eval()` switches layers such as `Dropout` and `BatchNorm` to inference behaviour, and
`StateDict()` gives every parameter and persistent buffer by name (see
[saving and loading](saving.html)):
*)
let keys = model.Eval().StateDict().Keys |> List.ofSeq
(*** include-value: keys ***)
