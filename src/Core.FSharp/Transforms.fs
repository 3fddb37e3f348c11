/// Functional transforms in the style of JAX, pure: each takes a function and returns values,
/// and they nest. Each call differentiates with respect to a fresh node standing for its own
/// argument, so an inner grad never picks up an outer one's perturbation (no global tags).
[<AutoOpen>]
module Hybrid.Transforms

open System
open System.Threading

let private depth = AsyncLocal<int>()

/// Runs f one nesting level deeper; at the outermost level, results are detached.
let private nested (x: Tensor) (f: unit -> Tensor[]) =
    let outer = depth.Value = 0 && not x.RequiresGrad
    depth.Value <- depth.Value + 1
    try
        use _ = GradMode.set true
        let results = f ()
        if outer then results |> Array.map (fun t -> if isNull t then t else t.Detach()) else results
    finally
        depth.Value <- depth.Value - 1

/// A new tensor standing for x in one transform: differentiable w.r.t. itself, and still
/// connected to x when x is tracked by an enclosing transform.
let private fresh (x: Tensor) =
    if x.RequiresGrad then Prim.Reshape(x, x.Shape) else x.Detach().RequiresGrad_()

let private orZeros (like: Tensor) (g: Tensor) = if isNull g then Create.Zeros(like.Shape, like.DType, like.Device) else g

let private pull (y: Tensor) (xi: Tensor) (u: Tensor) =
    if not y.RequiresGrad then Create.Zeros(xi.Shape, xi.DType, xi.Device)
    else Gradients.Grad([| y |], [| xi |], [| u |], retainGraph = Nullable true, createGraph = true, allowUnused = true).[0] |> orZeros xi

/// ∇f(x) for a scalar-valued f.
let grad (f: Tensor -> Tensor) (x: Tensor) : Tensor =
    (nested x (fun () ->
        let xi = fresh x
        let y = f xi
        if y.NumEl <> 1 then invalidArg "f" (sprintf "grad: f must return a single element, but it returned shape %s" (Shape.show y.Shape))
        [| pull y xi (Create.FullLike(y, 1.0)) |])).[0]

/// f(x) and its pullback u ↦ uᵀ·J.
let vjp (f: Tensor -> Tensor) (x: Tensor) : Tensor * (Tensor -> Tensor) =
    let xi = fresh x
    let y = GradMode.enableGrad (fun () -> f xi)
    let back (u: Tensor) = (nested x (fun () -> [| pull y xi u |])).[0]
    (if x.RequiresGrad then y else y.Detach()), back

/// f(x) and the directional derivative J·v. Computed as the transpose of the (linear) pullback:
/// J·v = ∂/∂u ⟨Jᵀu, v⟩, which needs only the reverse rules.
let jvp (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor * Tensor =
    if v.Shape <> x.Shape then invalidArg "v" (sprintf "jvp: tangent shape %s differs from input shape %s" (Shape.show v.Shape) (Shape.show x.Shape))
    let r =
        nested x (fun () ->
            let xi = fresh x
            let y = f xi
            let u = Create.Zeros(y.Shape, y.DType, y.Device).RequiresGrad_()
            let gx = pull y xi u
            let jv = if gx.RequiresGrad then pull gx u v else Create.Zeros(y.Shape, y.DType, y.Device)
            [| y; jv |])
    r.[0], r.[1]

/// The Jacobian of f at x, of shape f(x).Shape @ x.Shape: built row by row from pullbacks
/// when the output is smaller than the input, column by column from jvps otherwise.
let jacobian (f: Tensor -> Tensor) (x: Tensor) : Tensor =
    (nested x (fun () ->
        let xi = fresh x
        let y = f xi
        let n, m = x.NumEl, y.NumEl
        let basis (like: Tensor) k = Create.Zeros([| like.NumEl |], like.DType, like.Device).Scatter(0, Create.Full([| 1 |], float k, DType.Int64, like.Device), 1.0).Reshape(like.Shape)
        let j =
            if m <= n then
                let rows = [| for k in 0 .. m - 1 -> (pull y xi (basis y k)).Reshape(-1) |]
                if m = 0 then Create.Zeros([| 0; n |], x.DType, x.Device) else Join.Stack(rows, 0)
            else
                let u = Create.Zeros(y.Shape, y.DType, y.Device).RequiresGrad_()
                let gx = pull y xi u
                let cols = [| for k in 0 .. n - 1 -> (if gx.RequiresGrad then pull gx u (basis x k) else Create.Zeros(y.Shape, y.DType, y.Device)).Reshape(-1) |]
                if n = 0 then Create.Zeros([| m; 0 |], x.DType, x.Device) else Join.Stack(cols, 1)
        [| j.Reshape(Array.append y.Shape x.Shape) |])).[0]

/// The Hessian of a scalar-valued f at x (the Jacobian of its gradient).
let hessian (f: Tensor -> Tensor) (x: Tensor) : Tensor = jacobian (grad f) x

/// The Hessian-vector product H·v without forming H.
let hvp (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor = snd (jvp (grad f) x v)
