/// The reverse-mode sweep: an iterative topological walk from the outputs (no recursion, so a
/// 100,000-op chain is fine), gradients kept in a dictionary for the sweep (never in the nodes,
/// so two sweeps over one graph never interfere), absent gradients treated as zero.
module internal Hybrid.Backward

open System
open System.Collections.Generic

let private freedMessage =
    "Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward."

/// Fails if a value the node's rule reads was freed or overwritten in place since recording.
let private checkSaved (out: Tensor) (node: Node) =
    if node.Released then raise (InvalidOperationException freedMessage)
    let stale (t: Tensor) expected =
        raise (InvalidOperationException(
                sprintf "one of the variables needed for gradient computation has been modified by an inplace operation: [%s %s] used by %s is at version %d; expected version %d instead. It was modified by %s."
                    (t.DType.TorchName()) (Shape.show t.shape) node.Name t.storage.Version expected (defaultArg (Option.ofObj t.storage.LastWriter) "an in-place op")))
    node.Inputs |> Array.iteri (fun i t ->
        if node.Op.ReadsInput i && t.storage.Version <> node.InputVersions.[i] then stale t node.InputVersions.[i])
    if node.Op.ReadsOutput && out.storage.Version <> node.OutputVersion then stale out node.OutputVersion

/// Tensors reachable from the roots through inputs that require grad, in post-order
/// (every tensor after all of its inputs), and the subset from which a target is reachable.
let private order (roots: Tensor[]) (targets: HashSet<Tensor>) =
    let post = List<Tensor>()
    let visited = HashSet<Tensor>(HashIdentity.Reference)
    let needed = HashSet<Tensor>(HashIdentity.Reference)
    let stack = Stack<struct (Tensor * int)>()
    for r in roots do
        if r.RequiresGrad && visited.Add r then stack.Push(struct (r, 0))
    while stack.Count > 0 do
        let struct (t, k) = stack.Pop()
        let inputs = if isNull t.node then Array.empty else t.node.Inputs
        if k < inputs.Length then
            stack.Push(struct (t, k + 1))
            let c = inputs.[k]
            if c.RequiresGrad && visited.Add c then stack.Push(struct (c, 0))
        else
            post.Add t
            if isNull targets || targets.Contains t || inputs |> Array.exists needed.Contains then needed.Add t |> ignore
    post, needed

/// Propagates `seeds` (one per root) back through the graph; returns the gradient of every
/// leaf reached, and of every target. Rules run with grad mode = createGraph.
let run (roots: Tensor[]) (seeds: Tensor[]) (targets: Tensor[]) (retainGraph: bool) (createGraph: bool) =
    use _ = GradMode.set createGraph
    let targetSet = if isNull targets then null else HashSet<Tensor>(targets, HashIdentity.Reference)
    let post, needed = order roots targetSet
    let grads = Dictionary<Tensor, Tensor>(HashIdentity.Reference)
    let accumulate (t: Tensor) (g: Tensor) =
        match grads.TryGetValue t with
        | true, existing -> grads.[t] <- existing + g
        | _ -> grads.[t] <- g
    Array.iter2 accumulate roots seeds
    for k in post.Count - 1 .. -1 .. 0 do
        let t = post.[k]
        match grads.TryGetValue t with
        | true, g when not (isNull t.node) && needed.Contains t ->
            let node = t.node
            checkSaved t node
            node.Inputs |> Array.iteri (fun i input ->
                if input.RequiresGrad && needed.Contains input then
                    let gi = Derivatives.vjp node.Op node.Inputs t g i
                    if not (isNull gi) then accumulate input (Derivatives.sumTo input.shape gi))
            if not retainGraph then node.Released <- true
            if isNull targetSet || not (targetSet.Contains t) then grads.Remove t |> ignore
        | _ -> ()
    grads
