namespace Hybrid

open System
open System.Runtime.CompilerServices

/// Matrix products with PyTorch's matmul semantics (1-D, 2-D, batched with broadcasting).
[<Extension; AbstractClass; Sealed>]
type MatMulExtensions =
    /// Matrix product: 1-D·1-D is a dot product, a 1-D operand is treated as a row (left) or
    /// column (right) vector and its dim removed, leading dims broadcast as batches.
    [<Extension>]
    static member MatMul(a: Tensor, b: Tensor) =
        Prim.SameDevice("matmul", [| a; b |])
        let cannot () =
            Prim.Fail(sprintf "matmul: shapes (%s) and (%s) cannot be multiplied" (Shape.showX a.shape) (Shape.showX b.shape))
        if a.Dim = 0 || b.Dim = 0 then
            Prim.Fail(sprintf "matmul: both arguments to matmul need to be at least 1D, but they are %dD and %dD" a.Dim b.Dim)
        if a.DType <> b.DType then
            Prim.Fail(sprintf "matmul: expected both operands to have the same dtype, but got %s and %s" (a.DType.TorchName()) (b.DType.TorchName()))
        if not (a.DType.IsFloating()) then
            Prim.Fail(sprintf "matmul: not implemented for dtype %s; convert to Float32 or Float64" (a.DType.TorchName()))
        let a2 = if a.Dim = 1 then Prim.Unsqueeze(a, 0) else a
        let b2 = if b.Dim = 1 then Prim.Unsqueeze(b, 1) else b
        let m, k = a2.shape.[a2.Dim - 2], a2.shape.[a2.Dim - 1]
        let k2, n = b2.shape.[b2.Dim - 2], b2.shape.[b2.Dim - 1]
        if k <> k2 then cannot ()
        let batch = Shape.broadcast "matmul" a2.shape.[.. a2.Dim - 3] b2.shape.[.. b2.Dim - 3]
        let ae = Prim.Expand(a2, Array.append batch [| m; k |])
        let be = Prim.Expand(b2, Array.append batch [| k; n |])
        let storage = a.backend.MatMul(ae.strided, be.strided)
        let r = Prim.Result(MatMul(batch.Length > 0), [| ae; be |], storage, Array.append batch [| m; n |])
        let r = if b.Dim = 1 then Prim.Squeeze(r, -1) else r
        if a.Dim = 1 then Prim.Squeeze(r, (if b.Dim = 1 then -1 else -2)) else r

    /// Dot product of two 1-D tensors.
    [<Extension>]
    static member Dot(a: Tensor, b: Tensor) =
        if a.Dim <> 1 || b.Dim <> 1 then Prim.Fail(sprintf "dot: 1D tensors expected, but got %dD and %dD tensors" a.Dim b.Dim)
        a.MatMul b

    /// 2-D matrix product (no broadcasting).
    [<Extension>]
    static member Mm(a: Tensor, b: Tensor) =
        if a.Dim <> 2 || b.Dim <> 2 then Prim.Fail(sprintf "mm: expected 2D tensors, got %dD and %dD" a.Dim b.Dim)
        a.MatMul b

    /// Batched 3-D matrix product (no broadcasting).
    [<Extension>]
    static member Bmm(a: Tensor, b: Tensor) =
        if a.Dim <> 3 || b.Dim <> 3 then Prim.Fail(sprintf "bmm: expected 3D tensors, got %dD and %dD" a.Dim b.Dim)
        if a.shape.[0] <> b.shape.[0] then Prim.Fail(sprintf "bmm: batch sizes differ: %s and %s" (Shape.show a.shape) (Shape.show b.shape))
        a.MatMul b
