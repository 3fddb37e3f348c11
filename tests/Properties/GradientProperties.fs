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

// Central differences in float64 with eps = 1e-6 err by ~1e-10, so the rules are held to far
// tighter tolerances than torch.autograd.gradcheck's defaults (atol 1e-5, rtol 1e-3): a rule
// off by 0.01% fails.
let private firstOrder (s: Spec) =
    testPropertyWithConfig config (s.Name + ": first order") (Prop.forAll (arb s.Cases) (fun c ->
        GradCheck.Check(Func<_, _> c.F, c.Inputs, eps = s.Eps, atol = (if s.Eps > 1e-6 then 1e-4 else 1e-7), rtol = (if s.Eps > 1e-6 then 1e-3 else 1e-5))))

let private secondOrder (s: Spec) =
    testPropertyWithConfig config (s.Name + ": second order") (Prop.forAll (arb s.Cases) (fun c ->
        GradCheck.GradGradCheck(Func<_, _> c.F, c.Inputs, atol = 1e-6, rtol = 1e-4)))

let tests =
    testList "derivative rules" [
        for s in all do
            yield firstOrder s
            if s.SecondOrder then yield secondOrder s
    ]
