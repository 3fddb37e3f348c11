(**
---
title: Devices
category: Guide
categoryindex: 1
index: 8
---
*)
(*** hide ***)
#load ".include/Docs.fsx"
open Hybrid.Docs
(**
# Devices

Every tensor has a `Device`, spelled as in PyTorch (`cpu`, `cuda:0`). Operations run on their
operands' device and fail, naming both devices and the operation, when the operands live on
different ones; `x.To(device)` and `module.To(device)` move tensors and models.

## What exists today

* **CPU** — the only backend shipped in the packages. Its kernels are managed C#
  (`Hybrid.Backends`): SIMD-vectorised with `Vector256`/`Vector512` and
  `System.Numerics.Tensors`, a blocked, multi-threaded GEMM for matrix products and
  convolutions, and counter-based random numbers (results don't depend on the thread count).
* **GPU** — not in this release. A GPU backend (ILGPU, targeting CUDA) is designed to plug
  into the same kernel contract, `IBackend`; until one is registered, asking for a `cuda`
  tensor fails with the message below.

## The backend contract

`IBackend` is everything the core asks of a device: about twenty kernels over strided views
(elementwise, reductions, matrix product, gather/scatter, softmax, im2col, random numbers).
Kernels know nothing of autograd; the derivative rules are written once, in terms of tensor
operations, so a new backend gets autograd of any order for free. A backend registers itself
for a device type with `Backends.Register("cuda", device => ...)`; the test suite does this
with a test-double device to check that results stay on their device and that mixing devices
fails. These are the members of the contract, read from the assembly:
*)
open Hybrid

let kernels =
    typeof<IBackend>.GetMethods()
    |> Array.map (fun m -> m.Name)
    |> Array.distinct
    |> String.concat ", "
(*** include-value: kernels ***)

(**
## In C#
*)
(*** hide ***)
Docs.csharp "examples/Guide/Devices.cs" "devices"
(*** include-it-raw ***)
(*** hide ***)
Docs.run "Guide" "devices" |> Docs.output
(*** include-it-raw ***)
(**
## In F#
*)
let x = Tensor.ones [ 2; 2 ]
let onCpu = x.To(Device.Cpu).Device
let parsed = Device.Parse "cuda:1"
(*** include-fsi-output ***)
