namespace Hybrid

open System
open System.Runtime.InteropServices

/// How a loss reduces its per-element values.
type Reduction =
    | None = 0
    | Mean = 1
    | Sum = 2

/// torch.nn.functional: convolution, pooling, dropout, embedding, losses. Composite ops are
/// built from differentiable primitives, so their gradients (of any order) come from the table.
[<AbstractClass; Sealed>]
type Functional =
    static member private Reduce(loss: Tensor, reduction: Reduction) =
        match reduction with
        | Reduction.None -> loss
        | Reduction.Sum -> loss.Sum()
        | _ -> loss.Mean()

    // ---- activations and linear maps, as torch.nn.functional spells them ----

    static member Relu(x: Tensor) = x.Relu()
    static member LeakyRelu(x: Tensor, [<Optional; DefaultParameterValue(0.01)>] negativeSlope: float) = x.LeakyRelu negativeSlope
    static member Elu(x: Tensor, [<Optional; DefaultParameterValue(1.0)>] alpha: float) = x.Elu alpha
    static member Gelu(x: Tensor) = x.Gelu()
    static member Silu(x: Tensor) = x.Silu()
    static member Sigmoid(x: Tensor) = x.Sigmoid()
    static member Tanh(x: Tensor) = x.Tanh()
    static member Softplus(x: Tensor, [<Optional; DefaultParameterValue(1.0)>] beta: float, [<Optional; DefaultParameterValue(20.0)>] threshold: float) = x.Softplus(beta, threshold)
    static member Softmax(x: Tensor, dim: int) = x.Softmax dim
    /// x normalised over its trailing dims normalizedShape (mean 0, biased variance 1, eps added
    /// to the variance), then scaled by weight and shifted by bias when given (F.layer_norm).
    static member LayerNorm(input: Tensor, normalizedShape: int[],
                            [<Optional; DefaultParameterValue(null: Tensor)>] weight: Tensor,
                            [<Optional; DefaultParameterValue(null: Tensor)>] bias: Tensor,
                            [<Optional; DefaultParameterValue(1e-5)>] eps: float) =
        let k = normalizedShape.Length
        if k = 0 || input.Dim < k || input.shape.[input.Dim - k ..] <> normalizedShape then
            Prim.Fail(sprintf "layer_norm: expected input of shape (*, %s), got input of shape %s" (String.Join(", ", normalizedShape)) (Shape.show input.shape))
        let dims = Array.init k (fun i -> input.Dim - k + i)
        let centered = input - input.Mean(dims, true)
        let y = centered * ((centered * centered).Mean(dims, true) + eps).Rsqrt()
        let y = if isNull weight then y else y * weight
        if isNull bias then y else y + bias

    /// x limited to [minVal, maxVal] (F.hardtanh).
    static member Hardtanh(x: Tensor, [<Optional; DefaultParameterValue(-1.0)>] minVal: float, [<Optional; DefaultParameterValue(1.0)>] maxVal: float) =
        if minVal > maxVal then Prim.Fail(sprintf "hardtanh: min_val (%g) cannot be greater than max_val (%g)" minVal maxVal)
        x.Clamp(minVal, maxVal)
    /// min(max(x, 0), 6) (F.relu6).
    static member Relu6(x: Tensor) = x.Clamp(0.0, 6.0)
    /// relu6(x + 3)/6, a piecewise-linear sigmoid (F.hardsigmoid).
    static member Hardsigmoid(x: Tensor) = (x + 3.0).Clamp(0.0, 6.0) / 6.0
    /// x·relu6(x + 3)/6 (F.hardswish, MobileNetV3's).
    static member Hardswish(x: Tensor) = x * (x + 3.0).Clamp(0.0, 6.0) / 6.0
    /// x·tanh(softplus(x)) (F.mish).
    static member Mish(x: Tensor) = x * x.Softplus().Tanh()
    /// max(0, x) + weight·min(0, x), weight one slope per channel (dim 1) or a single one (F.prelu).
    static member Prelu(x: Tensor, weight: Tensor) =
        if weight.Dim > 1 then Prim.Fail(sprintf "prelu: weight must be 1-D, got %s" (Shape.show weight.shape))
        let slopes =
            if weight.NumEl = 1 then Prim.Reshape(weight, [||])
            elif x.Dim >= 2 && weight.NumEl = x.shape.[1] then Prim.Reshape(weight, Array.init x.Dim (fun d -> if d = 1 then weight.NumEl else 1))
            else Prim.Fail(sprintf "prelu: mismatch of parameter numbers and input channel size: %d parameters for input of shape %s" weight.NumEl (Shape.show x.shape))
        x.Gt(0.0).Where(x, x * slopes)
    static member LogSoftmax(x: Tensor, dim: int) = x.LogSoftmax dim

    /// x·Wᵀ + b (torch.nn.functional.linear); weight is (out, in), bias (out) or null.
    static member Linear(input: Tensor, weight: Tensor, [<Optional; DefaultParameterValue(null: Tensor)>] bias: Tensor) =
        if weight.Dim <> 2 then Prim.Fail(sprintf "linear: weight must be 2-D (out_features, in_features), got %s" (Shape.show weight.shape))
        if input.Dim = 0 || input.shape.[input.Dim - 1] <> weight.shape.[1] then
            Prim.Fail(sprintf "linear: input has %d features but weight expects %d (input %s, weight %s)" (if input.Dim = 0 then 0 else input.shape.[input.Dim - 1]) weight.shape.[1] (Shape.show input.shape) (Shape.show weight.shape))
        let y = input.MatMul(weight.T)
        if isNull bias then y else y + bias

    /// im2col: sliding (kh, kw) blocks of an (N, C, H, W) input as columns of (N, C·kh·kw, L).
    static member Unfold(x: Tensor, window: Window2d) =
        if x.Dim <> 4 then Prim.Fail(sprintf "unfold: expected a 4-D (N, C, H, W) input, got shape %s" (Shape.show x.shape))
        if window.KernelH <= 0 || window.KernelW <= 0 || window.StrideH <= 0 || window.StrideW <= 0 || window.DilationH <= 0 || window.DilationW <= 0 || window.PadH < 0 || window.PadW < 0 then
            Prim.Fail(sprintf "unfold: kernel, stride and dilation must be positive and padding non-negative, got %A" window)
        let n, c, h, w = x.shape.[0], x.shape.[1], x.shape.[2], x.shape.[3]
        let oh, ow = window.OutH h, window.OutW w
        if oh <= 0 || ow <= 0 then
            Prim.Fail(sprintf "unfold: the kernel (%dx%d, dilation %dx%d) is larger than the padded input (%dx%d) of shape %s" window.KernelH window.KernelW window.DilationH window.DilationW (h + 2 * window.PadH) (w + 2 * window.PadW) (Shape.show x.shape))
        Prim.Result(Unfold window, [| x |], x.backend.Unfold(x.strided, window), [| n; c * window.KernelH * window.KernelW; oh * ow |])

    /// col2im, the adjoint of Unfold: sums (N, C·kh·kw, L) columns into (N, C, H, W).
    static member Fold(cols: Tensor, window: Window2d, channels: int, height: int, width: int) =
        let k = channels * window.KernelH * window.KernelW
        let l = window.OutH height * window.OutW width
        if cols.Dim <> 3 || cols.shape.[1] <> k || cols.shape.[2] <> l then
            Prim.Fail(sprintf "fold: expected input of shape (N, %d, %d), got %s" k l (Shape.show cols.shape))
        let cols = Prim.Contiguous cols
        Prim.Result(Fold(window, channels, height, width), [| cols |], cols.backend.Fold(cols.strided, window, channels, height, width), [| cols.shape.[0]; channels; height; width |])

    /// The convolution primitive: x (N, C, H, W), w (O, C/groups, kh, kw), bias (O) or null →
    /// (N, O, oh, ow). Operands are validated by Conv2d.
    static member internal Conv2dPrimitive(x: Tensor, w: Tensor, bias: Tensor, window: Window2d, groups: int) =
        let shape = [| x.shape.[0]; w.shape.[0]; window.OutH x.shape.[2]; window.OutW x.shape.[3] |]
        let inputs, b = if isNull bias then [| x; w |], Nullable() else [| x; w; bias |], Nullable bias.strided
        Prim.Result(Conv2d(window, groups), inputs, x.backend.Conv2d(x.strided, w.strided, b, window, groups), shape)

    /// ∂⟨conv2d(x, w), g⟩/∂x, a transposed convolution: g (N, O, oh, ow) → (N, C, height, width).
    static member internal Conv2dInputGrad(g: Tensor, w: Tensor, window: Window2d, groups: int, height: int, width: int) =
        let shape = [| g.shape.[0]; w.shape.[1] * groups; height; width |]
        Prim.Result(Conv2dInputGrad(window, groups, height, width), [| g; w |], g.backend.Conv2dInputGrad(g.strided, w.strided, window, groups, height, width), shape)

    /// ∂⟨conv2d(x, w), g⟩/∂w: x (N, C, H, W), g (N, O, oh, ow) → (O, C/groups, kh, kw).
    static member internal Conv2dWeightGrad(x: Tensor, g: Tensor, window: Window2d, groups: int) =
        let shape = [| g.shape.[1]; x.shape.[1] / groups; window.KernelH; window.KernelW |]
        Prim.Result(Conv2dWeightGrad(window, groups), [| x; g |], x.backend.Conv2dWeightGrad(x.strided, g.strided, window, groups), shape)

    /// 2-D convolution (cross-correlation, as PyTorch): input (N, C, H, W) or (C, H, W),
    /// weight (O, C/groups, kh, kw), optional bias (O).
    static member Conv2d(input: Tensor, weight: Tensor, bias: Tensor, stride: struct (int * int), padding: struct (int * int), dilation: struct (int * int), groups: int) =
        let batched = input.Dim = 4
        if input.Dim <> 3 && input.Dim <> 4 then
            Prim.Fail(sprintf "conv2d: Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: %s" (Shape.show input.shape))
        if weight.Dim <> 4 then Prim.Fail(sprintf "conv2d: Expected 4D weight (out_channels, in_channels/groups, kH, kW), but got weight of size %s" (Shape.show weight.shape))
        let x = if batched then input else Prim.Unsqueeze(input, 0)
        if groups <= 0 then Prim.Fail "conv2d: non-positive groups is not supported"
        let o, cg, kh, kw = weight.shape.[0], weight.shape.[1], weight.shape.[2], weight.shape.[3]
        let c = x.shape.[1]
        if cg * groups <> c then
            Prim.Fail(sprintf "conv2d: Given groups=%d, weight of size %s, expected input%s to have %d channels, but got %d channels instead" groups (Shape.show weight.shape) (Shape.show input.shape) (cg * groups) c)
        if o % groups <> 0 then Prim.Fail(sprintf "conv2d: out_channels (%d) must be divisible by groups (%d)" o groups)
        if not (isNull bias) && (bias.Dim <> 1 || bias.shape.[0] <> o) then
            Prim.Fail(sprintf "conv2d: bias of shape %s does not match %d output channels" (Shape.show bias.shape) o)
        Prim.SameDevice("conv2d", (if isNull bias then [| x; weight |] else [| x; weight; bias |]))
        if x.DType <> weight.DType then
            Prim.Fail(sprintf "conv2d: expected input and weight to have the same dtype, but got %s and %s" (x.DType.TorchName()) (weight.DType.TorchName()))
        if not (x.DType.IsFloating()) then
            Prim.Fail(sprintf "conv2d: not implemented for dtype %s; convert to Float32 or Float64" (x.DType.TorchName()))
        let struct (sh, sw), struct (ph, pw), struct (dh, dw) = stride, padding, dilation
        let window = Window2d(kh, kw, sh, sw, ph, pw, dh, dw)
        if kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0 || dh <= 0 || dw <= 0 || ph < 0 || pw < 0 then
            Prim.Fail(sprintf "conv2d: kernel, stride and dilation must be positive and padding non-negative, got %A" window)
        let h, w = x.shape.[2], x.shape.[3]
        if window.OutH h <= 0 || window.OutW w <= 0 then
            Prim.Fail(sprintf "conv2d: the kernel (%dx%d, dilation %dx%d) is larger than the padded input (%dx%d) of shape %s" kh kw dh dw (h + 2 * ph) (w + 2 * pw) (Shape.show input.shape))
        if not (isNull bias) && bias.DType <> x.DType then
            Prim.Fail(sprintf "conv2d: expected input and bias to have the same dtype, but got %s and %s" (x.DType.TorchName()) (bias.DType.TorchName()))
        let y = Functional.Conv2dPrimitive(x, weight, bias, window, groups)
        if batched then y else Prim.Squeeze(y, 0)

    /// 2-D convolution with square stride/padding/dilation.
    static member Conv2d(input: Tensor, weight: Tensor, [<Optional; DefaultParameterValue(null: Tensor)>] bias: Tensor,
                         [<Optional; DefaultParameterValue(1)>] stride: int, [<Optional; DefaultParameterValue(0)>] padding: int,
                         [<Optional; DefaultParameterValue(1)>] dilation: int, [<Optional; DefaultParameterValue(1)>] groups: int) =
        Functional.Conv2d(input, weight, bias, struct (stride, stride), struct (padding, padding), struct (dilation, dilation), groups)

    /// 1-D convolution: input (N, C, L) or (C, L), weight (O, C/groups, k).
    static member Conv1d(input: Tensor, weight: Tensor, [<Optional; DefaultParameterValue(null: Tensor)>] bias: Tensor,
                         [<Optional; DefaultParameterValue(1)>] stride: int, [<Optional; DefaultParameterValue(0)>] padding: int,
                         [<Optional; DefaultParameterValue(1)>] dilation: int, [<Optional; DefaultParameterValue(1)>] groups: int) =
        if input.Dim <> 2 && input.Dim <> 3 then
            Prim.Fail(sprintf "conv1d: Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: %s" (Shape.show input.shape))
        if weight.Dim <> 3 then Prim.Fail(sprintf "conv1d: Expected 3D weight (out_channels, in_channels/groups, k), but got weight of size %s" (Shape.show weight.shape))
        let y = Functional.Conv2d(Prim.Unsqueeze(input, -2), Prim.Unsqueeze(weight, 2), bias, struct (1, stride), struct (0, padding), struct (1, dilation), groups)
        Prim.Squeeze(y, -2)

    /// The batched input and the window of a square pooling, validated (every window must hold a pixel).
    static member private Pool(name: string, input: Tensor, kernel: int, stride: int, padding: int) =
        if input.Dim <> 3 && input.Dim <> 4 then
            Prim.Fail(sprintf "%s: Expected 3D or 4D input, but got input of size: %s" name (Shape.show input.shape))
        let stride = if stride <= 0 then kernel else stride
        if kernel <= 0 then Prim.Fail(sprintf "%s: kernel_size must be greater than zero, but got %d" name kernel)
        if padding < 0 || padding * 2 > kernel then
            Prim.Fail(sprintf "%s: pad should be at most half of effective kernel size, but got pad=%d and kernel_size=%d" name padding kernel)
        let x = if input.Dim = 4 then input else Prim.Unsqueeze(input, 0)
        let window = Window2d(kernel, kernel, stride, stride, padding, padding, 1, 1)
        let h, w = x.shape.[2], x.shape.[3]
        if window.OutH h <= 0 || window.OutW w <= 0 then
            Prim.Fail(sprintf "%s: the kernel (%dx%d) is larger than the padded input (%dx%d) of shape %s" name kernel kernel (h + 2 * padding) (w + 2 * padding) (Shape.show input.shape))
        x, window

    /// Max over (kernel × kernel) windows; padding counts as −∞.
    static member MaxPool2d(input: Tensor, kernelSize: int, [<Optional; DefaultParameterValue(0)>] stride: int, [<Optional; DefaultParameterValue(0)>] padding: int) =
        let x, window = Functional.Pool("max_pool2d", input, kernelSize, stride, padding)
        let n, c, h, w = x.shape.[0], x.shape.[1], x.shape.[2], x.shape.[3]
        let oh, ow = window.OutH h, window.OutW w
        if x.DType = DType.Bool then Prim.Fail "max_pool2d: not implemented for dtype bool"
        let values, positions = x.backend.MaxPool2d(x.strided, window)
        let shape = [| n; c; oh; ow |]
        let y = Prim.Result(MaxPool2d(window, Prim.Plain(positions, shape)), [| x |], values, shape)
        if input.Dim = 4 then y else Prim.Squeeze(y, 0)

    /// Mean over (kernel × kernel) windows; zero padding is counted (count_include_pad=True).
    static member AvgPool2d(input: Tensor, kernelSize: int, [<Optional; DefaultParameterValue(0)>] stride: int, [<Optional; DefaultParameterValue(0)>] padding: int) =
        let x, window = Functional.Pool("avg_pool2d", input, kernelSize, stride, padding)
        if not (x.DType.IsFloating()) then Prim.Fail(sprintf "avg_pool2d: not implemented for '%s'" (x.DType.TorchName()))
        let y = Functional.AvgPool2dPrimitive(x, window)
        if input.Dim = 4 then y else Prim.Squeeze(y, 0)

    /// The average-pooling primitive: x (N, C, H, W) → (N, C, oh, ow). Operands are validated by AvgPool2d.
    /// Region i of outSize over size positions: [⌊i·size/outSize⌋, ⌈(i+1)·size/outSize⌉), as PyTorch.
    static member private AdaptiveRegion(i: int, outSize: int, size: int) =
        struct (i * size / outSize, ((i + 1) * size + outSize - 1) / outSize)

    /// Checks an adaptive pool's input and output size; the side of the square blocks when they
    /// tile the input evenly (one ordinary pool then does it), else None.
    static member private AdaptiveBlock(op: string, input: Tensor, outputHeight: int, outputWidth: int) =
        if input.Dim <> 3 && input.Dim <> 4 then
            Prim.Fail(sprintf "%s: expected 3D or 4D input, got %s" op (Shape.show input.shape))
        if outputHeight <= 0 || outputWidth <= 0 then
            Prim.Fail(sprintf "%s: output size must be positive, got (%d, %d)" op outputHeight outputWidth)
        let h, w = input.shape.[input.Dim - 2], input.shape.[input.Dim - 1]
        if h % outputHeight = 0 && w % outputWidth = 0 && h / outputHeight = w / outputWidth then Some(h / outputHeight) else None

    /// The mean of each of outH × outW regions of the last two dims, as F.adaptive_avg_pool2d:
    /// region i spans rows [⌊i·H/outH⌋, ⌈(i+1)·H/outH⌉), likewise for columns. Square blocks
    /// that tile the input are one average pool; any other layout (uneven or overlapping
    /// regions) is separable, Rows · x · Colsᵀ with Rows (outH × H) holding 1/size over each
    /// region: two matrix products, whatever the number of regions.
    static member AdaptiveAvgPool2d(input: Tensor, outputHeight: int, outputWidth: int) =
        match Functional.AdaptiveBlock("adaptive_avg_pool2d", input, outputHeight, outputWidth) with
        | Some block -> Functional.AvgPool2d(input, block)
        | None ->
            let h, w = input.shape.[input.Dim - 2], input.shape.[input.Dim - 1]
            let averaging (outSize: int) (size: int) =
                let m = Array.zeroCreate (outSize * size)
                for i in 0 .. outSize - 1 do
                    let struct (first, last) = Functional.AdaptiveRegion(i, outSize, size)
                    for k in first .. last - 1 do m.[i * size + k] <- 1.0 / float (last - first)
                Create.FromArray(m, [| outSize; size |], false, Nullable input.Device).To input.DType
            let rows, cols = averaging outputHeight h, averaging outputWidth w
            rows.MatMul(input.MatMul(cols.T))

    /// The max of each of outH × outW regions of the last two dims (the regions of
    /// AdaptiveAvgPool2d), as F.adaptive_max_pool2d. Square blocks that tile the input are one
    /// max pool; otherwise the max is separable: over each region's columns, then its rows,
    /// outH + outW reductions rather than one per region. The gradient goes to the element picked.
    static member AdaptiveMaxPool2d(input: Tensor, outputHeight: int, outputWidth: int) =
        match Functional.AdaptiveBlock("adaptive_max_pool2d", input, outputHeight, outputWidth) with
        | Some block -> Functional.MaxPool2d(input, block)
        | None ->
            let regionMax (x: Tensor) (dim: int) (outSize: int) =
                let size = x.shape.[dim]
                let parts =
                    Array.init outSize (fun i ->
                        let struct (first, last) = Functional.AdaptiveRegion(i, outSize, size)
                        let struct (values, _) = Prim.Narrow(x, dim, first, last - first).Max(dim, true)
                        values)
                Join.Cat(parts, dim)
            regionMax (regionMax input (input.Dim - 1) outputWidth) (input.Dim - 2) outputHeight

    static member internal AvgPool2dPrimitive(x: Tensor, window: Window2d) =
        let shape = [| x.shape.[0]; x.shape.[1]; window.OutH x.shape.[2]; window.OutW x.shape.[3] |]
        Prim.Result(AvgPool2d window, [| x |], x.backend.AvgPool2d(x.strided, window), shape)

    /// ∂⟨avg_pool2d(x), g⟩/∂x: g (N, C, oh, ow) spread evenly over each window → (N, C, height, width).
    static member internal AvgPool2dBackward(g: Tensor, window: Window2d, height: int, width: int) =
        let shape = [| g.shape.[0]; g.shape.[1]; height; width |]
        Prim.Result(AvgPool2dBackward(window, height, width), [| g |], g.backend.AvgPool2dBackward(g.strided, window, height, width), shape)

    /// Zeroes elements with probability p and scales the rest by 1/(1−p) while training.
    static member Dropout(x: Tensor, [<Optional; DefaultParameterValue(0.5)>] p: float, [<Optional; DefaultParameterValue(true)>] training: bool,
                          [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator) =
        if p < 0.0 || p > 1.0 then Prim.Fail(sprintf "dropout probability has to be between 0 and 1, but got %g" p)
        if not training || p = 0.0 then x
        elif p = 1.0 then x * 0.0
        else
            let gen = if isNull generator then Generator.Default else generator
            let keep = Create.Rand(x.Shape, x.DType, x.Device, gen).Ge(p).To(x.DType)
            x * keep / (1.0 - p)

    /// Dropout of whole channels, as F.dropout2d: each (n, c) plane of an (N, C, H, W) or
    /// (C, H, W) input is zeroed with probability p, the others scaled by 1/(1 − p).
    static member Dropout2d(x: Tensor, [<Optional; DefaultParameterValue(0.5)>] p: float, [<Optional; DefaultParameterValue(true)>] training: bool,
                            [<Optional; DefaultParameterValue(null: Generator)>] generator: Generator) =
        if p < 0.0 || p > 1.0 then Prim.Fail(sprintf "dropout2d: dropout probability has to be between 0 and 1, but got %g" p)
        if x.Dim <> 3 && x.Dim <> 4 then Prim.Fail(sprintf "dropout2d: expected a 3-D or 4-D input, got %s" (Shape.show x.shape))
        if not training || p = 0.0 then x
        elif p = 1.0 then x * 0.0
        else
            let gen = if isNull generator then Generator.Default else generator
            let planes = Array.append x.shape.[.. x.Dim - 3] [| 1; 1 |]
            let keep = Create.Rand(planes, x.DType, x.Device, gen).Ge(p).To(x.DType)
            x * keep / (1.0 - p)

    /// Rows of `weight` at the positions of an Int64 index tensor: shape index.shape @ [dim].
    static member Embedding(indices: Tensor, weight: Tensor) =
        if weight.Dim <> 2 then Prim.Fail(sprintf "embedding: 'weight' must be 2-D, got shape %s" (Shape.show weight.shape))
        if indices.DType <> DType.Int64 && indices.DType <> DType.Int32 then
            Prim.Fail(sprintf "embedding: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got %s instead" (indices.DType.TorchName()))
        let rows = Prim.IndexSelect(weight, 0, Prim.Reshape(indices, [| -1 |]))
        Prim.Reshape(rows, Array.append indices.shape [| weight.shape.[1] |])

    /// x padded with `value`, sizes given as F.pad gives them: (before, after) of the last dim,
    /// then of the one before it, and so on (F.pad(x, [1, 1, 2, 0]) pads width by 1 | 1 and
    /// height by 2 | 0). Constant padding only; negative sizes (cropping) are refused.
    static member Pad(x: Tensor, pad: int[], [<Optional; DefaultParameterValue(0.0)>] value: float) =
        if pad.Length % 2 <> 0 then Prim.Fail(sprintf "pad: Padding length must be divisible by 2, got %d" pad.Length)
        if pad.Length / 2 > x.Dim then
            Prim.Fail(sprintf "pad: Padding length should be less than or equal to two times the input dimension but got padding length %d and input of dimension %d" pad.Length x.Dim)
        let before, after = Array.zeroCreate x.Dim, Array.zeroCreate x.Dim
        for k in 0 .. pad.Length / 2 - 1 do
            before.[x.Dim - 1 - k] <- pad.[2 * k]
            after.[x.Dim - 1 - k] <- pad.[2 * k + 1]
        Join.Pad(x, before, after, value)

    /// One-hot rows of Int64 class indices, (..., numClasses) Int64, as F.one_hot; numClasses −1
    /// takes the largest index + 1.
    static member OneHot(indices: Tensor, [<Optional; DefaultParameterValue(-1)>] numClasses: int) = indices.OneHot numClasses

    /// Embedding whose row paddingIdx (negative: from the end) gets no gradient, as
    /// F.embedding(padding_idx=...): a padding token's vector stays what it is.
    static member Embedding(indices: Tensor, weight: Tensor, paddingIdx: int) =
        let vectors = Functional.Embedding(indices, weight)   // checks weight's rank first
        let rows = weight.shape.[0]
        if paddingIdx < -rows || paddingIdx >= rows then
            Prim.Fail(sprintf "embedding: Padding_idx must be within num_embeddings (%d), got %d" rows paddingIdx)
        let padding = (indices.Eq(float (if paddingIdx < 0 then paddingIdx + rows else paddingIdx))).Unsqueeze(-1)
        padding.Where(vectors.Detach(), vectors)

    static member private SameShape(op: string, input: Tensor, target: Tensor) =
        if input.shape <> target.shape then
            Prim.Fail(sprintf "%s: input shape %s and target shape %s must be the same" op (Shape.show input.shape) (Shape.show target.shape))

    /// Mean (or sum, or none) of squared differences; shapes must match.
    static member MseLoss(input: Tensor, target: Tensor, [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction) =
        Functional.SameShape("mse_loss", input, target)
        let d = input - target
        Functional.Reduce(d * d, reduction)

    /// Mean (or sum, or none) of absolute differences, as F.l1_loss.
    static member L1Loss(input: Tensor, target: Tensor, [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction) =
        Functional.SameShape("l1_loss", input, target)
        Functional.Reduce((input - target).Abs(), reduction)

    /// |d| − β/2 beyond β, d²/(2β) within (plain |d| when β = 0), as F.smooth_l1_loss.
    static member SmoothL1Loss(input: Tensor, target: Tensor, [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction,
                               [<Optional; DefaultParameterValue(1.0)>] beta: float) =
        Functional.SameShape("smooth_l1_loss", input, target)
        if beta < 0.0 then Prim.Fail(sprintf "smooth_l1_loss: beta must be non-negative, got %g" beta)
        let d = (input - target).Abs()
        Functional.Reduce((if beta = 0.0 then d else d.Lt(beta).Where(d * d * (0.5 / beta), d - 0.5 * beta)), reduction)

    /// d²/2 within δ, δ·(|d| − δ/2) beyond, as F.huber_loss.
    static member HuberLoss(input: Tensor, target: Tensor, [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction,
                            [<Optional; DefaultParameterValue(1.0)>] delta: float) =
        Functional.SameShape("huber_loss", input, target)
        if delta <= 0.0 then Prim.Fail(sprintf "huber_loss: delta must be positive, got %g" delta)
        let d = (input - target).Abs()
        Functional.Reduce(d.Lt(delta).Where(d * d * 0.5, (d - 0.5 * delta) * delta), reduction)

    /// Binary cross-entropy of probabilities in [0, 1] against targets, each log clamped at −100
    /// as PyTorch does (so a probability of 0 or 1 gives a finite loss), as F.binary_cross_entropy.
    static member BinaryCrossEntropy(input: Tensor, target: Tensor, [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction,
                                     [<Optional; DefaultParameterValue(null: Tensor)>] weight: Tensor) =
        Functional.SameShape("binary_cross_entropy", input, target)
        let loss = -(target * input.Log().ClampMin(-100.0) + (1.0 - target) * (1.0 - input).Log().ClampMin(-100.0))
        Functional.Reduce((if isNull weight then loss else loss * weight), reduction)

    /// KL divergence Σ target·(log target − input) of log-probabilities `input` from `target`
    /// (probabilities, or log-probabilities when logTarget), as F.kl_div; terms with target 0
    /// are 0. Mean averages over elements, as PyTorch's "mean" (its "batchmean" is Sum / batch size).
    static member KlDiv(input: Tensor, target: Tensor, [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction,
                        [<Optional; DefaultParameterValue(false)>] logTarget: bool) =
        Functional.SameShape("kl_div", input, target)
        let loss =
            if logTarget then target.Exp() * (target - input)
            else target.Gt(0.0).Where(target * (target.ClampMin(1e-38).Log() - input), Prim.Scalar(0.0, input))
        Functional.Reduce(loss, reduction)

    /// Negative log-likelihood of class indices, as F.nll_loss: input (N, C) or (C)
    /// log-probabilities, target (N) or () Int64; optional class weights (C) and an ignored
    /// target index (−100 by default) whose samples count for nothing, the mean then being over
    /// the weight of the others.
    static member NllLoss(input: Tensor, target: Tensor,
                          [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction,
                          [<Optional; DefaultParameterValue(null: Tensor)>] weight: Tensor,
                          [<Optional; DefaultParameterValue(-100L)>] ignoreIndex: int64) =
        if input.Dim <> 2 && input.Dim <> 1 then Prim.Fail(sprintf "nll_loss: expected input of shape (N, C) or (C), got %s" (Shape.show input.shape))
        if target.DType <> DType.Int64 then
            Prim.Fail(sprintf "nll_loss: expected target of dtype int64 (class indices), got %s" (target.DType.TorchName()))
        let x = if input.Dim = 1 then Prim.Unsqueeze(input, 0) else input
        Functional.CheckWeight("nll_loss", weight, x.shape.[1])
        Functional.Pick("nll_loss", x, input.Dim = 1, weight, target, ignoreIndex, 0.0, reduction)

    /// The negative log-likelihood of log-probabilities x (N, C) at class indices: the plain
    /// pick when nothing is weighted, smoothed or ignored and every target is a class, else the
    /// weighted one. single: the input was one sample (C), whose unreduced loss is 0-d.
    static member private Pick(op: string, x: Tensor, single: bool, weight: Tensor, target: Tensor, ignoreIndex: int64, labelSmoothing: float, reduction: Reduction) =
        let plain = if isNull weight && labelSmoothing = 0.0 && ignoreIndex < 0L then Functional.TryPlainPick(op, x, target, reduction) else None
        let loss = match plain with Some loss -> loss | None -> Functional.WeightedPick(op, x, weight, target, ignoreIndex, labelSmoothing, reduction)
        if single && reduction = Reduction.None then Prim.Reshape(loss, [||]) else loss

    /// −x[n, target[n]], reading the targets' range back once; None when a target is negative
    /// (perhaps the ignored index) or the target is not an Int64 vector of x's batch: the
    /// weighted pick then takes over, or says what is wrong.
    static member private TryPlainPick(op: string, x: Tensor, target: Tensor, reduction: Reduction) =
        let target = if target.Dim = 0 then Prim.Reshape(target, [| 1 |]) else target
        if target.DType <> DType.Int64 || target.Dim <> 1 || target.shape.[0] <> x.shape.[0] then None
        else
            let lo, hi = if target.NumEl = 0 then 0L, -1L else target.Min().ToInt64(), target.Max().ToInt64()
            if lo < 0L then None
            elif hi >= int64 x.shape.[1] then Prim.Fail(sprintf "%s: Target %d is out of bounds for %d classes." op hi x.shape.[1])
            else Some(Functional.Reduce(-(Prim.Reshape(x.Gather(1, Prim.Unsqueeze(target, 1)), [| -1 |])), reduction))

    static member private CheckWeight(op: string, weight: Tensor, classes: int) =
        if not (isNull weight) && (weight.Dim <> 1 || weight.shape.[0] <> classes) then
            Prim.Fail(sprintf "%s: weight tensor should be defined either for all %d classes or no classes but got weight tensor of shape: %s" op classes (Shape.show weight.shape))

    /// Cross-entropy of logits (N, C) or (C) against class indices (N) or () (Int64), or against
    /// class probabilities of the input's shape, as torch.nn.functional.cross_entropy. Options:
    /// class weights (C); an ignored target index (−100 by default), whose samples count for
    /// nothing, the mean being over the weight of the others; label smoothing ε, which mixes
    /// the target with the uniform distribution, (1 − ε)·target + ε/C. The logits go through
    /// LogSoftmax, so it is stable for any logit magnitude.
    static member CrossEntropy(input: Tensor, target: Tensor,
                               [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction,
                               [<Optional; DefaultParameterValue(null: Tensor)>] weight: Tensor,
                               [<Optional; DefaultParameterValue(-100L)>] ignoreIndex: int64,
                               [<Optional; DefaultParameterValue(0.0)>] labelSmoothing: float) =
        if input.Dim <> 2 && input.Dim <> 1 then Prim.Fail(sprintf "cross_entropy: expected input of shape (N, C) or (C), got %s" (Shape.show input.shape))
        if labelSmoothing < 0.0 || labelSmoothing > 1.0 then
            Prim.Fail(sprintf "cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: %g" labelSmoothing)
        let x = if input.Dim = 1 then Prim.Unsqueeze(input, 0) else input
        let classes = x.shape.[1]
        Functional.CheckWeight("cross_entropy", weight, classes)
        let logp = x.LogSoftmax(1)
        if target.DType.IsFloating() then
            // Probabilities: −Σ_c w_c·q_c·log p_c per sample.
            let t = if target.Dim = 1 then Prim.Unsqueeze(target, 0) else target
            if t.shape <> x.shape then
                Prim.Fail(sprintf "cross_entropy: probability target shape %s must match input shape %s" (Shape.show target.shape) (Shape.show input.shape))
            let q = if labelSmoothing > 0.0 then t * (1.0 - labelSmoothing) + labelSmoothing / float classes else t
            let weighted = if isNull weight then logp else logp * weight
            let perSample = -((q * weighted).Sum(1))
            Functional.Reduce((if input.Dim = 1 then Prim.Reshape(perSample, [||]) else perSample), reduction)
        else Functional.Pick("cross_entropy", logp, input.Dim = 1, weight, target, ignoreIndex, labelSmoothing, reduction)

    /// The negative log-likelihood of log-probabilities (N, C) and class indices with class
    /// weights, an ignored index or label smoothing (see CrossEntropy); the mean divides by the
    /// kept weight. op names the caller in messages.
    static member private WeightedPick(op: string, logp: Tensor, weight: Tensor, target: Tensor, ignoreIndex: int64, labelSmoothing: float, reduction: Reduction) =
        let classes = logp.shape.[1]
        if target.DType <> DType.Int64 then
            Prim.Fail(sprintf "%s: expected target of dtype int64 (class indices) or floating (probabilities), got %s" op (target.DType.TorchName()))
        let target = if target.Dim = 0 then Prim.Reshape(target, [| 1 |]) else target
        if target.Dim <> 1 || target.shape.[0] <> logp.shape.[0] then
            Prim.Fail(sprintf "%s: Expected input batch_size (%d) to match target batch_size (%d)" op logp.shape.[0] target.shape.[0])
        let keep = target.Ne(float ignoreIndex)
        let safeTarget = keep.Where(target, Prim.Scalar(0.0, target))
        if safeTarget.NumEl > 0 then
            let lo, hi = safeTarget.Min().ToInt64(), safeTarget.Max().ToInt64()
            if lo < 0L || hi >= int64 classes then
                Prim.Fail(sprintf "%s: Target %d is out of bounds for %d classes." op (if lo < 0L then lo else hi) classes)
        let kept = keep.To logp.DType
        // Each sample's weight: its target class's, and nothing when it is ignored.
        let w = if isNull weight then kept else weight.IndexSelect(0, safeTarget).To(logp.DType) * kept
        let picked = Prim.Reshape(logp.Gather(1, Prim.Unsqueeze(safeTarget, 1)), [| -1 |])
        let nll = -picked * w
        let loss =
            if labelSmoothing > 0.0 then
                // PyTorch: (1 − ε)·nll + ε·Σ_c w_c·(−log p_c)/C, both over the kept samples.
                let weighted = if isNull weight then logp else logp * weight
                let smooth = -(weighted.Sum(1)) / float classes * kept
                nll * (1.0 - labelSmoothing) + smooth * labelSmoothing
            else nll
        match reduction with
        | Reduction.None -> loss
        | Reduction.Sum -> loss.Sum()
        | _ -> loss.Sum() / w.Sum()

    /// Binary cross-entropy of logits against targets in [0, 1], stable for any logit:
    /// max(x, 0) − x·y + log(1 + e^(−|x|)).
    static member BinaryCrossEntropyWithLogits(input: Tensor, target: Tensor, [<Optional; DefaultParameterValue(Reduction.Mean)>] reduction: Reduction) =
        if input.shape <> target.shape then
            Prim.Fail(sprintf "binary_cross_entropy_with_logits: Target size %s must be the same as input size %s" (Shape.show target.shape) (Shape.show input.shape))
        Prim.SameDevice("binary_cross_entropy_with_logits", [| input; target |])
        let target = Prim.Cast(target, input.DType)
        let values =
            GradMode.noGrad (fun () ->
                let x, y = input.Detach(), target.Detach()
                x.Relu() - x * y + (-(x.Abs())).Exp().Log1p())
        let loss = Prim.Record(BceWithLogits, [| input; target |], values.storage, values.shape, values.strides, values.offset)
        Functional.Reduce(loss, reduction)
