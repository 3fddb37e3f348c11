namespace Hybrid

open System
open System.Runtime.InteropServices

/// A tensor: an immutable view (storage, shape, strides, offset) plus, when a differentiable
/// op made it under grad mode, the Node that remembers that op and its inputs.
/// Values never change except through the explicit in-place ops of the C# API, which bump
/// the storage's version so backward can refuse stale saved values.
[<AllowNullLiteral>]
type Tensor internal (storage: Storage, shape: int[], strides: int[], offset: int, node: Node, leafRequiresGrad: bool) =
    let mutable requiresGrad = leafRequiresGrad && isNull node
    let mutable grad: Tensor = null
    // Forward-mode tangents, one per open jvp level that perturbs this value.
    let mutable perturbations: struct (int * Tensor) list = []

    member internal _.storage = storage
    member internal _.shape = shape
    member internal _.strides = strides
    member internal _.offset = offset
    member internal _.node = node
    member internal _.strided = Strided(storage, shape, strides, offset)
    member internal _.backend = Backends.For storage.Device
    member internal _.tangents with get () = perturbations and set v = perturbations <- v

    /// The JVP column of the derivative table (installed by Derivatives.fs, which comes later in
    /// compilation order): (op, inputs, output, input tangents or null) → output tangent or null.
    static member val internal JvpRule: Func<Op, Tensor[], Tensor, Tensor[], Tensor> = null with get, set

    /// Size of each dimension (a copy).
    member _.Shape = Array.copy shape
    /// Step in elements between neighbours along each dimension (PyTorch's stride()).
    member _.Stride() = Array.copy strides
    /// Number of dimensions.
    member _.Dim = shape.Length
    /// Number of elements.
    member _.NumEl = Layout.Count shape
    /// Element type.
    member _.DType = storage.DType
    /// Where the elements live.
    member _.Device = storage.Device
    /// True when the elements are laid out row-major without gaps.
    member _.IsContiguous = Layout.IsContiguous(shape, strides)
    /// True for tensors no differentiable op made (inputs and parameters).
    member _.IsLeaf = isNull node
    /// The node that made this tensor (PyTorch's grad_fn), or null for a leaf.
    member _.GradFn = node

    /// Whether gradients flow to this tensor. Settable on leaves only, as in PyTorch.
    member _.RequiresGrad
        with get () = requiresGrad || not (isNull node)
        and set (value: bool) =
            if not (isNull node) then
                raise (InvalidOperationException "you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().")
            if value && not (storage.DType.IsFloating()) then
                raise (InvalidOperationException(sprintf "only Tensors of floating point dtype can require gradients (got %s)" (storage.DType.TorchName())))
            requiresGrad <- value

    /// The gradient accumulated by Backward on a leaf (null until then).
    member _.Grad
        with get () = grad
        and set (value: Tensor) =
            if not (isNull value) && value.shape <> shape then
                raise (ArgumentException(sprintf "assigned grad has data of a different size: %s, expected %s" (Shape.show value.shape) (Shape.show shape)))
            grad <- value

    /// The elements, row-major, as a new array (PyTorch's .numpy() / .tolist()).
    member _.ToArray<'T>() : 'T[] =
        let expected = storage.DType.ClrType()
        if typeof<'T> <> expected then
            raise (InvalidOperationException(sprintf "ToArray<%s>: the tensor's dtype is %s; convert with To(DType) first" typeof<'T>.Name (storage.DType.TorchName())))
        Backends.For(storage.Device).ToArray(Strided(storage, shape, strides, offset)) :?> 'T[]

    /// PyTorch's repr: tensor([...], dtype=..., grad_fn=<MulBackward0>).
    override this.ToString() =
        let data = Backends.For(storage.Device).ToArray(Strided(storage, shape, strides, offset))
        let extras =
            [ if storage.Device <> Device.Cpu then yield sprintf "device='%O'" storage.Device
              if not (isNull node) then yield sprintf "grad_fn=<%s>" node.Name
              elif requiresGrad then yield "requires_grad=True" ]
        Format.tensor shape storage.DType data extras

    // ---- operators (C# and F#); scalars on either side ----
    static member (+) (a: Tensor, b: Tensor) = Prim.Binary("add", BinaryOp.Add, Add, a, b)
    static member (-) (a: Tensor, b: Tensor) = Prim.Binary("sub", BinaryOp.Sub, Sub, a, b)
    static member (*) (a: Tensor, b: Tensor) = Prim.Binary("mul", BinaryOp.Mul, Mul, a, b)
    static member (/) (a: Tensor, b: Tensor) = Prim.Binary("div", BinaryOp.Div, Div, a, b)
    static member (~-) (a: Tensor) = Prim.Unary("neg", UnaryOp.Neg, Neg, a)
    static member (+) (a: Tensor, b: float) = a + Prim.Scalar(b, a)
    static member (-) (a: Tensor, b: float) = a - Prim.Scalar(b, a)
    static member (*) (a: Tensor, b: float) = a * Prim.Scalar(b, a)
    static member (/) (a: Tensor, b: float) = a / Prim.Scalar(b, a)
    static member (+) (a: float, b: Tensor) = Prim.Scalar(a, b) + b
    static member (-) (a: float, b: Tensor) = Prim.Scalar(a, b) - b
    static member (*) (a: float, b: Tensor) = Prim.Scalar(a, b) * b
    static member (/) (a: float, b: Tensor) = Prim.Scalar(a, b) / b
    static member (+) (a: Tensor, b: float32) = a + Prim.Scalar(float b, a)
    static member (-) (a: Tensor, b: float32) = a - Prim.Scalar(float b, a)
    static member (*) (a: Tensor, b: float32) = a * Prim.Scalar(float b, a)
    static member (/) (a: Tensor, b: float32) = a / Prim.Scalar(float b, a)
    static member (+) (a: float32, b: Tensor) = Prim.Scalar(float a, b) + b
    static member (-) (a: float32, b: Tensor) = Prim.Scalar(float a, b) - b
    static member (*) (a: float32, b: Tensor) = Prim.Scalar(float a, b) * b
    static member (/) (a: float32, b: Tensor) = Prim.Scalar(float a, b) / b
    static member (+) (a: Tensor, b: int) = a + Prim.Scalar(float b, a)
    static member (-) (a: Tensor, b: int) = a - Prim.Scalar(float b, a)
    static member (*) (a: Tensor, b: int) = a * Prim.Scalar(float b, a)
    static member (/) (a: Tensor, b: int) = a / Prim.Scalar(float b, a)
    static member (+) (a: int, b: Tensor) = Prim.Scalar(float a, b) + b
    static member (-) (a: int, b: Tensor) = Prim.Scalar(float a, b) - b
    static member (*) (a: int, b: Tensor) = Prim.Scalar(float a, b) * b
    static member (/) (a: int, b: Tensor) = Prim.Scalar(float a, b) / b
    // Comparisons for C#: x > 0 is a Bool tensor, as in PyTorch. (F#'s own <, > compare values
    // generically, so F# code writes x.Gt 0.0; == stays reference equality in C#.)
    static member op_GreaterThan(a: Tensor, b: Tensor) = Prim.Compare("gt", CompareOp.Gt, a, b)
    static member op_LessThan(a: Tensor, b: Tensor) = Prim.Compare("lt", CompareOp.Lt, a, b)
    static member op_GreaterThanOrEqual(a: Tensor, b: Tensor) = Prim.Compare("ge", CompareOp.Ge, a, b)
    static member op_LessThanOrEqual(a: Tensor, b: Tensor) = Prim.Compare("le", CompareOp.Le, a, b)
    static member op_GreaterThan(a: Tensor, b: float) = Prim.Compare("gt", CompareOp.Gt, a, Prim.Scalar(b, a))
    static member op_LessThan(a: Tensor, b: float) = Prim.Compare("lt", CompareOp.Lt, a, Prim.Scalar(b, a))
    static member op_GreaterThanOrEqual(a: Tensor, b: float) = Prim.Compare("ge", CompareOp.Ge, a, Prim.Scalar(b, a))
    static member op_LessThanOrEqual(a: Tensor, b: float) = Prim.Compare("le", CompareOp.Le, a, Prim.Scalar(b, a))
    static member op_GreaterThan(a: float, b: Tensor) = Prim.Compare("gt", CompareOp.Gt, Prim.Scalar(a, b), b)
    static member op_LessThan(a: float, b: Tensor) = Prim.Compare("lt", CompareOp.Lt, Prim.Scalar(a, b), b)
    static member op_GreaterThanOrEqual(a: float, b: Tensor) = Prim.Compare("ge", CompareOp.Ge, Prim.Scalar(a, b), b)
    static member op_LessThanOrEqual(a: float, b: Tensor) = Prim.Compare("le", CompareOp.Le, Prim.Scalar(a, b), b)

    /// Transpose of a matrix (all dims reversed, as numpy's .T).
    member this.T = Prim.Permute(this, Array.init shape.Length (fun i -> shape.Length - 1 - i))

    /// Indexing as in PyTorch: integers, ^from-end, ranges (clamped like Python slices),
    /// one Int64 index tensor, or a Bool mask over leading dims.
    member this.Item with get (i0: TensorIndex) = Prim.Index(this, [| i0 |])
    member this.Item with get (i0: TensorIndex, i1: TensorIndex) = Prim.Index(this, [| i0; i1 |])
    member this.Item with get (i0: TensorIndex, i1: TensorIndex, i2: TensorIndex) = Prim.Index(this, [| i0; i1; i2 |])
    member this.Item with get (i0: TensorIndex, i1: TensorIndex, i2: TensorIndex, i3: TensorIndex) = Prim.Index(this, [| i0; i1; i2; i3 |])

    /// F# slicing, inclusive as F# slices are: x.[1..2], x.[0, 1..], x.[.., 2].
    member this.GetSlice(s0: int option, e0: int option) = Prim.Index(this, [| TensorIndex.Span(s0, e0) |])
    member this.GetSlice(s0: int option, e0: int option, s1: int option, e1: int option) =
        Prim.Index(this, [| TensorIndex.Span(s0, e0); TensorIndex.Span(s1, e1) |])
    member this.GetSlice(i0: int, s1: int option, e1: int option) = Prim.Index(this, [| TensorIndex.op_Implicit i0; TensorIndex.Span(s1, e1) |])
    member this.GetSlice(s0: int option, e0: int option, i1: int) = Prim.Index(this, [| TensorIndex.Span(s0, e0); TensorIndex.op_Implicit i1 |])


/// One recorded application of an op: its inputs, and the storage versions they had when
/// recorded (so backward can detect in-place writes to values its rule reads).
and [<AllowNullLiteral>] Node internal (op: Op, inputs: Tensor[], inputVersions: int[]) =
    let mutable released = false
    let mutable outputVersion = 0

    /// The op.
    member _.Op = op
    /// The op's operands, in order.
    member _.Inputs = inputs
    member internal _.InputVersions = inputVersions
    member internal _.OutputVersion with get () = outputVersion and set v = outputVersion <- v
    /// True once a backward pass without retainGraph has consumed this node.
    member _.Released with get () = released and internal set v = released <- v
    /// PyTorch's name, e.g. "MulBackward0".
    member _.Name = op.BackwardName
    override _.ToString() = op.BackwardName

/// A user-written differentiable function (Autograd.Function in C#, a record in F#):
/// Backward maps the output gradient to one gradient per input (null where none).
and CustomFunction =
    { Name: string
      Backward: Tensor -> Tensor[] }

/// Every differentiable primitive, with its static arguments. The derivative of each case
/// lives in Derivatives.fs; composite ops (var, conv2d, cross-entropy, ...) are built from these.
and Op =
    // elementwise, broadcasting
    | Add | Sub | Mul | Div | Pow | Maximum | Minimum
    | Where                                           // inputs: cond, a, b
    // elementwise, one operand
    | Neg | Exp | Log | Log1p | Sqrt | Rsqrt | Abs | Sign | Sin | Cos | Tanh | Sigmoid | Erf
    | Floor | Ceil | Round | Trunc                    // piecewise constant: zero derivative
    | Relu | Gelu | Silu
    | ReluGrad                                        // inputs: g, x: g where x > 0, else 0
    | LeakyRelu of slope: float
    | Elu of alpha: float
    | Softplus of beta: float * threshold: float
    | Clamp of min: float * max: float
    | Cast of DType
    | Clone
    // views
    | Reshape of shape: int[]
    | Permute of perm: int[]
    | Expand of shape: int[]
    | Narrow of dim: int * start: int * length: int
    | Pad of before: int[] * after: int[] * value: float
    // reductions
    | Sum of dims: int[] * keepdim: bool
    | Mean of dims: int[] * keepdim: bool
    | Prod of dim: int option * keepdim: bool
    | Extremum of isMax: bool                         // over all elements
    | ExtremumDim of isMax: bool * dim: int * keepdim: bool * indices: Tensor
    | Softmax of dim: int
    | LogSoftmax of dim: int
    | CumSum of dim: int                              // running sums along dim
    // linear algebra, joining, indexing
    | MatMul of batched: bool
    | Cat of dim: int * sizes: int[]
    | Gather of dim: int                              // inputs: x, index
    | Scatter of dim: int                             // inputs: x, index, src
    | ScatterAdd of dim: int                          // inputs: x, index, src
    | IndexSelect of dim: int                         // inputs: x, index
    | IndexAdd of dim: int                            // inputs: x, index, src
    | Unfold of window: Window2d
    | Fold of window: Window2d * channels: int * height: int * width: int
    | Conv2d of window: Window2d * groups: int        // inputs: x, w
    | Conv2dInputGrad of window: Window2d * groups: int * height: int * width: int  // inputs: g, w
    | Conv2dWeightGrad of window: Window2d * groups: int  // inputs: x, g
    | MaxPool2d of window: Window2d * indices: Tensor   // indices: each output's position in its image plane
    | AvgPool2d of window: Window2d                   // count_include_pad: every window divides by kh·kw
    | AvgPool2dBackward of window: Window2d * height: int * width: int  // its adjoint, (N, C, height, width)
    // fused losses
    | BceWithLogits                                   // inputs: logits, target (unreduced)
    // special functions (elementwise)
    | Lgamma | Digamma | Erfinv
    | Polygamma of n: int                             // n ≥ 1 (n = 0 is Digamma)
    // torch.linalg, batched over leading dims. Ops with several results (QR, SVD, eigh) are
    // one node whose output packs them flat along the last dim, read back through views
    // (see Linalg.fs): a node has a single output, and the views route gradients into it.
    | LinalgInv
    | LinalgDet
    | LinalgSlogDet                                   // the log |det| result; the sign is constant
    | LinalgSolve                                     // inputs: A (…, n, n), B (…, n, k)
    | LinalgCholesky                                  // lower factor
    | LinalgQr                                        // packed (…, m·k + k·n): Q then R, k = min(m, n)
    | LinalgSvd                                       // packed (…, k + m·k + k·n): S, U, Vh
    | LinalgEigh                                      // packed (…, n + n·n): eigenvalues, eigenvectors
    | Custom of CustomFunction

    /// PyTorch's name of the node that records this op (grad_fn), e.g. "MulBackward0".
    member op.BackwardName =
        match op with
        | Custom f -> f.Name + "Backward"
        | Reshape _ -> "ViewBackward0"
        | Extremum true | ExtremumDim(isMax = true) -> "MaxBackward0"
        | Extremum false | ExtremumDim(isMax = false) -> "MinBackward0"
        | Cast _ -> "ToCopyBackward0"
        | Narrow _ -> "SliceBackward0"
        | Pad _ -> "ConstantPadNdBackward0"
        | Sum _ -> "SumBackward0"
        | Mean _ -> "MeanBackward0"
        | Prod _ -> "ProdBackward0"
        | Softmax _ -> "SoftmaxBackward0"
        | LogSoftmax _ -> "LogSoftmaxBackward0"
        | CumSum _ -> "CumsumBackward0"
        | BceWithLogits -> "BinaryCrossEntropyWithLogitsBackward0"
        | MatMul false -> "MmBackward0"
        | MatMul true -> "BmmBackward0"
        | Unfold _ -> "Im2ColBackward0"
        | Fold _ -> "Col2ImBackward0"
        | ReluGrad -> "ThresholdBackwardBackward0"
        | Conv2d _ -> "ConvolutionBackward0"
        | Conv2dInputGrad _ | Conv2dWeightGrad _ -> "ConvolutionBackwardBackward0"
        | MaxPool2d _ -> "MaxPool2DWithIndicesBackward0"
        | AvgPool2d _ -> "AvgPool2DBackward0"
        | AvgPool2dBackward _ -> "AvgPool2DBackwardBackward0"
        | LeakyRelu _ -> "LeakyReluBackward0"
        | Elu _ -> "EluBackward0"
        | Softplus _ -> "SoftplusBackward0"
        | Clamp _ -> "ClampBackward0"
        | Permute _ -> "PermuteBackward0"
        | Expand _ -> "ExpandBackward0"
        | Gather _ -> "GatherBackward0"
        | Scatter _ -> "ScatterBackward0"
        | ScatterAdd _ -> "ScatterAddBackward0"
        | IndexSelect _ -> "IndexSelectBackward0"
        | IndexAdd _ -> "IndexAddBackward0"
        | Cat _ -> "CatBackward0"
        | Polygamma _ -> "PolygammaBackward0"
        | LinalgInv -> "LinalgInvExBackward0"
        | LinalgDet -> "LinalgDetBackward0"
        | LinalgSlogDet -> "LinalgSlogdetBackward0"
        | LinalgSolve -> "LinalgSolveExBackward0"
        | LinalgCholesky -> "LinalgCholeskyExBackward0"
        | LinalgQr -> "LinalgQrBackward0"
        | LinalgSvd -> "LinalgSvdBackward0"
        | LinalgEigh -> "LinalgEighBackward0"
        | simple -> (sprintf "%A" simple) + "Backward0"

    /// Whether the rule reads the values of input `i` (linear ops need only shapes), so an
    /// in-place write to that input after recording must make backward fail.
    member op.ReadsInput(i: int) =
        match op with
        | Add | Sub | Neg | Cast _ | Clone | Reshape _ | Permute _ | Expand _ | Narrow _ | Pad _
        | Sum _ | Mean _ | CumSum _ | Cat _ | Unfold _ | Fold _ | AvgPool2d _ | AvgPool2dBackward _ | Exp | Sqrt | Rsqrt | Tanh | Sigmoid | Softmax _ | LogSoftmax _ -> false
        | Gather _ | IndexSelect _ | Scatter _ | ScatterAdd _ | IndexAdd _ -> i = 1
        | Erfinv | LinalgInv | LinalgCholesky | LinalgSvd | LinalgEigh -> false
        | LinalgSolve -> i = 0
        | _ -> true

    /// Whether the rule reads the op's own output.
    member op.ReadsOutput =
        match op with
        | Exp | Sqrt | Rsqrt | Tanh | Sigmoid | Softmax _ | LogSoftmax _ | Elu _ | Pow | Prod _ | Extremum _ -> true
        | Erfinv | LinalgInv | LinalgDet | LinalgSolve | LinalgCholesky | LinalgQr | LinalgSvd | LinalgEigh -> true
        | _ -> false

/// One index of C#'s indexer: an integer, a System.Index (^1), a System.Range (1..3, ..),
/// an Int64 index tensor or a Bool mask.
and [<Sealed; AllowNullLiteral>] TensorIndex private (kind: int, index: Index, range: Range, tensor: Tensor, raw: int) =
    private new(kind, index, range, tensor) = TensorIndex(kind, index, range, tensor, 0)
    member internal _.Kind = kind
    /// The integer as written (for messages: −3 rather than ^3).
    member internal _.Raw = raw
    member internal _.Index = index
    member internal _.Range = range
    member internal _.Tensor = tensor
    static member op_Implicit(i: int) = TensorIndex(0, (if i >= 0 then Index(i) else Index(-i, true)), Range.All, null, i)
    static member op_Implicit(i: Index) = TensorIndex(0, i, Range.All, null, (if i.IsFromEnd then -i.Value else i.Value))
    static member op_Implicit(r: Range) = TensorIndex(1, Index.Start, r, null)
    static member op_Implicit(t: Tensor) = TensorIndex(2, Index.Start, Range.All, t)
    /// Every element along a dim (Python's `:`).
    static member All = TensorIndex(1, Index.Start, Range.All, null)
    /// The slice start..end-1 (F# callers; C# uses ranges).
    static member Slice(start: int, stop: int) = TensorIndex(1, Index.Start, Range(Index(start), Index(stop)), null)
    /// An F# slice bound pair, end inclusive; None is open.
    static member internal Span(start: int option, finish: int option) =
        let first = match start with Some s -> Index(s) | None -> Index.Start
        let last = match finish with Some e -> Index(e + 1) | None -> Index.End
        TensorIndex(1, Index.Start, Range(first, last), null)

/// The primitive machinery every op goes through: validate, compute through the backend,
/// record a Node when grad mode is on and an input requires grad. Views live here too,
/// since the operators and the indexer above need them.
and [<AbstractClass; Sealed>] internal Prim =
    static member Fail(msg: string) : 'a = raise (ArgumentException msg)

    /// Every tensor must live on one device; names the op and both devices otherwise.
    static member SameDevice(op: string, tensors: Tensor[]) =
        let d = tensors.[0].storage.Device
        for t in tensors do
            if t.storage.Device <> d then
                raise (InvalidOperationException(sprintf "Expected all tensors to be on the same device, but found at least two devices, %O and %O! (when checking arguments for %s)" d t.storage.Device op))

    /// The result of an op: records the node when grad mode is on and an input requires grad.
    static member Record(op: Op, inputs: Tensor[], storage: Storage, shape: int[], strides: int[], offset: int) =
        let mutable track = storage.DType.IsFloating() && GradMode.isEnabled ()
        if track then
            track <- false
            for t in inputs do
                if t.RequiresGrad then track <- true
        let out =
            if track then
                let node = Node(op, inputs, inputs |> Array.map (fun t -> t.storage.Version))
                node.OutputVersion <- storage.Version
                Tensor(storage, shape, strides, offset, node, false)
            else Tensor(storage, shape, strides, offset, null, false)
        let mutable perturbed = false
        for t in inputs do
            if not t.tangents.IsEmpty then perturbed <- true
        if perturbed && storage.DType.IsFloating() then Prim.PushTangents(op, inputs, out)
        out

    /// Forward mode: the output's tangent at every open level that perturbs an input, by the
    /// op's JVP rule. While a level's tangent is computed that level is frozen, so the rule's
    /// own ops treat its values as constants (no perturbation confusion).
    static member private PushTangents(op: Op, inputs: Tensor[], out: Tensor) =
        let levels =
            inputs |> Seq.collect (fun t -> t.tangents |> Seq.map (fun struct (l, _) -> l))
            |> Seq.distinct |> Seq.filter (fun l -> not (ForwardLevels.isFrozen l)) |> Seq.toArray
        for level in levels do
            let dx = inputs |> Array.map (fun t -> t.tangents |> List.tryPick (fun struct (l, d) -> if l = level then Some d else None) |> Option.toObj)
            let dout = ForwardLevels.frozen level (fun () -> Tensor.JvpRule.Invoke(op, inputs, out, dx))
            if not (isNull dout) then out.tangents <- struct (level, dout) :: out.tangents

    /// A fresh contiguous result.
    static member Result(op: Op, inputs: Tensor[], storage: Storage, shape: int[]) =
        Prim.Record(op, inputs, storage, shape, Layout.ContiguousStrides shape, 0)

    /// A tensor of fresh contiguous storage, no history.
    static member Plain(storage: Storage, shape: int[]) =
        Tensor(storage, shape, Layout.ContiguousStrides shape, 0, null, false)

    /// A 0-d tensor holding a scalar operand of `like`: same dtype within its category,
    /// as PyTorch treats Python numbers (x_float32 * 2.5 stays float32; x_int * 2.5 is float32).
    static member Scalar(value: float, like: Tensor) =
        let dtype =
            if like.DType.IsFloating() then like.DType
            elif Math.Round value = value && not (Double.IsInfinity value) then (if like.DType = DType.Bool then DType.Int64 else like.DType)
            else DType.Float32
        Prim.Plain(like.backend.Full(dtype, 1, value), [||])

    /// The dtype a binary op computes in: a 0-d operand does not promote within its category.
    static member ResultType(a: Tensor, b: Tensor) =
        let category (d: DType) = if d.IsFloating() then 2 elif d = DType.Bool then 0 else 1
        let ca, cb = category a.DType, category b.DType
        if a.Dim = 0 && b.Dim > 0 && ca <= cb then b.DType
        elif b.Dim = 0 && a.Dim > 0 && cb <= ca then a.DType
        else DTypes.Promote(a.DType, b.DType)

    /// Views `t` as the broadcast shape.
    static member Broadcast(t: Tensor, shape: int[]) =
        Strided(t.storage, shape, Shape.broadcastStrides t.shape t.strides shape, t.offset)

    /// An elementwise op of two broadcast operands.
    static member Binary(name: string, kop: BinaryOp, op: Op, a: Tensor, b: Tensor) =
        Prim.SameDevice(name, [| a; b |])
        let shape = Shape.broadcast name a.shape b.shape
        let dtype =
            match kop, Prim.ResultType(a, b) with
            | BinaryOp.Div, d when not (d.IsFloating()) -> DType.Float32
            | (BinaryOp.And | BinaryOp.Or), _ -> DType.Bool
            | _, DType.Bool when kop <> BinaryOp.Maximum && kop <> BinaryOp.Minimum ->
                Prim.Fail(sprintf "%s: not supported for Bool tensors; convert with To(DType) first" name)
            | _, d -> d
        let storage = a.backend.Binary(kop, Prim.Broadcast(a, shape), Prim.Broadcast(b, shape), dtype)
        Prim.Result(op, [| a; b |], storage, shape)

    /// An elementwise op of one operand; integer inputs are computed in float32 except for
    /// the ops that keep integers (neg, abs, sign, clamp).
    static member Unary(name: string, kop: UnaryOp, op: Op, x: Tensor, ?alpha: float, ?beta: float) =
        let keepsIntegers = kop = UnaryOp.Neg || kop = UnaryOp.Abs || kop = UnaryOp.Sign || kop = UnaryOp.Clamp
        if x.DType = DType.Bool then Prim.Fail(sprintf "%s: not supported for Bool tensors" name)
        let x = if x.DType.IsFloating() || keepsIntegers then x else Prim.Cast(x, DType.Float32)
        let storage = x.backend.Unary(kop, x.strided, defaultArg alpha 0.0, defaultArg beta 0.0)
        Prim.Result(op, [| x |], storage, x.shape)

    /// An elementwise comparison (never differentiable).
    static member Compare(name: string, kop: CompareOp, a: Tensor, b: Tensor) =
        Prim.SameDevice(name, [| a; b |])
        let shape = Shape.broadcast name a.shape b.shape
        Prim.Plain(a.backend.Compare(kop, Prim.Broadcast(a, shape), Prim.Broadcast(b, shape)), shape)

    /// The same values in another dtype (differentiable between floating dtypes).
    static member Cast(x: Tensor, dtype: DType) =
        if x.DType = dtype then x
        else
            let storage = x.backend.Copy(x.strided, dtype)
            if dtype.IsFloating() && x.DType.IsFloating() then Prim.Result(Cast dtype, [| x |], storage, x.shape)
            else Prim.Plain(storage, x.shape)

    /// A contiguous copy.
    static member Clone(x: Tensor) = Prim.Result(Clone, [| x |], x.backend.Copy(x.strided, x.DType), x.shape)

    /// x itself when contiguous, else a contiguous copy.
    static member Contiguous(x: Tensor) = if x.IsContiguous then x else Prim.Clone x

    // ---- views: O(1), sharing storage ----

    static member private View(op: Op, x: Tensor, shape: int[], strides: int[], offset: int) =
        Prim.Record(op, [| x |], x.storage, shape, strides, offset)

    /// Same elements, new shape; a view when the strides allow, else a copy.
    static member Reshape(x: Tensor, requested: int[]) =
        let target = Shape.infer "reshape" x.NumEl requested
        match Shape.viewStrides x.shape x.strides target with
        | Some st -> Prim.View(Reshape target, x, target, st, x.offset)
        | None ->
            let c = Prim.Clone x
            Prim.View(Reshape target, c, target, Layout.ContiguousStrides target, 0)

    /// Same elements, new shape, never a copy (PyTorch's view).
    static member ViewAs(x: Tensor, requested: int[]) =
        let target = Shape.infer "view" x.NumEl requested
        match Shape.viewStrides x.shape x.strides target with
        | Some st -> Prim.View(Reshape target, x, target, st, x.offset)
        | None -> Prim.Fail "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .Reshape(...) instead."

    /// Reorders dims: result dim i is input dim perm[i].
    static member Permute(x: Tensor, perm: int[]) =
        if perm.Length <> x.Dim then
            Prim.Fail(sprintf "permute: number of dims don't match in permute (input.dim() = %d, len(dims) = %d)" x.Dim perm.Length)
        let perm = perm |> Array.map (Shape.normDim "permute" x.Dim)
        if (Array.distinct perm).Length <> perm.Length then Prim.Fail(sprintf "permute: repeated dim in %s" (Shape.show perm))
        Prim.View(Permute perm, x, perm |> Array.map (fun p -> x.shape.[p]), perm |> Array.map (fun p -> x.strides.[p]), x.offset)

    /// Swaps two dims.
    static member Transpose(x: Tensor, d0: int, d1: int) =
        let d0, d1 = Shape.normDim "transpose" x.Dim d0, Shape.normDim "transpose" x.Dim d1
        let perm = Array.init x.Dim id
        perm.[d0] <- d1
        perm.[d1] <- d0
        Prim.Permute(x, perm)

    /// Repeats size-1 dims (and new leading dims) without copying; −1 keeps a size.
    static member Expand(x: Tensor, sizes: int[]) =
        if sizes.Length < x.Dim then
            Prim.Fail(sprintf "expand: the number of sizes provided (%d) must be greater or equal to the number of dimensions in the tensor (%d)" sizes.Length x.Dim)
        let lead = sizes.Length - x.Dim
        let shape = Array.zeroCreate sizes.Length
        let strides = Array.zeroCreate sizes.Length
        for i in 0 .. sizes.Length - 1 do
            let j = i - lead
            if j < 0 then
                if sizes.[i] < 0 then Prim.Fail(sprintf "expand: the expanded size of the tensor (%d) isn't allowed in a leading, non-existing dimension %d" sizes.[i] i)
                shape.[i] <- sizes.[i]
            else
                let target = if sizes.[i] = -1 then x.shape.[j] else sizes.[i]
                shape.[i] <- target
                if x.shape.[j] = target then strides.[i] <- x.strides.[j]
                elif x.shape.[j] = 1 then strides.[i] <- 0
                else
                    Prim.Fail(sprintf "expand: the expanded size of the tensor (%d) must match the existing size (%d) at non-singleton dimension %d.  Target sizes: %s.  Tensor sizes: %s" target x.shape.[j] i (Shape.show sizes) (Shape.show x.shape))
        if shape = x.shape then x else Prim.View(Expand shape, x, shape, strides, x.offset)

    /// The elements start .. start+length−1 along dim.
    static member Narrow(x: Tensor, dim: int, start: int, length: int) =
        if x.Dim = 0 then Prim.Fail "narrow: cannot be applied to a 0-dim tensor."
        let dim = Shape.normDim "narrow" x.Dim dim
        let size = x.shape.[dim]
        let start = if start < 0 then start + size else start
        if start < 0 || length < 0 || start + length > size then
            Prim.Fail(sprintf "narrow: start (%d) + length (%d) exceeds dimension size (%d) of dim %d" start length size dim)
        if start = 0 && length = size then x
        else
            let shape = Array.copy x.shape
            shape.[dim] <- length
            Prim.View(Narrow(dim, start, length), x, shape, x.strides, x.offset + start * x.strides.[dim])

    /// Drops dim `dim` (which must have size 1) by a view.
    static member private DropDim(x: Tensor, dim: int) =
        let shape = x.shape |> Array.removeAt dim
        Prim.View(Reshape shape, x, shape, x.strides |> Array.removeAt dim, x.offset)

    /// The sub-tensor at position `index` along dim (the dim disappears).
    static member Select(x: Tensor, dim: int, index: int) =
        if x.Dim = 0 then Prim.Fail "select: invalid index of a 0-dim tensor. Use Item() to convert a 0-dim tensor to a number"
        let dim = Shape.normDim "select" x.Dim dim
        let size = x.shape.[dim]
        if index < -size || index >= size then
            raise (IndexOutOfRangeException(sprintf "index %d is out of bounds for dimension %d with size %d" index dim size))
        let index = if index < 0 then index + size else index
        Prim.DropDim(Prim.Narrow(x, dim, index, 1), dim)

    /// Removes the given size-1 dim (a no-op when its size is not 1, as in PyTorch).
    static member Squeeze(x: Tensor, dim: int) =
        if x.Dim = 0 then x
        else
            let dim = Shape.normDim "squeeze" x.Dim dim
            if x.shape.[dim] = 1 then Prim.DropDim(x, dim) else x

    /// Removes every size-1 dim.
    static member Squeeze(x: Tensor) =
        let keep = [| for i in 0 .. x.Dim - 1 do if x.shape.[i] <> 1 then yield i |]
        if keep.Length = x.Dim then x
        else
            let shape = keep |> Array.map (fun i -> x.shape.[i])
            Prim.View(Reshape shape, x, shape, keep |> Array.map (fun i -> x.strides.[i]), x.offset)

    /// Inserts a size-1 dim at position `dim` (−1 appends).
    static member Unsqueeze(x: Tensor, dim: int) =
        let dim = Shape.normDim "unsqueeze" (x.Dim + 1) dim
        let shape = Array.insertAt dim 1 x.shape
        let stride = if dim < x.Dim then x.shape.[dim] * x.strides.[dim] else 1
        Prim.View(Reshape shape, x, shape, Array.insertAt dim stride x.strides, x.offset)

    /// Merges dims start..end into one.
    static member Flatten(x: Tensor, startDim: int, endDim: int) =
        if x.Dim = 0 then Prim.Reshape(x, [| 1 |])
        else
            let s, e = Shape.normDim "flatten" x.Dim startDim, Shape.normDim "flatten" x.Dim endDim
            if s > e then Prim.Fail "flatten() has invalid args: start_dim cannot come after end_dim"
            let merged = x.shape.[s..e] |> Array.fold (*) 1
            Prim.Reshape(x, Array.concat [ x.shape.[.. s - 1]; [| merged |]; x.shape.[e + 1 ..] ])

    // ---- indexing ----

    /// Positions of the true elements of a Bool tensor, flat row-major, as Int64 (1-D).
    static member NonZeroFlat(mask: Tensor) =
        let storage = mask.backend.NonZero mask.strided
        Prim.Plain(storage, [| storage.Length |])

    /// The slices at the positions of a 1-D Int64 index along dim.
    static member IndexSelect(x: Tensor, dim: int, index: Tensor) =
        Prim.SameDevice("index_select", [| x; index |])
        if index.DType <> DType.Int64 && index.DType <> DType.Int32 then
            Prim.Fail(sprintf "index_select(): Expected dtype int32/int64 for index but got %s" (index.DType.TorchName()))
        if index.Dim > 1 then Prim.Fail(sprintf "index_select(): Index is supposed to be a vector, got shape %s" (Shape.show index.shape))
        let index = Prim.Cast(Prim.Reshape(index, [| -1 |]), DType.Int64)
        let x1 = if x.Dim = 0 then Prim.Reshape(x, [| 1 |]) else x
        let dim = Shape.normDim "index_select" x1.Dim dim
        let shape = Array.copy x1.shape
        shape.[dim] <- index.NumEl
        let storage = x1.backend.IndexSelect(x1.strided, dim, index.strided)
        Prim.Result(IndexSelect dim, [| x1; index |], storage, shape)

    /// PyTorch indexing semantics for the C# indexer.
    static member Index(x: Tensor, indices: TensorIndex[]) =
        let basic = indices |> Array.sumBy (fun i -> if i.Kind = 2 then (if i.Tensor.DType = DType.Bool then i.Tensor.Dim else 1) else 1)
        if basic > x.Dim then
            raise (IndexOutOfRangeException(sprintf "too many indices for tensor of dimension %d" x.Dim))
        if (indices |> Array.filter (fun i -> i.Kind = 2)).Length > 1 then
            Prim.Fail "indexing with more than one index tensor is not supported; use Gather or index one dim at a time"
        let mutable t = x
        let mutable d = 0          // the dim of t the next index applies to
        let mutable original = 0   // the same dim counted in x, for messages
        for ix in indices do
            match ix.Kind with
            | 0 ->
                let size = t.shape.[d]
                let i = ix.Index.GetOffset size
                if i < 0 || i >= size then
                    raise (IndexOutOfRangeException(sprintf "index %d is out of bounds for dimension %d with size %d" ix.Raw original size))
                t <- Prim.Select(t, d, i)
                original <- original + 1
            | 1 ->
                let size = t.shape.[d]
                let clampTo (i: Index) = Math.Clamp(i.GetOffset size, 0, size)
                let start, stop = clampTo ix.Range.Start, clampTo ix.Range.End
                t <- Prim.Narrow(t, d, start, max 0 (stop - start))
                d <- d + 1
                original <- original + 1
            | _ ->
                let idx = ix.Tensor
                if idx.DType = DType.Bool then
                    let k = idx.Dim
                    if t.shape.[d .. d + k - 1] <> idx.shape then
                        raise (IndexOutOfRangeException(sprintf "The shape of the mask %s at index %d does not match the shape of the indexed tensor %s" (Shape.show idx.shape) d (Shape.show t.shape)))
                    let flat = Prim.Reshape(t, Array.concat [ t.shape.[.. d - 1]; [| -1 |]; t.shape.[d + k ..] ])
                    t <- Prim.IndexSelect(flat, d, Prim.NonZeroFlat idx)
                    d <- d + 1
                    original <- original + k
                else
                    let picked = Prim.IndexSelect(t, d, Prim.Reshape(idx, [| -1 |]))
                    t <- Prim.Reshape(picked, Array.concat [ t.shape.[.. d - 1]; idx.shape; t.shape.[d + 1 ..] ])
                    d <- d + idx.Dim
                    original <- original + 1
        t
