namespace Hybrid

open System

/// The one boundary where values change: in-place writes for the C# API (Add_, Zero_, ...)
/// and optimizers. Each write bumps the storage version, so a backward pass that saved the
/// old values fails instead of computing with the new ones.
[<AbstractClass; Sealed>]
type InPlace =
    /// Writes `value` (broadcast to x's shape, converted to x's dtype) into x's elements.
    static member Write(x: Tensor, value: Tensor, op: string) =
        if GradMode.isEnabled () && x.RequiresGrad then
            if x.IsLeaf then
                raise (InvalidOperationException(sprintf "%s: a leaf Variable that requires grad is being used in an in-place operation. Wrap it in Torch.NoGrad() (as optimizers do)." op))
            else
                raise (InvalidOperationException(sprintf "%s: in-place operations on tensors recorded in the autograd graph (made by %s) are not supported; use the out-of-place op" op x.GradFn.Name))
        Prim.SameDevice(op, [| x; value |])
        let shape = Shape.broadcast op x.shape value.shape
        if shape <> x.shape then
            raise (ArgumentException(sprintf "%s: output with shape %s doesn't match the broadcast shape %s" op (Shape.show x.shape) (Shape.show shape)))
        x.backend.CopyInto(x.strided, Prim.Broadcast(value, x.shape))
        x.storage.MarkWritten op
        x

    /// x ← f(x) computed out of place without recording, then written back.
    static member Update(x: Tensor, op: string, f: Func<Tensor, Tensor>) =
        let value = GradMode.noGrad (fun () -> f.Invoke(x.Detach()))
        InPlace.Write(x, value, op)
