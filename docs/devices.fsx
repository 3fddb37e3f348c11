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

## The backends

* **CPU** (`Hybrid.Backends`): managed C# kernels, SIMD-vectorised with `Vector256`/`Vector512`
  and `System.Numerics.Tensors`, a blocked, multi-threaded GEMM for matrix products and
  convolutions, and counter-based random numbers. They use every core unless told otherwise:
  `Torch.SetNumThreads(n)` (F#: `Tensor.setNumThreads n`) caps the threads, as
  `torch.set_num_threads` does, and results don't depend on it (below).
* **GPU** (`Hybrid.Backends.Gpu`, referenced by the `Hybrid` package): the same kernels written
  for [ILGPU](https://ilgpu.net), which compiles them from .NET IL to CUDA at run time, so no
  CUDA toolkit is needed, only the NVIDIA driver. `cuda:N` is the N-th NVIDIA GPU. Kernels are
  queued on the device and run asynchronously; reading values back (`Item`, `ToArray`,
  printing) waits for them. Random numbers are the same counter-based ones as on the CPU, so a
  seed gives the same dropout masks and initial weights on either device.
* **ilgpu** — ILGPU's CPU accelerator running the GPU backend's kernels on simulated warps:
  slow, but the exact GPU code path on any machine. The test suite runs every GPU kernel,
  every layer and optimizer, and the derivative properties on it, and compiles each kernel it
  runs to PTX (CUDA's assembly), so a kernel that only the CPU could run is caught without a GPU.

Device memory comes from a caching allocator with size classes, as PyTorch's: a tensor's block
returns to the cache when the tensor is collected (or its storage disposed), and the next request
of that size reuses it. When half of a size's blocks have been handed out since the last
collection, a request of that size that finds none free first collects garbage, so a training loop
stops asking the driver for memory after its first steps. `Torch.Cuda.MemoryAllocated()`, `MemoryReserved()`, `MemoryStats()` and
`EmptyCache()` report and release it.

CPU memory is plain .NET arrays, freed by the garbage collector: there is nothing to dispose.
The packages raise the GC's large-object threshold, so results up to 4 MB are short-lived
generation-0 objects. The CPU backend recycles larger ones, as PyTorch's allocator reuses freed
memory: an array that two full collections have found unreachable serves the next result of the
same length. Nothing that can still reach it (a tensor, a view, a span on any thread) lets it be
reused. A loop whose large shapes repeat thus runs without a full collection per step. The pool
keeps at most 1 GiB (an eighth of the GC's memory where that is less) and releases what goes
unused.

## The backend contract

`IBackend` is everything the core asks of a device: about thirty kernels over strided views
(elementwise, reductions, matrix product, gather/scatter, softmax, im2col, convolution and its
two adjoints, max pooling, random numbers). A backend without a fused convolution can compose
it from its own unfold, matrix product and fold, as the GPU backend does.
Kernels know nothing of autograd; the derivative rules are written once, in terms of tensor
operations, so a new backend gets autograd of any order for free. A backend registers itself
for a device type with `Backends.Register("type", device => ...)` (the GPU backend does so for
`cuda` and `ilgpu` the first time either is asked for); the test suite also registers a
test-double device to check that results stay on their device and that mixing devices fails. These are the members of the contract, read from the assembly:
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
let gpu = Device.Parse "ilgpu"
let x = Tensor.ones [ 2; 2 ]
let onGpu = (x.To(gpu) * 3.0).Sum()
let value = onGpu.To(Device.Cpu).ToSingle()
(*** include-fsi-output ***)

(**
The thread count changes the speed, never the numbers: reductions add fixed blocks in a fixed
order, and every output element is computed by one thread.
*)
let big = Tensor.randn [ 1_000_000 ]
let sumOnOneThread =
    Tensor.setNumThreads 1
    (Tensor.sum big).ToSingle()
let sumOnEveryCore =
    Tensor.setNumThreads System.Environment.ProcessorCount
    (Tensor.sum big).ToSingle()
let identical = sumOnOneThread = sumOnEveryCore
(*** include-fsi-output ***)
