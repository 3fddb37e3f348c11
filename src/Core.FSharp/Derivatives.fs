/// The derivative table: for every primitive, its vector-Jacobian product (reverse mode, one
/// input at a time) and its Jacobian-vector product (forward mode), written with differentiable tensor ops, so that backward with createGraph records a
/// graph of its own and higher derivatives follow. Broadcasting is undone once, by the sweep
/// (Backward.fs), not here. Read each line as `∂L/∂input i = rule(g = ∂L/∂out)`.
module internal Hybrid.Derivatives

open System

/// g summed down to `shape` (undoes broadcasting: leading dims and size-1 dims).
let sumTo (shape: int[]) (g: Tensor) =
    if g.shape = shape then g
    else
        let lead = g.Dim - shape.Length
        let dims = [| for d in 0 .. g.Dim - 1 do if d < lead || (shape.[d - lead] = 1 && g.shape.[d] <> 1) then yield d |]
        g.Sum(dims, true).Reshape(shape)

let private zerosLike (t: Tensor) = Create.Zeros(t.Shape, t.DType, t.Device)
let private scalar (v: float) (like: Tensor) = Prim.Scalar(v, like)
let private mask (cond: Tensor) (g: Tensor) = cond.Where(g, scalar 0.0 g)
let private asFloat (b: Tensor) (like: Tensor) = b.To like.DType

/// Puts back the reduced dims of a keepdim=false reduction so g broadcasts against the input.
let private unreduce (dims: int[]) (keepdim: bool) (g: Tensor) =
    if keepdim then g else dims |> Array.fold (fun (t: Tensor) d -> t.Unsqueeze d) g

/// ∂ prod / ∂ a along `dim` (all when None), exact even where a has zeros.
let private prodGrad (a: Tensor) (out: Tensor) (dim: int option) (g: Tensor) =
    let hasZero = GradMode.noGrad (fun () -> a.Eq(0.0).Long().Sum().ToInt64() > 0L)
    if not hasZero then g * out / a
    else
        // Product of the others, one position at a time: O(n²), only reached with zeros.
        let flat, d = (match dim with Some d -> a, d | None -> a.Reshape(-1), 0)
        let n = flat.shape.[d]
        let others =
            [| for i in 0 .. n - 1 ->
                Join.Cat([| flat.Narrow(d, 0, i); flat.Narrow(d, i + 1, n - i - 1) |], d).Prod(d, true) |]
        g * Join.Cat(others, d).Reshape(a.Shape)

let private invert (perm: int[]) =
    let inv = Array.zeroCreate perm.Length
    perm |> Array.iteri (fun i p -> inv.[p] <- i)
    inv

/// ∂L/∂x.[i] given g = ∂L/∂out.
let vjp (op: Op) (x: Tensor[]) (out: Tensor) (g: Tensor) (i: int) : Tensor =
    let a = x.[0]
    match op, i with
    | Add, _ -> g
    | Sub, 0 -> g
    | Sub, _ -> -g
    | Mul, 0 -> g * x.[1]
    | Mul, _ -> g * a
    | Div, 0 -> g / x.[1]
    | Div, _ -> -g * a / (x.[1] * x.[1])
    | Pow, 0 -> g * x.[1] * a.Pow(x.[1] - 1.0)
    | Pow, _ -> g * out * a.Log()
    | Maximum, k | Minimum, k ->
        let mine, other = x.[k], x.[1 - k]
        let wins = match op with Maximum -> mine.Gt other | _ -> mine.Lt other
        g * (asFloat wins g + asFloat (mine.Eq other) g * 0.5)
    | Where, 1 -> mask x.[0] g
    | Where, _ -> x.[0].Where(scalar 0.0 g, g)
    | Neg, _ -> -g
    | Exp, _ -> g * out
    | Log, _ -> g / a
    | Log1p, _ -> g / (a + 1.0)
    | Sqrt, _ -> g / (out * 2.0)
    | Rsqrt, _ -> g * out.Pow(3.0) * -0.5
    | Abs, _ -> g * a.Sign()
    | Sign, _ -> g * 0.0
    | Sin, _ -> g * a.Cos()
    | Cos, _ -> -g * a.Sin()
    | Tanh, _ -> g * (1.0 - out * out)
    | Sigmoid, _ -> g * out * (1.0 - out)
    | Erf, _ -> g * (-(a * a)).Exp() * (2.0 / sqrt Math.PI)
    | Relu, _ -> mask (a.Gt 0.0) g
    | Gelu, _ -> g * ((1.0 + (a * (1.0 / sqrt 2.0)).Erf()) * 0.5 + a * (a * a * -0.5).Exp() * (1.0 / sqrt (2.0 * Math.PI)))
    | Silu, _ -> let s = a.Sigmoid() in g * s * (1.0 + a * (1.0 - s))
    | LeakyRelu slope, _ -> a.Gt(0.0).Where(g, g * slope)
    | Elu alpha, _ -> a.Gt(0.0).Where(g, g * (out + alpha))
    | Softplus(beta, threshold), _ -> (a * beta).Gt(threshold).Where(g, g * (a * beta).Sigmoid())
    | Clamp(lo, hi), _ -> mask (a.Ge(lo).LogicalAnd(a.Le hi)) g
    | Cast _, _ -> g.To a.DType
    | Clone, _ -> g
    | Reshape _, _ -> g.Reshape a.Shape
    | Permute perm, _ -> g.Permute(invert perm)
    | Expand _, _ -> sumTo a.shape g
    | Narrow(d, start, length), _ ->
        let before, after = Array.zeroCreate a.Dim, Array.zeroCreate a.Dim
        before.[d] <- start
        after.[d] <- a.shape.[d] - start - length
        Join.Pad(g, before, after, 0.0)
    | Pad(before, _, _), _ -> Array.fold (fun (t: Tensor) d -> t.Narrow(d, before.[d], a.shape.[d])) g [| 0 .. a.Dim - 1 |]
    | Sum(dims, keepdim), _ -> (unreduce dims keepdim g).Expand(a.Shape)
    | Mean(dims, keepdim), _ -> (unreduce dims keepdim g).Expand(a.Shape) / float (dims |> Array.fold (fun n d -> n * a.shape.[d]) 1)
    | Prod(dim, keepdim), _ ->
        let dims = match dim with Some d -> [| d |] | None -> Array.init a.Dim id
        prodGrad a (unreduce dims keepdim out) dim (unreduce dims keepdim g)
    | Extremum _, _ -> let hit = asFloat (a.Eq out) g in g * hit / hit.Sum()
    | ExtremumDim(_, d, keepdim, indices), _ ->
        zerosLike(a).ScatterAdd(d, unreduce [| d |] keepdim indices, unreduce [| d |] keepdim g)
    | Softmax d, _ -> out * (g - (g * out).Sum(d, true))
    | LogSoftmax d, _ -> g - out.Exp() * g.Sum(d, true)
    | MatMul _, 0 -> g.MatMul(x.[1].Transpose(-1, -2))
    | MatMul _, _ -> a.Transpose(-1, -2).MatMul g
    | Cat(d, sizes), k -> g.Narrow(d, Array.sum sizes.[.. k - 1], sizes.[k])
    | Gather d, _ -> zerosLike(a).ScatterAdd(d, x.[1], g)
    | Scatter d, 0 -> g.Scatter(d, x.[1], 0.0)
    | (Scatter d | ScatterAdd d), _ when i = 2 -> g.Gather(d, x.[1])
    | ScatterAdd _, _ -> g
    | IndexSelect d, _ -> zerosLike(a).IndexAdd(d, x.[1], g)
    | IndexAdd d, 2 -> g.IndexSelect(d, x.[1])
    | IndexAdd _, _ -> g
    | Unfold w, _ -> Functional.Fold(g, w, a.shape.[1], a.shape.[2], a.shape.[3])
    | Fold(w, _, _, _), _ -> Functional.Unfold(g, w)
    | BceWithLogits, 0 -> g * (a.Sigmoid() - x.[1])
    | BceWithLogits, _ -> -g * a
    | Custom f, k ->
        let grads = f.Backward g
        if isNull grads || grads.Length <> x.Length then
            raise (InvalidOperationException(sprintf "function %s returned an incorrect number of gradients (expected %d, got %d)" op.BackwardName x.Length (if isNull grads then 0 else grads.Length)))
        grads.[k]
    | _ -> raise (InvalidOperationException(sprintf "%s has no derivative for input %d" op.BackwardName i))

/// Σ of the present terms (null terms are symbolic zeros; all null gives null).
let private total (terms: Tensor list) =
    match terms |> List.filter (fun t -> not (isNull t)) with
    | [] -> null
    | ts -> List.reduce (+) ts

/// `f d` when the tangent d is present, else a symbolic zero.
let private ifAny (d: Tensor) (f: Tensor -> Tensor) = if isNull d then null else f d

/// J·dx: the output tangent given the inputs' tangents dx (null = zero), or null when zero.
let jvp (op: Op) (x: Tensor[]) (out: Tensor) (dx: Tensor[]) : Tensor =
    let a = x.[0]
    let d0 = dx.[0]
    let d k = dx.[k]
    let orZero k = if isNull dx.[k] then zerosLike x.[k] else dx.[k]
    let unaryBy (f': Tensor) = ifAny d0 (fun d -> d * f')
    let tangent =
        match op with
        | Add -> total [ d0; d 1 ]
        | Sub -> total [ d0; ifAny (d 1) (fun d -> -d) ]
        | Mul -> total [ ifAny d0 (fun d -> d * x.[1]); ifAny (d 1) (fun d -> a * d) ]
        | Div -> total [ ifAny d0 (fun d -> d / x.[1]); ifAny (d 1) (fun d -> -d * a / (x.[1] * x.[1])) ]
        | Pow -> total [ ifAny d0 (fun d -> d * x.[1] * a.Pow(x.[1] - 1.0)); ifAny (d 1) (fun d -> d * out * a.Log()) ]
        | Maximum | Minimum ->
            let share k =
                let mine, other = x.[k], x.[1 - k]
                let wins = match op with Maximum -> mine.Gt other | _ -> mine.Lt other
                asFloat wins out + asFloat (mine.Eq other) out * 0.5
            total [ ifAny d0 (fun d -> d * share 0); ifAny (d 1) (fun d -> d * share 1) ]
        | Where -> if isNull (d 1) && isNull (d 2) then null else x.[0].Where(orZero 1, orZero 2)
        | Neg -> ifAny d0 (fun d -> -d)
        | Exp -> unaryBy out
        | Log -> ifAny d0 (fun d -> d / a)
        | Log1p -> ifAny d0 (fun d -> d / (a + 1.0))
        | Sqrt -> ifAny d0 (fun d -> d / (out * 2.0))
        | Rsqrt -> ifAny d0 (fun d -> d * out.Pow(3.0) * -0.5)
        | Abs -> ifAny d0 (fun d -> d * a.Sign())
        | Sign -> ifAny d0 (fun d -> d * 0.0)
        | Sin -> ifAny d0 (fun d -> d * a.Cos())
        | Cos -> ifAny d0 (fun d -> -d * a.Sin())
        | Tanh -> ifAny d0 (fun d -> d * (1.0 - out * out))
        | Sigmoid -> ifAny d0 (fun d -> d * out * (1.0 - out))
        | Erf -> ifAny d0 (fun d -> d * (-(a * a)).Exp() * (2.0 / sqrt Math.PI))
        | Relu -> ifAny d0 (fun d -> mask (a.Gt 0.0) d)
        | Gelu -> ifAny d0 (fun d -> d * ((1.0 + (a * (1.0 / sqrt 2.0)).Erf()) * 0.5 + a * (a * a * -0.5).Exp() * (1.0 / sqrt (2.0 * Math.PI))))
        | Silu -> ifAny d0 (fun d -> let s = a.Sigmoid() in d * s * (1.0 + a * (1.0 - s)))
        | LeakyRelu slope -> ifAny d0 (fun d -> a.Gt(0.0).Where(d, d * slope))
        | Elu alpha -> ifAny d0 (fun d -> a.Gt(0.0).Where(d, d * (out + alpha)))
        | Softplus(beta, threshold) -> ifAny d0 (fun d -> (a * beta).Gt(threshold).Where(d, d * (a * beta).Sigmoid()))
        | Clamp(lo, hi) -> ifAny d0 (fun d -> mask (a.Ge(lo).LogicalAnd(a.Le hi)) d)
        | Cast dtype -> ifAny d0 (fun d -> d.To dtype)
        | Clone -> ifAny d0 (fun d -> d.Clone())
        | Reshape shape -> ifAny d0 (fun d -> d.Reshape shape)
        | Permute perm -> ifAny d0 (fun d -> d.Permute perm)
        | Expand shape -> ifAny d0 (fun d -> d.Expand shape)
        | Narrow(dim, start, length) -> ifAny d0 (fun d -> d.Narrow(dim, start, length))
        | Pad(before, after, _) -> ifAny d0 (fun d -> Join.Pad(d, before, after, 0.0))
        | Sum(dims, keepdim) -> ifAny d0 (fun d -> d.Sum(dims, keepdim))
        | Mean(dims, keepdim) -> ifAny d0 (fun d -> d.Mean(dims, keepdim))
        | Prod(dim, keepdim) ->
            let dims = match dim with Some k -> [| k |] | None -> Array.init a.Dim id
            ifAny d0 (fun d -> (prodGrad a (unreduce dims keepdim out) dim d).Sum(dims, keepdim))
        | Extremum _ -> ifAny d0 (fun d -> let hit = asFloat (a.Eq out) out in (d * hit).Sum() / hit.Sum())
        | ExtremumDim(_, dim, keepdim, indices) ->
            ifAny d0 (fun d -> let picked = d.Gather(dim, unreduce [| dim |] keepdim indices) in if keepdim then picked else picked.Squeeze dim)
        | Softmax dim -> ifAny d0 (fun d -> out * (d - (out * d).Sum(dim, true)))
        | LogSoftmax dim -> ifAny d0 (fun d -> d - (out.Exp() * d).Sum(dim, true))
        | MatMul _ -> total [ ifAny d0 (fun d -> d.MatMul x.[1]); ifAny (d 1) (fun d -> a.MatMul d) ]
        | Cat(dim, _) -> if Array.forall isNull dx then null else Join.Cat(Array.init x.Length orZero, dim)
        | Gather dim -> ifAny d0 (fun d -> d.Gather(dim, x.[1]))
        | Scatter dim -> if isNull d0 && isNull (d 2) then null else (orZero 0).Scatter(dim, x.[1], orZero 2)
        | ScatterAdd dim -> if isNull d0 && isNull (d 2) then null else (orZero 0).ScatterAdd(dim, x.[1], orZero 2)
        | IndexSelect dim -> ifAny d0 (fun d -> d.IndexSelect(dim, x.[1]))
        | IndexAdd dim -> if isNull d0 && isNull (d 2) then null else (orZero 0).IndexAdd(dim, x.[1], orZero 2)
        | Unfold w -> ifAny d0 (fun d -> Functional.Unfold(d, w))
        | Fold(w, c, h, ww) -> ifAny d0 (fun d -> Functional.Fold(d, w, c, h, ww))
        | BceWithLogits -> total [ ifAny d0 (fun d -> d * (a.Sigmoid() - x.[1])); ifAny (d 1) (fun d -> -(d * a)) ]
        | Custom f -> raise (InvalidOperationException(sprintf "%s has no forward rule; Transforms handles user functions" f.Name))
    if isNull tangent || tangent.shape = out.shape then tangent else tangent.Expand(out.Shape)

