namespace Hybrid

open System
open System.Runtime.CompilerServices

/// Gather/scatter along a dim, index-select/add, one-hot.
[<Extension; AbstractClass; Sealed>]
type IndexingExtensions =
    static member private CheckIndex(op: string, x: Tensor, dim: int, index: Tensor) =
        Prim.SameDevice(op, [| x; index |])
        if index.DType <> DType.Int64 then
            Prim.Fail(sprintf "%s(): Expected dtype int64 for index, but got %s" op (index.DType.TorchName()))
        if index.Dim <> x.Dim then
            Prim.Fail(sprintf "%s(): Index tensor must have the same number of dimensions as input tensor (index %s, input %s)" op (Shape.show index.shape) (Shape.show x.shape))
        let d = Shape.normDim op x.Dim dim
        for k in 0 .. x.Dim - 1 do
            if k <> d && index.shape.[k] > x.shape.[k] then
                Prim.Fail(sprintf "%s(): Size does not match at dimension %d expected index %s to be smaller than self %s apart from dimension %d" op k (Shape.show index.shape) (Shape.show x.shape) d)
        d

    /// out[i][j] = x[index[i][j]][j] (dim 0), and so on.
    [<Extension>]
    static member Gather(x: Tensor, dim: int, index: Tensor) =
        let d = IndexingExtensions.CheckIndex("gather", x, dim, index)
        Prim.Result(Gather d, [| x; index |], x.backend.Gather(x.strided, d, index.strided), index.Shape)

    static member private ScatterImpl(op: string, x: Tensor, dim: int, index: Tensor, src: Tensor, accumulate: bool) =
        let d = IndexingExtensions.CheckIndex(op, x, dim, index)
        Prim.SameDevice(op, [| x; src |])
        let src = Prim.Cast(src, x.DType)
        let srcView =
            if src.Dim = 0 then Prim.Expand(src, index.shape)
            elif src.shape = index.shape then src
            else Prim.Fail(sprintf "%s(): Expected src %s to have the shape of index %s" op (Shape.show src.shape) (Shape.show index.shape))
        let storage = x.backend.Scatter(x.strided, d, index.strided, srcView.strided, accumulate)
        Prim.Result((if accumulate then ScatterAdd d else Scatter d), [| x; index; srcView |], storage, x.Shape)

    /// A copy of x with src written at the positions index names along dim.
    [<Extension>]
    static member Scatter(x: Tensor, dim: int, index: Tensor, src: Tensor) = IndexingExtensions.ScatterImpl("scatter", x, dim, index, src, false)
    /// A copy of x with value written at the positions index names along dim.
    [<Extension>]
    static member Scatter(x: Tensor, dim: int, index: Tensor, value: float) = IndexingExtensions.ScatterImpl("scatter", x, dim, index, Prim.Scalar(value, x), false)
    /// A copy of x with src added at the positions index names along dim (repeats accumulate).
    [<Extension>]
    static member ScatterAdd(x: Tensor, dim: int, index: Tensor, src: Tensor) = IndexingExtensions.ScatterImpl("scatter_add", x, dim, index, src, true)

    /// The slices at the positions of a 1-D index along dim.
    [<Extension>] static member IndexSelect(x: Tensor, dim: int, index: Tensor) = Prim.IndexSelect(x, dim, index)

    /// A copy of x with the slices of src added at the positions of a 1-D index along dim.
    [<Extension>]
    static member IndexAdd(x: Tensor, dim: int, index: Tensor, src: Tensor) =
        Prim.SameDevice("index_add", [| x; index; src |])
        if index.DType <> DType.Int64 || index.Dim <> 1 then
            Prim.Fail(sprintf "index_add(): Index is supposed to be a vector of dtype int64, got %s of shape %s" (index.DType.TorchName()) (Shape.show index.shape))
        let d = Shape.normDim "index_add" x.Dim dim
        let expected = Array.copy x.shape
        expected.[d] <- index.NumEl
        if src.shape <> expected then
            Prim.Fail(sprintf "index_add(): source %s should have shape %s" (Shape.show src.shape) (Shape.show expected))
        let src = Prim.Cast(src, x.DType)
        Prim.Result(IndexAdd d, [| x; index; src |], x.backend.IndexAdd(x.strided, d, index.strided, src.strided), x.Shape)

    /// The positions of the nonzero (true) elements, one row of Dim coordinates each, in
    /// row-major order: (count, Dim) Int64, as torch.nonzero. The count is data-dependent, so
    /// this reads the positions back from the device.
    [<Extension>]
    static member Nonzero(x: Tensor) =
        let mask = if x.DType = DType.Bool then x else x.Ne(0.0)
        let flat = Prim.NonZeroFlat(mask).ToArray<int64>()
        let strides = Layout.ContiguousStrides x.shape
        let coords = Array.zeroCreate<int64> (flat.Length * x.Dim)
        flat |> Array.iteri (fun k position ->
            for d in 0 .. x.Dim - 1 do
                coords.[k * x.Dim + d] <- position / int64 strides.[d] % int64 x.shape.[d])
        Create.FromArray(coords, [| flat.Length; x.Dim |], false, Nullable x.Device)

    /// One-hot encoding of Int64 class indices: shape (..., numClasses), Int64.
    [<Extension>]
    static member OneHot(index: Tensor, numClasses: int) =
        if index.DType <> DType.Int64 then Prim.Fail(sprintf "one_hot is only applicable to index tensor of dtype int64, got %s" (index.DType.TorchName()))
        let numClasses =
            if numClasses >= 0 then numClasses
            elif index.NumEl = 0 then Prim.Fail "one_hot: Can not infer total number of classes from empty tensor."
            else int (index.Max().ToInt64()) + 1
        if index.NumEl > 0 && (index.Min().ToInt64() < 0L || index.Max().ToInt64() >= int64 numClasses) then
            Prim.Fail(sprintf "one_hot: Class values must be in [0, %d)" numClasses)
        let zeros = Create.Zeros(Array.append index.shape [| numClasses |], DType.Int64, index.Device)
        zeros.Scatter(-1, Prim.Unsqueeze(index, -1), 1.0)
