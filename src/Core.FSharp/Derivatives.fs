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
/// A zero of the given shape (t's dtype and device) that holds one element (a broadcast scalar):
/// the out-of-place scatters of the vjps below copy it into their result as a fill, instead of
/// zeroing a tensor and copying it.
let private broadcastZero (shape: int[]) (t: Tensor) = (scalar 0.0 t).Expand(shape)
let private mask (cond: Tensor) (g: Tensor) = cond.Where(g, scalar 0.0 g)
let private asFloat (b: Tensor) (like: Tensor) = b.To like.DType

/// ReLU's gradient g at inputs x: g where x > 0, else 0, in one kernel (threshold_backward).
let private reluGrad (g: Tensor) (x: Tensor) = Prim.Binary("threshold_backward", BinaryOp.ReluGrad, ReluGrad, g, x)

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

/// ∂ maximum(a, b)/∂ input k (or minimum's): 1 where it wins, ½ on ties (PyTorch splits ties), in like's dtype.
let private extremumShare (op: Op) (x: Tensor[]) (k: int) (like: Tensor) =
    let mine, other = x.[k], x.[1 - k]
    let wins = match op with Maximum -> mine.Gt other | _ -> mine.Lt other
    asFloat wins like + asFloat (mine.Eq other) like * 0.5

/// Elementwise ops of one operand: the map t ↦ f′(a)·t. Their Jacobian is diagonal, so this
/// one map is both the VJP (t = g) and the JVP (t = dx), and each slope is stated once.
let private slope (op: Op) (a: Tensor) (out: Tensor) : (Tensor -> Tensor) option =
    match op with
    | Neg -> Some(fun t -> -t)
    | Exp -> Some(fun t -> t * out)
    | Log -> Some(fun t -> t / a)
    | Log1p -> Some(fun t -> t / (a + 1.0))
    | Sqrt -> Some(fun t -> t / (out * 2.0))
    | Rsqrt -> Some(fun t -> t * out.Pow(3.0) * -0.5)
    | Abs -> Some(fun t -> t * a.Sign())
    | Sign | Floor | Ceil | Round | Trunc -> Some(fun t -> t * 0.0)
    | Sin -> Some(fun t -> t * a.Cos())
    | Cos -> Some(fun t -> -t * a.Sin())
    | Tanh -> Some(fun t -> t * (1.0 - out * out))
    | Sigmoid -> Some(fun t -> t * out * (1.0 - out))
    | Erf -> Some(fun t -> t * (-(a * a)).Exp() * (2.0 / sqrt Math.PI))
    | Relu -> Some(fun t -> reluGrad t a)
    | Gelu -> Some(fun t -> t * ((1.0 + (a * (1.0 / sqrt 2.0)).Erf()) * 0.5 + a * (a * a * -0.5).Exp() * (1.0 / sqrt (2.0 * Math.PI))))
    | Silu -> Some(fun t -> let s = a.Sigmoid() in t * s * (1.0 + a * (1.0 - s)))
    | LeakyRelu negativeSlope -> Some(fun t -> a.Gt(0.0).Where(t, t * negativeSlope))
    | Elu alpha -> Some(fun t -> a.Gt(0.0).Where(t, t * (out + alpha)))
    | Softplus(beta, threshold) -> Some(fun t -> (a * beta).Gt(threshold).Where(t, t * (a * beta).Sigmoid()))
    | Clamp(lo, hi) -> Some(fun t -> mask (a.Ge(lo).LogicalAnd(a.Le hi)) t)
    | Lgamma -> Some(fun t -> t * a.Digamma())
    | Digamma -> Some(fun t -> t * a.Polygamma 1)
    | Polygamma n -> Some(fun t -> t * a.Polygamma(n + 1))
    | Erfinv -> Some(fun t -> t * (out * out).Exp() * (sqrt Math.PI / 2.0))
    | _ -> None

/// ∂L/∂x.[i] given g = ∂L/∂out.
let vjp (op: Op) (x: Tensor[]) (out: Tensor) (g: Tensor) (i: int) : Tensor =
    let a = x.[0]
    match slope op a out with
    | Some scale -> scale g
    | None ->
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
    | Maximum, k | Minimum, k -> g * extremumShare op x k g
    | ReluGrad, 0 -> reluGrad g x.[1]
    | ReluGrad, _ -> zerosLike x.[1]                                                             // the mask is locally constant
    | Where, 1 -> mask x.[0] g
    | Where, _ -> x.[0].Where(scalar 0.0 g, g)
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
        (broadcastZero a.Shape a).ScatterAdd(d, unreduce [| d |] keepdim indices, unreduce [| d |] keepdim g)
    | Softmax d, _ -> out * (g - (g * out).Sum(d, true))
    | LogSoftmax d, _ -> g - out.Exp() * g.Sum(d, true)
    | CumSum d, _ -> g.Flip(d).CumSum(d).Flip(d)      // x_i reaches every y_j with j ≥ i
    | MatMul _, 0 -> g.MatMul(x.[1].Transpose(-1, -2))
    | MatMul _, _ when x.[1].Dim = 2 && not x.[1].IsContiguous && x.[1].Transpose(0, 1).IsContiguous ->
        // b stored transposed (a Linear layer's weightᵀ): its gradient in the same layout,
        // (gᵀ·a)ᵀ, so that the transpose back to the weight is contiguous (PyTorch's
        // mm_mat2_backward does the same). Equal to aᵀ·g bit for bit: the same products in the same order.
        g.Transpose(-1, -2).MatMul(a).Transpose(-1, -2)
    | MatMul _, _ -> a.Transpose(-1, -2).MatMul g
    | Cat(d, sizes), k -> g.Narrow(d, Array.sum sizes.[.. k - 1], sizes.[k])
    | Gather d, _ -> (broadcastZero a.Shape a).ScatterAdd(d, x.[1], g)
    | Scatter d, 0 -> g.Scatter(d, x.[1], 0.0)
    | (Scatter d | ScatterAdd d), _ when i = 2 -> g.Gather(d, x.[1])
    | ScatterAdd _, _ -> g
    | IndexSelect d, _ -> (broadcastZero a.Shape a).IndexAdd(d, x.[1], g)
    | IndexAdd d, 2 -> g.IndexSelect(d, x.[1])
    | IndexAdd _, _ -> g
    | Unfold w, _ -> Functional.Fold(g, w, a.shape.[1], a.shape.[2], a.shape.[3])
    | Fold(w, _, _, _), _ -> Functional.Unfold(g, w)
    // Convolution A(x, w), its adjoint in x B(g, w) and in w C(x, g) are bilinear, and each
    // one's adjoints are the other two: ⟨A(x, w), g⟩ = ⟨x, B(g, w)⟩ = ⟨w, C(x, g)⟩.
    | Conv2d(w, groups), 0 -> Functional.Conv2dInputGrad(g, x.[1], w, groups, a.shape.[2], a.shape.[3])
    | Conv2d(w, groups), 1 -> Functional.Conv2dWeightGrad(a, g, w, groups)
    | Conv2d _, _ -> g.Sum([| 0; 2; 3 |])                                                      // the bias
    | Conv2dInputGrad(w, groups, _, _), 0 -> Functional.Conv2dPrimitive(g, x.[1], null, w, groups)
    | Conv2dInputGrad(w, groups, _, _), _ -> Functional.Conv2dWeightGrad(g, a, w, groups)
    | Conv2dWeightGrad(w, groups), 0 -> Functional.Conv2dInputGrad(x.[1], g, w, groups, a.shape.[2], a.shape.[3])
    | Conv2dWeightGrad(w, groups), _ -> Functional.Conv2dPrimitive(a, g, null, w, groups)
    | AvgPool2d w, _ -> Functional.AvgPool2dBackward(g, w, a.shape.[2], a.shape.[3])           // linear: its adjoint
    | AvgPool2dBackward(w, _, _), _ -> Functional.AvgPool2dPrimitive(g, w)
    | MaxPool2d(_, indices), _ ->                                                              // g added at each maximum
        let n, c = a.shape.[0], a.shape.[1]
        (broadcastZero [| n; c; a.shape.[2] * a.shape.[3] |] a).ScatterAdd(2, indices.Reshape(n, c, -1), g.Reshape(n, c, -1)).Reshape(a.Shape)
    | BceWithLogits, 0 -> g * (a.Sigmoid() - x.[1])
    | BceWithLogits, _ -> -g * a
    // torch.linalg (LinalgOps: mT = transpose of the last two dims, pack/unpack as in Linalg.fs)
    | LinalgInv, _ -> let yT = LinalgOps.mT out in -(yT.MatMul(g).MatMul(yT))                  // −A⁻ᵀ·g·A⁻ᵀ
    | LinalgDet, _ -> g.Unsqueeze(-1).Unsqueeze(-1) * Linalg.DetGradient(a, out)                // g·det·A⁻ᵀ
    | LinalgSlogDet, _ -> g.Unsqueeze(-1).Unsqueeze(-1) * LinalgOps.mT (Linalg.Inv a)           // g·A⁻ᵀ
    | LinalgSolve, 0 -> -(Linalg.Solve(LinalgOps.mT a, g).MatMul(LinalgOps.mT out))             // −g_B·Xᵀ
    | LinalgSolve, _ -> Linalg.Solve(LinalgOps.mT a, g)                                         // A⁻ᵀ·g
    | LinalgCholesky, _ ->
        // Murray (2016): L⁻ᵀ·Φ(Lᵀ·g)·L⁻¹, Φ = lower triangle with halved diagonal; symmetrized.
        let linv = Linalg.Inv out
        let ga = LinalgOps.mT(linv).MatMul(LinalgOps.phi (LinalgOps.mT(out).MatMul g)).MatMul(linv)
        (ga + LinalgOps.mT ga) * 0.5
    | LinalgQr, _ ->
        // m ≥ n: (g_Q + Q·copyutl(M))·R⁻ᵀ with M = g_R·Rᵀ − Qᵀ·g_Q (copyutl: upper triangle mirrored).
        // m < n: A = [A₁ | A₂], R = [R₁ | Qᵀ·A₂]: the square rule for A₁ with g_Q + A₂·g_R₂ᵀ, and Q·g_R₂.
        let m, n = a.shape.[a.Dim - 2], a.shape.[a.Dim - 1]
        let q, r = LinalgOps.unpackQr m n out
        let gq, gr = LinalgOps.unpackQr m n g
        let square (r: Tensor) (gq: Tensor) (gr: Tensor) =
            let mm = gr.MatMul(LinalgOps.mT r) - LinalgOps.mT(q).MatMul gq
            let nn = LinalgOps.triu 0 mm + LinalgOps.mT (LinalgOps.triu 1 mm)
            (gq + q.MatMul nn).MatMul(LinalgOps.mT (Linalg.Inv r))
        if m >= n then square r gq gr
        else
            let a2, gr2 = a.Narrow(-1, m, n - m), gr.Narrow(-1, m, n - m)
            Join.Cat([| square (r.Narrow(-1, 0, m)) (gq + a2.MatMul(LinalgOps.mT gr2)) (gr.Narrow(-1, 0, m)); q.MatMul gr2 |], -1)
    | LinalgSvd, _ ->
        // Townsend (2016), F_ij = 1/(s_j² − s_i²):
        // U·[(F∘(UᵀgU − gUᵀU))·S + diag(g_S) + S·(F∘(VᵀgV − gVᵀV))]·Vᵀ
        //   + (I − UUᵀ)·gU·S⁻¹·Vᵀ + U·S⁻¹·gVᵀ·(I − VVᵀ)   (the last two vanish when U, V are square)
        let m, n = a.shape.[a.Dim - 2], a.shape.[a.Dim - 1]
        let k = min m n
        let s, u, vh = LinalgOps.unpackSvd m n out
        let gs, gu, gvh = LinalgOps.unpackSvd m n g
        let v, gv = LinalgOps.mT vh, LinalgOps.mT gvh
        let f = LinalgOps.gapInverse (s * s)
        let j = f * (LinalgOps.mT(u).MatMul gu - LinalgOps.mT(gu).MatMul u)
        let kk = f * (vh.MatMul gv - gvh.MatMul v)
        let inner = j * s.Unsqueeze(-2) + LinalgOps.diagEmbed gs + s.Unsqueeze(-1) * kk
        let sinv = 1.0 / s
        let core = u.MatMul(inner).MatMul(vh)
        let core = if m > k then core + ((gu - u.MatMul(LinalgOps.mT(u).MatMul gu)) * sinv.Unsqueeze(-2)).MatMul vh else core
        if n > k then core + u.MatMul((gvh - gvh.MatMul(v).MatMul vh) * sinv.Unsqueeze(-1)) else core
    | LinalgEigh, _ ->
        // V·(diag(g_λ) + F∘(VᵀgV − gVᵀV)/2)·Vᵀ with F_ij = 1/(λ_j − λ_i) (symmetric by construction).
        let n = a.shape.[a.Dim - 1]
        let lam, v = LinalgOps.unpackEigh n out
        let gl, gv = LinalgOps.unpackEigh n g
        let vt = LinalgOps.mT v
        let k = vt.MatMul gv
        v.MatMul(LinalgOps.diagEmbed gl + (k - LinalgOps.mT k) * 0.5 * LinalgOps.gapInverse lam).MatMul(vt)
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
    let tangent =
        match slope op a out with
        | Some scale -> ifAny d0 scale
        | None ->
        match op with
        | Add -> total [ d0; d 1 ]
        | Sub -> total [ d0; ifAny (d 1) (fun d -> -d) ]
        | Mul -> total [ ifAny d0 (fun d -> d * x.[1]); ifAny (d 1) (fun d -> a * d) ]
        | Div -> total [ ifAny d0 (fun d -> d / x.[1]); ifAny (d 1) (fun d -> -d * a / (x.[1] * x.[1])) ]
        | Pow -> total [ ifAny d0 (fun d -> d * x.[1] * a.Pow(x.[1] - 1.0)); ifAny (d 1) (fun d -> d * out * a.Log()) ]
        | Maximum | Minimum -> total [ ifAny d0 (fun d -> d * extremumShare op x 0 out); ifAny (d 1) (fun d -> d * extremumShare op x 1 out) ]
        | ReluGrad -> ifAny d0 (fun d -> reluGrad d x.[1])
        | Where -> if isNull (d 1) && isNull (d 2) then null else x.[0].Where(orZero 1, orZero 2)
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
        | CumSum dim -> ifAny d0 (fun d -> d.CumSum dim)
        | MatMul _ -> total [ ifAny d0 (fun d -> d.MatMul x.[1]); ifAny (d 1) (fun d -> a.MatMul d) ]
        | Cat(dim, _) -> if Array.forall isNull dx then null else Join.Cat(Array.init x.Length orZero, dim)
        | Gather dim -> ifAny d0 (fun d -> d.Gather(dim, x.[1]))
        | Scatter dim -> if isNull d0 && isNull (d 2) then null else (orZero 0).Scatter(dim, x.[1], orZero 2)
        | ScatterAdd dim -> if isNull d0 && isNull (d 2) then null else (orZero 0).ScatterAdd(dim, x.[1], orZero 2)
        | IndexSelect dim -> ifAny d0 (fun d -> d.IndexSelect(dim, x.[1]))
        | IndexAdd dim -> if isNull d0 && isNull (d 2) then null else (orZero 0).IndexAdd(dim, x.[1], orZero 2)
        | Unfold w -> ifAny d0 (fun d -> Functional.Unfold(d, w))
        | Fold(w, c, h, ww) -> ifAny d0 (fun d -> Functional.Fold(d, w, c, h, ww))
        | Conv2d(w, groups) ->
            let bias = if x.Length > 2 then ifAny (d 2) (fun d -> d.Reshape(1, -1, 1, 1).Expand(out.Shape)) else null
            total [ ifAny d0 (fun d -> Functional.Conv2dPrimitive(d, x.[1], null, w, groups)); ifAny (d 1) (fun d -> Functional.Conv2dPrimitive(a, d, null, w, groups)); bias ]
        | Conv2dInputGrad(w, groups, h, ww) ->
            total [ ifAny d0 (fun d -> Functional.Conv2dInputGrad(d, x.[1], w, groups, h, ww)); ifAny (d 1) (fun d -> Functional.Conv2dInputGrad(a, d, w, groups, h, ww)) ]
        | Conv2dWeightGrad(w, groups) ->
            total [ ifAny d0 (fun d -> Functional.Conv2dWeightGrad(d, x.[1], w, groups)); ifAny (d 1) (fun d -> Functional.Conv2dWeightGrad(a, d, w, groups)) ]
        | AvgPool2d w -> ifAny d0 (fun d -> Functional.AvgPool2dPrimitive(d, w))
        | AvgPool2dBackward(w, h, ww) -> ifAny d0 (fun d -> Functional.AvgPool2dBackward(d, w, h, ww))
        | MaxPool2d(_, indices) ->
            ifAny d0 (fun d -> let n, c = a.shape.[0], a.shape.[1] in d.Reshape(n, c, -1).Gather(2, indices.Reshape(n, c, -1)).Reshape(out.Shape))
        | BceWithLogits -> total [ ifAny d0 (fun d -> d * (a.Sigmoid() - x.[1])); ifAny (d 1) (fun d -> -(d * a)) ]
        | LinalgInv -> ifAny d0 (fun d -> -(out.MatMul(d).MatMul(out)))                                  // −A⁻¹·dA·A⁻¹
        | LinalgDet -> ifAny d0 (fun d -> (Linalg.DetGradient(a, out) * d).Sum([| -2; -1 |]))            // det·tr(A⁻¹dA)
        | LinalgSlogDet -> ifAny d0 (fun d -> (LinalgOps.mT (Linalg.Inv a) * d).Sum([| -2; -1 |]))       // tr(A⁻¹dA)
        | LinalgSolve ->                                                                                  // A⁻¹·(dB − dA·X)
            ifAny (total [ d 1; ifAny d0 (fun d -> -(d.MatMul out)) ]) (fun rhs -> Linalg.Solve(a, rhs))
        | LinalgCholesky ->                                                                               // L·Φ(L⁻¹·dA·L⁻ᵀ)
            ifAny d0 (fun d -> let linv = Linalg.Inv out in out.MatMul(LinalgOps.phi (linv.MatMul(d).MatMul(LinalgOps.mT linv))))
        | LinalgQr ->
            // m ≥ n: X = Qᵀ·dA·R⁻¹ and C = T − Tᵀ with T the strict lower triangle of X (C = Qᵀ·dQ is
            // skew, X − C is upper): dR = (X − C)·R, dQ = dA·R⁻¹ − Q·(X − C).
            // m < n: the square rule on A₁, and dR₂ = dQᵀ·A₂ + Qᵀ·dA₂.
            ifAny d0 (fun d ->
                let m, n = a.shape.[a.Dim - 2], a.shape.[a.Dim - 1]
                let batch = a.shape.[.. a.Dim - 3]
                let q, r = LinalgOps.unpackQr m n out
                let square (r: Tensor) (da: Tensor) =
                    let rinv = Linalg.Inv r
                    let xx = LinalgOps.mT(q).MatMul(da).MatMul(rinv)
                    let t = LinalgOps.tril -1 xx
                    let upper = xx - t + LinalgOps.mT t
                    da.MatMul(rinv) - q.MatMul upper, upper.MatMul r
                if m >= n then
                    let dq, dr = square r d
                    LinalgOps.pack batch [ dq; dr ]
                else
                    let dq, dr1 = square (r.Narrow(-1, 0, m)) (d.Narrow(-1, 0, m))
                    let dr2 = LinalgOps.mT(dq).MatMul(a.Narrow(-1, m, n - m)) + LinalgOps.mT(q).MatMul(d.Narrow(-1, m, n - m))
                    LinalgOps.pack batch [ dq; Join.Cat([| dr1; dr2 |], -1) ])
        | LinalgSvd ->
            // dP = Uᵀ·dA·V: dS = diag(dP), dU = U·(F∘(dP·S + S·dPᵀ)) + (I − UUᵀ)·dA·V·S⁻¹,
            // dV = V·(F∘(S·dP + dPᵀ·S)) + (I − VVᵀ)·dAᵀ·U·S⁻¹, F_ij = 1/(s_j² − s_i²).
            ifAny d0 (fun d ->
                let m, n = a.shape.[a.Dim - 2], a.shape.[a.Dim - 1]
                let k = min m n
                let s, u, vh = LinalgOps.unpackSvd m n out
                let v = LinalgOps.mT vh
                let dp = LinalgOps.mT(u).MatMul(d).MatMul(v)
                let f = LinalgOps.gapInverse (s * s)
                let sinv = 1.0 / s
                let du = u.MatMul(f * (dp * s.Unsqueeze(-2) + s.Unsqueeze(-1) * LinalgOps.mT dp))
                let du = if m > k then du + (d.MatMul(v) - u.MatMul dp) * sinv.Unsqueeze(-2) else du
                let dv = v.MatMul(f * (s.Unsqueeze(-1) * dp + LinalgOps.mT dp * s.Unsqueeze(-2)))
                let dv = if n > k then dv + (LinalgOps.mT(d).MatMul(u) - v.MatMul(LinalgOps.mT dp)) * sinv.Unsqueeze(-2) else dv
                LinalgOps.pack a.shape.[.. a.Dim - 3] [ LinalgOps.diagonal dp; du; LinalgOps.mT dv ])
        | LinalgEigh ->
            // K = Vᵀ·dA·V: dλ = diag(K), dV = V·(F∘K), F_ij = 1/(λ_j − λ_i).
            ifAny d0 (fun d ->
                let n = a.shape.[a.Dim - 1]
                let lam, v = LinalgOps.unpackEigh n out
                let k = LinalgOps.mT(v).MatMul(d).MatMul(v)
                LinalgOps.pack a.shape.[.. a.Dim - 3] [ LinalgOps.diagonal k; v.MatMul(k * LinalgOps.gapInverse lam) ])
        | Custom f -> raise (InvalidOperationException(sprintf "%s has no forward rule; Transforms handles user functions" f.Name))
        | other -> raise (InvalidOperationException(sprintf "%s has no forward rule" other.BackwardName))
    if isNull tangent || tangent.shape = out.shape then tangent else tangent.Expand(out.Shape)

