/// Every rule of the derivative table against finite differences: first order for every op,
/// second order (grad of grad) where the op is twice differentiable.
module Hybrid.Properties.GradientProperties

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Hybrid
open Hybrid.Properties.Case
open Hybrid.Properties.OpTable

let private config = { FsCheckConfig.defaultConfig with maxTest = cases }

/// The spec with each generated case passed through f (e.g. moving its inputs to a device).
let private mapCases (f: Case -> Case) (s: Spec) = { s with Cases = Gen.map f s.Cases }

// Central differences in float64 with eps = 1e-6 err by ~1e-10, so the rules are held to far
// tighter tolerances than torch.autograd.gradcheck's defaults (atol 1e-5, rtol 1e-3): a rule
// off by 0.01% fails.
let firstOrder config (s: Spec) =
    testPropertyWithConfig config (s.Name + ": first order") (Prop.forAll (arb s.Cases) (fun c ->
        GradCheck.Check(Func<_, _> c.F, c.Inputs, eps = s.Eps, atol = (if s.Eps > 1e-6 then 1e-4 else 1e-7), rtol = (if s.Eps > 1e-6 then 1e-3 else 1e-5))))

let secondOrder config (s: Spec) =
    testPropertyWithConfig config (s.Name + ": second order") (Prop.forAll (arb s.Cases) (fun c ->
        GradCheck.GradGradCheck(Func<_, _> c.F, c.Inputs, atol = 1e-6, rtol = 1e-4)))

/// Every spec's properties, first order and (where it applies) second order.
let rulesOf name config (move: Case -> Case) =
    testList name [
        for s in all do
            let s = mapCases move s
            yield firstOrder config s
            if s.SecondOrder then yield secondOrder config s
    ]

let tests = rulesOf "derivative rules" config id
