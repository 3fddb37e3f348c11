/// The F# functional transforms: known derivatives, nesting without perturbation confusion.
module Hybrid.Properties.TransformTests

open System
open Expecto
open Hybrid

let private vec (values: float list) = Tensor.ofArray64 [ values.Length ] (List.toArray values)
let private s (v: float) = Tensor.ofArray64 [] [| v |]
let private values (t: Tensor) = t.Contiguous().ToArray<float>()
let private near (expected: float[]) (t: Tensor) =
    let actual = values t
    Expect.equal actual.Length expected.Length "length"
    Array.iter2 (fun e a -> Expect.floatClose Accuracy.high a e (sprintf "expected %A, got %A" expected actual)) expected actual

let tests =
    testList "functional transforms" [
        test "grad of sum x^3 is 3x^2" {
            near [| 3.0; 12.0; 27.0 |] (grad (fun x -> (x * x * x).Sum()) (vec [ 1.0; 2.0; 3.0 ]))
        }
        test "hessian of sum x^3 is diag(6x)" {
            near [| 6.0; 0.0; 0.0; 0.0; 12.0; 0.0; 0.0; 0.0; 18.0 |] (hessian (fun x -> (x * x * x).Sum()) (vec [ 1.0; 2.0; 3.0 ]))
        }
        test "jvp of sin is cos times the tangent" {
            let y, t = jvp (fun x -> x.Sin()) (vec [ 0.0; 1.0 ]) (vec [ 2.0; 3.0 ])
            near [| 0.0; sin 1.0 |] y
            near [| 2.0; 3.0 * cos 1.0 |] t
        }
        test "vjp pulls back through a matrix product" {
            let a = Tensor.ofArray64 [ 2; 2 ] [| 1.0; 2.0; 3.0; 4.0 |]
            let _, back = vjp (fun x -> a.MatMul x) (vec [ 1.0; 1.0 ])
            near [| 1.0 * 1.0 + 3.0 * 2.0; 2.0 * 1.0 + 4.0 * 2.0 |] (back (vec [ 1.0; 2.0 ]))
        }
        test "jacobian of elementwise square is diag(2x)" {
            near [| 2.0; 0.0; 0.0; 4.0 |] (jacobian (fun x -> x * x) (vec [ 1.0; 2.0 ]))
        }
        test "jacobian of a map to more outputs than inputs (forward direction)" {
            near [| 1.0; 2.0; 3.0 |] (jacobian (fun x -> Join.Cat([| x; x * 2.0; x * x * x |], 0)) (vec [ 1.0 ]) |> fun j -> j.Reshape(-1))
        }
        test "hvp equals hessian times v" {
            let f (x: Tensor) = (x * x * x).Sum() + (x.Sin()).Sum()
            let x, v = vec [ 0.5; -1.0 ], vec [ 1.0; 2.0 ]
            near (values ((hessian f x).MatMul v)) (hvp f x v)
        }
        test "top-level transforms return plain values, without graph or tangents" {
            let f (x: Tensor) = (x * x * x).Sum()
            let x, v = vec [ 0.5; -1.0 ], vec [ 1.0; 2.0 ]
            for r in [ hvp f x v; grad f x; hessian f x; snd (jvp (fun x -> x.Sin()) x v); jacobian (fun x -> x * x) x ] do
                Expect.isNull r.GradFn "no grad_fn"
                Expect.isFalse r.RequiresGrad "does not require grad"
        }
        test "Siskind-Pearlmutter: d/dx [x * (d/dy (x + y))] at 1 is 1, not 2" {
            let result = grad (fun x -> x * grad (fun y -> x + y) (s 1.0)) (s 1.0)
            near [| 1.0 |] result
        }
        test "nested grad sees the outer variable: d/dx [d/dy (x*y)] = 1" {
            near [| 1.0 |] (grad (fun x -> grad (fun y -> x * y) (s 3.0)) (s 2.0))
        }
        test "third derivative of x^4 at 2 is 48" {
            let d3 = grad (grad (grad (fun x -> x.Pow 4.0)))
            near [| 48.0 |] (d3 (s 2.0))
        }
        test "GradCheck rejects a wrong custom derivative" {
            let wrongExp (xs: Tensor[]) =
                let x = xs.[0]
                Gradients.Apply("WrongExp", [| x |], Func<_, _>(fun v -> v.[0].Exp()), Func<_, _>(fun g -> [| g * x.Exp() * 2.0 |]))
            Expect.throwsT<GradCheckException> (fun () -> GradCheck.check wrongExp [| vec [ 0.1; 0.2 ] |] |> ignore) "a wrong rule must be caught"
        }
    ]
