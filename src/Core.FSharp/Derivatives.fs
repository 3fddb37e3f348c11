/// The derivative table: the vector-Jacobian product of every primitive, for one input at a
/// time, written with differentiable tensor ops, so that backward with createGraph records a
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
