/// Functional transforms in the style of JAX, pure: each takes a function and returns values,
/// and they nest. Reverse transforms differentiate with respect to a fresh node standing for
/// their own argument; jvp perturbs its argument under a level id of its own. Either way an
/// inner transform never picks up an outer one's perturbation.
[<AutoOpen>]
module Hybrid.Transforms

open System
open System.Threading

let private depth = AsyncLocal<int>()

/// Runs f one nesting level deeper; at the outermost level, results are detached.
let private nestedMany (xs: Tensor[]) (f: unit -> Tensor[]) =
    let outer = depth.Value = 0 && xs |> Array.forall (fun x -> not x.RequiresGrad && x.tangents.IsEmpty)
    depth.Value <- depth.Value + 1
    try
        use _ = GradMode.set true
        let results = f ()
        if outer then results |> Array.map (fun t -> if isNull t then t else t.Detach()) else results
    finally
        depth.Value <- depth.Value - 1

let private nested (x: Tensor) (f: unit -> Tensor[]) = nestedMany [| x |] f

/// A new tensor standing for x in one transform: differentiable w.r.t. itself, and still
/// connected to x when x is tracked by an enclosing transform.
let private fresh (x: Tensor) =
    if x.RequiresGrad then Prim.Reshape(x, x.Shape)
    else
        // A new leaf; it keeps x's forward-mode tangents, since it stands for x (hvp = jvp of grad).
        let leaf = x.Detach().RequiresGrad_()
        leaf.tangents <- x.tangents
        leaf

/// A user-written function has no forward rule: transpose its (linear) backward instead,
/// J·dx = ∂/∂u Σᵢ ⟨backwardᵢ(u), dxᵢ⟩.
let private customJvp (f: CustomFunction) (out: Tensor) (dx: Tensor[]) : Tensor =
    GradMode.enableGrad (fun () ->
        let u = Create.Zeros(out.Shape, out.DType, out.Device).RequiresGrad_()
        let terms =
            Array.map2 (fun (g: Tensor) (t: Tensor) -> if isNull g || isNull t then None else Some((g * t).Sum())) (f.Backward u) dx
            |> Array.choose id
        match terms with
        | [||] -> null
        | ts ->
            let s = Array.reduce (+) ts
            if not s.RequiresGrad then null
            else Gradients.Grad([| s |], [| u |], createGraph = true, allowUnused = true).[0])

/// Makes the forward rules available to the recorder (idempotent).
let private installForwardRules () =
    if isNull Tensor.JvpRule then
        Tensor.JvpRule <-
            Func<Op, Tensor[], Tensor, Tensor[], Tensor>(fun op inputs out dx ->
                match op with
                | Custom f -> customJvp f out dx
                | _ -> Derivatives.jvp op inputs out dx)

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

/// f(xs) and the directional derivative Σᵢ Jᵢ·vᵢ, in forward mode: each xᵢ is perturbed by vᵢ
/// under one level of this call's own, and every op pushes tangents through its JVP rule as it runs.
let jvpMany (f: Tensor[] -> Tensor) (xs: Tensor[]) (vs: Tensor[]) : Tensor * Tensor =
    if xs.Length <> vs.Length then invalidArg "vs" (sprintf "jvp: %d inputs but %d tangents" xs.Length vs.Length)
    Array.iter2 (fun (x: Tensor) (v: Tensor) ->
        if not (isNull v) && v.Shape <> x.Shape then
            invalidArg "v" (sprintf "jvp: tangent shape %s differs from input shape %s" (Shape.show v.Shape) (Shape.show x.Shape))) xs vs
    installForwardRules ()
    let level = ForwardLevels.fresh ()
    // The level is closed on return: values leaving it carry no tangent of it.
    let close (t: Tensor) =
        if t.tangents |> List.exists (fun struct (l, _) -> l = level) then
            let c = Tensor(t.storage, t.shape, t.strides, t.offset, t.node, false)
            c.tangents <- t.tangents |> List.filter (fun struct (l, _) -> l <> level)
            c
        else t
    let r =
        nestedMany xs (fun () ->
            let perturbed =
                Array.map2 (fun (x: Tensor) (v: Tensor) ->
                    if isNull v then x
                    else
                        let xi = Prim.Reshape(x, x.Shape)
                        xi.tangents <- struct (level, v.To x.DType) :: xi.tangents
                        xi) xs vs
            let y = f perturbed
            let tangent =
                match y.tangents |> List.tryPick (fun struct (l, d) -> if l = level then Some d else None) with
                | Some d -> d
                | None -> Create.Zeros(y.Shape, y.DType, y.Device)
            [| close y; close tangent |])
    r.[0], r.[1]

/// f(x) and the directional derivative J·v, in forward mode.
let jvp (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor * Tensor = jvpMany (fun xs -> f xs.[0]) [| x |] [| v |]

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
                // More outputs than inputs: one forward-mode column per input element.
                let cols = [| for k in 0 .. n - 1 -> (snd (jvp f xi (basis x k))).Reshape(-1) |]
                if n = 0 then Create.Zeros([| m; 0 |], x.DType, x.Device) else Join.Stack(cols, 1)
        [| j.Reshape(Array.append y.Shape x.Shape) |])).[0]

/// The Hessian of a scalar-valued f at x (the Jacobian of its gradient).
let hessian (f: Tensor -> Tensor) (x: Tensor) : Tensor = jacobian (grad f) x

/// The Hessian-vector product H·v without forming H.
let hvp (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor = snd (jvp (grad f) x v)
