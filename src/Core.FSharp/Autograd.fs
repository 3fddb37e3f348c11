namespace Hybrid

open System
open System.Runtime.CompilerServices
open System.Runtime.InteropServices

/// Reverse-mode differentiation (torch.autograd); C# users call it through Autograd.
[<AbstractClass; Sealed>]
type Gradients =
    /// Gradients of `outputs` (weighted by `gradOutputs`, ones for scalars when null) with
    /// respect to `inputs`, which may be any tensors that require grad. With createGraph the
    /// results carry their own graph, so they can be differentiated again.
    static member Grad(outputs: Tensor[], inputs: Tensor[],
                       [<Optional; DefaultParameterValue(null: Tensor[])>] gradOutputs: Tensor[],
                       [<Optional; DefaultParameterValue(Nullable<bool>())>] retainGraph: Nullable<bool>,
                       [<Optional; DefaultParameterValue(false)>] createGraph: bool,
                       [<Optional; DefaultParameterValue(false)>] allowUnused: bool) : Tensor[] =
        if isNull outputs || outputs.Length = 0 then invalidArg "outputs" "grad requires at least one output"
        if isNull inputs || inputs.Length = 0 then invalidArg "inputs" "grad requires at least one input"
        inputs |> Array.iteri (fun i t ->
            if not t.RequiresGrad then
                raise (InvalidOperationException(sprintf "One of the differentiated Tensors (input %d) does not require grad" i)))
        let seeds = Gradients.Seeds(outputs, gradOutputs)
        let retain = if retainGraph.HasValue then retainGraph.Value else createGraph
        let grads = Backward.run outputs seeds inputs retain createGraph
        inputs |> Array.mapi (fun i t ->
            match grads.TryGetValue t with
            | true, g -> g
            | _ when allowUnused -> null
            | _ -> raise (InvalidOperationException(sprintf "One of the differentiated Tensors (input %d) appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior." i)))

    /// Gradient of one output with respect to one input.
    static member Grad(output: Tensor, input: Tensor,
                       [<Optional; DefaultParameterValue(null: Tensor)>] gradOutput: Tensor,
                       [<Optional; DefaultParameterValue(Nullable<bool>())>] retainGraph: Nullable<bool>,
                       [<Optional; DefaultParameterValue(false)>] createGraph: bool,
                       [<Optional; DefaultParameterValue(false)>] allowUnused: bool) : Tensor[] =
        Gradients.Grad([| output |], [| input |], (if isNull gradOutput then null else [| gradOutput |]), retainGraph, createGraph, allowUnused)

    static member internal Seeds(outputs: Tensor[], gradOutputs: Tensor[]) =
        outputs |> Array.mapi (fun i y ->
            if not y.RequiresGrad then
                raise (InvalidOperationException(sprintf "element %d of tensors does not require grad and does not have a grad_fn" i))
            let given = if isNull gradOutputs then null else gradOutputs.[i]
            if isNull given then
                if y.NumEl <> 1 then raise (InvalidOperationException(sprintf "grad can be implicitly created only for scalar outputs (output %d has shape %s)" i (Shape.show y.shape)))
                Create.FullLike(y, 1.0)
            elif given.shape <> y.shape then
                raise (ArgumentException(sprintf "Mismatch in shape: grad_output[%d] has a shape of %s and output[%d] has a shape of %s." i (Shape.show given.shape) i (Shape.show y.shape)))
            else given)

    /// Applies a user-written differentiable function: forward runs without recording, and
    /// backward (output gradient → one gradient per input, null for none) becomes the node's rule.
    static member Apply(name: string, inputs: Tensor[], forward: Func<Tensor[], Tensor>, backward: Func<Tensor, Tensor[]>) =
        let out = GradMode.noGrad (fun () -> forward.Invoke(inputs |> Array.map (fun t -> t.Detach())))
        if isNull out then raise (InvalidOperationException(sprintf "%s.Forward returned null" name))
        let fn = { Name = name; Backward = fun g -> backward.Invoke g }
        Prim.Record(Custom fn, inputs, out.storage, out.shape, out.strides, out.offset)

/// Backward as a method on Tensor.
[<Extension; AbstractClass; Sealed>]
type BackwardExtensions =
    /// Accumulates d(this)/d(leaf) into the .Grad of every leaf that requires grad. A scalar
    /// needs no gradient argument; a non-scalar needs one of its shape.
    [<Extension>]
    static member Backward(y: Tensor, [<Optional; DefaultParameterValue(null: Tensor)>] gradient: Tensor,
                           [<Optional; DefaultParameterValue(false)>] retainGraph: bool,
                           [<Optional; DefaultParameterValue(false)>] createGraph: bool) =
        let seeds = Gradients.Seeds([| y |], (if isNull gradient then null else [| gradient |]))
        let before = Storage.LatestSerial
        let grads = Backward.run [| y |] seeds null (retainGraph || createGraph) createGraph
        // .Grad gets storage of its own: a rule may hand the same tensor (or the caller's
        // gradient) to several inputs, and optimizers update .Grad in place. A gradient that
        // this pass computed into a storage of its own already is one, and is kept without a
        // copy (as PyTorch's AccumulateGrad steals a gradient nothing else refers to).
        let holders = grads.Values |> Seq.countBy (fun g -> g.storage) |> dict
        let owned (g: Tensor) =
            g.storage.Serial > before && holders.[g.storage] = 1 && g.offset = 0 && g.IsContiguous && g.storage.Length = g.NumEl
        for KeyValue(t, g) in grads do
            if t.IsLeaf && t.RequiresGrad then
                t.Grad <-
                    if createGraph then (if isNull t.Grad then g else t.Grad + g)
                    else GradMode.noGrad (fun () -> if not (isNull t.Grad) then t.Grad + g elif owned g then g.Detach() else Prim.Clone(g.Detach()))
