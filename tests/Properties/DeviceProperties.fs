/// The derivative-rule properties again with every input on the GPU backend: the forward ops,
/// the backward rules and the finite differences all run on the device's kernels. CI has no
/// GPU, so the device is ILGPU's CPU accelerator ("ilgpu"), which runs the same kernels;
/// HYBRID_GPU_DEVICE=cuda runs them on a real GPU.
module Hybrid.Properties.DeviceProperties

open System
open Expecto
open Hybrid
open Hybrid.Properties.Case

let device =
    match Environment.GetEnvironmentVariable "HYBRID_GPU_DEVICE" with
    | null | "" -> Device("ilgpu", 0)
    | s -> Device.Parse s

/// Cases per property on the device: 10 in CI (the simulated device is slow, and the CPU run
/// already covers each rule with 100), more through HYBRID_DEVICE_PROPERTY_CASES.
let deviceCases =
    match Environment.GetEnvironmentVariable "HYBRID_DEVICE_PROPERTY_CASES" with
    | null | "" -> 10
    | s -> int s

let private onDevice (c: Case) =
    Case(sprintf "%s on %O" c.Description device, c.Inputs |> Array.map (fun t -> t.To(device)), c.F)

let tests =
    GradientProperties.rulesOf (sprintf "derivative rules on %O" device) { FsCheckConfig.defaultConfig with maxTest = deviceCases } onDevice
