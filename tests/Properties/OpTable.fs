/// Every differentiable op, with the inputs it is tested on: shapes from the public generators,
/// values kept away from kinks and poles, and whether second order applies.
module Hybrid.Properties.OpTable

open System
open FsCheck
open FsCheck.FSharp
open Hybrid
open Hybrid.Testing
open Hybrid.Properties.Case

type Spec =
    { Name: string
      Cases: Gen<Case>
      SecondOrder: bool
      Eps: float }

let private spec name order2 (cases: Gen<Case>) = { Name = name; Cases = cases; SecondOrder = order2; Eps = 1e-6 }

/// f of one tensor with values in [lo, hi] away from `avoid`, any shape, maybe non-contiguous.
let private unary name order2 lo hi avoid (f: Tensor -> Tensor) =
    spec name order2 (gen {
        let! s = Gens.shape 3 3
        let! x = Gens.tensorIn s lo hi avoid 0.15
        let! x = Gens.maybeNonContiguous x
        return Case(name, [| x |], fun xs -> f xs.[0]) })

/// f of two broadcastable tensors.
let private binary name (f: Tensor -> Tensor -> Tensor) (genA: int[] -> Gen<Tensor>) (genB: int[] -> Gen<Tensor>) =
    spec name true (gen {
        let! sa, sb = Gens.broadcastPair 3 3
        let! a = genA sa
        let! b = genB sb
        let! a = Gens.maybeNonContiguous a
        return Case(name, [| a; b |], fun xs -> f xs.[0] xs.[1]) })

/// f of one tensor of at least rank 1, given a dim in range.
let private alongDim name order2 (make: int[] -> Gen<Tensor>) (f: int -> Tensor -> Tensor) =
    spec name order2 (gen {
        let! s = Gens.shape 3 3
        let s = if s.Length = 0 then [| 2 |] else s
        let! d = Gen.choose (-s.Length, s.Length - 1)
        let s = s |> Array.mapi (fun i size -> if i = (d + s.Length) % s.Length then max 2 size else size)
        let! x = make s
        return Case(sprintf "%s(dim=%d)" name d, [| x |], fun xs -> f d xs.[0]) })

/// A tensor a case's function captured (an index, a mask, a target), on the device of the
/// case's inputs, so that the same cases run on any device (DeviceProperties).
let private near (xs: Tensor[]) (t: Tensor) = t.To(xs.[0].Device)

let private g = Gens.tensor
let private pos s = Gens.tensorIn s 0.3 2.0 [] 0.0
let private nonzero s = Gens.tensorIn s -2.0 2.0 [ 0.0 ] 0.3

let elementwise =
    [ unary "neg" true -2.0 2.0 [] (fun x -> -x)
      unary "exp" true -2.0 2.0 [] (fun x -> x.Exp())
      unary "log" true 0.3 3.0 [] (fun x -> x.Log())
      unary "log1p" true -0.7 3.0 [] (fun x -> x.Log1p())
      unary "sqrt" true 0.3 3.0 [] (fun x -> x.Sqrt())
      unary "rsqrt" true 0.3 3.0 [] (fun x -> x.Rsqrt())
      unary "abs" true -2.0 2.0 [ 0.0 ] (fun x -> x.Abs())
      unary "sign" true -2.0 2.0 [ 0.0 ] (fun x -> x.Sign() * x)
      // Piecewise constant: kept 0.15 away from the steps, the product's derivative is the step value.
      unary "floor" true -2.0 2.0 [ -2.0; -1.0; 0.0; 1.0; 2.0 ] (fun x -> x.Floor() * x)
      unary "ceil" true -2.0 2.0 [ -2.0; -1.0; 0.0; 1.0; 2.0 ] (fun x -> x.Ceil() * x)
      unary "round" true -2.0 2.0 [ -1.5; -0.5; 0.5; 1.5 ] (fun x -> x.Round() * x)
      unary "trunc" true -2.0 2.0 [ -2.0; -1.0; 0.0; 1.0; 2.0 ] (fun x -> x.Trunc() * x)
      unary "sin" true -3.0 3.0 [] (fun x -> x.Sin())
      unary "cos" true -3.0 3.0 [] (fun x -> x.Cos())
      unary "tanh" true -2.0 2.0 [] (fun x -> x.Tanh())
      unary "sigmoid" true -3.0 3.0 [] (fun x -> x.Sigmoid())
      unary "erf" true -2.0 2.0 [] (fun x -> x.Erf())
      unary "relu" true -2.0 2.0 [ 0.0 ] (fun x -> x.Relu())
      unary "gelu" true -3.0 3.0 [] (fun x -> x.Gelu())
      unary "silu" true -3.0 3.0 [] (fun x -> x.Silu())
      unary "leaky_relu" true -2.0 2.0 [ 0.0 ] (fun x -> x.LeakyRelu(0.1))
      unary "elu" true -2.0 2.0 [ 0.0 ] (fun x -> x.Elu(1.5))
      unary "softplus" true -3.0 3.0 [] (fun x -> x.Softplus())
      unary "softplus(beta=2, threshold=3)" true -3.0 3.0 [ 1.5 ] (fun x -> x.Softplus(2.0, 3.0))
      unary "clamp" true -2.0 2.0 [ -1.0; 1.0 ] (fun x -> x.Clamp(-1.0, 1.0))
      unary "pow(x, 3)" true -2.0 2.0 [] (fun x -> x.Pow 3.0)
      unary "pow(x, 0.5)" true 0.3 2.0 [] (fun x -> x.Pow 0.5)
      unary "reciprocal" true -2.0 2.0 [ 0.0 ] (fun x -> x.Reciprocal())
      { unary "to(float32).to(float64)" false -2.0 2.0 [] (fun x -> x.Float().Double()) with Eps = 1e-2 }
      binary "add" (+) g g
      binary "sub" (-) g g
      binary "mul" (*) g g
      binary "div" (/) g nonzero
      binary "pow" (fun a b -> a.Pow b) pos g
      spec "maximum" true (gen {
          let! s = Gens.shape 3 3
          let! b = Gens.tensor s
          let! gap = Gens.tensorIn s -1.0 1.0 [ 0.0 ] 0.2
          return Case("maximum", [| b + gap; b |], fun xs -> xs.[0].Maximum xs.[1]) })
      spec "minimum" true (gen {
          let! s = Gens.shape 3 3
          let! b = Gens.tensor s
          let! gap = Gens.tensorIn s -1.0 1.0 [ 0.0 ] 0.2
          return Case("minimum", [| b + gap; b |], fun xs -> xs.[0].Minimum xs.[1]) })
      spec "where" true (gen {
          let! sa, sb = Gens.broadcastPair 3 3
          let! a = Gens.tensor sa
          let! b = Gens.tensor sb
          let! c = Gens.tensor (Shape.broadcast "where" sa sb)
          let cond = c.Gt 0.0
          return Case("where", [| a; b |], fun xs -> (near xs cond).Where(xs.[0], xs.[1])) }) ]

/// Variance needs two values along the dim (one is a singularity, not a rule to check):
/// rejecting smaller inputs also keeps the shrinker from walking into it.
let private atLeastTwo (x: Tensor) (d: int) =
    if x.Shape.[(d + x.Dim) % x.Dim] < 2 then invalidArg "x" "variance along a dim of size 1"

let reductions =
    [ unary "sum" true -2.0 2.0 [] (fun x -> x.Sum())
      spec "sum(dims, keepdim)" true (gen {
          let! s = Gens.shape 3 3
          let! keep = Gen.elements [ true; false ]
          let! mask = Gen.arrayOfLength s.Length (Gen.elements [ true; false ])
          let dims = [| for i in 0 .. s.Length - 1 do if mask.[i] then yield i - s.Length |]
          let! x = Gens.tensor s
          return Case(sprintf "sum(%A, keepdim=%b)" dims keep, [| x |], fun xs -> if dims.Length = 0 then xs.[0].Sum() else xs.[0].Sum(dims, keep)) })
      alongDim "mean" true g (fun d x -> x.Mean(d, true))
      unary "prod" true 0.5 1.5 [] (fun x -> x.Prod())
      alongDim "prod(dim)" true (fun s -> Gens.tensorIn s -2.0 2.0 [ 0.0 ] 0.3) (fun d x -> x.Prod(d))
      spec "prod with a zero" true (gen {
          let! n = Gen.choose (2, 5)
          let! x = Gens.tensorIn [| n |] 0.5 1.5 [] 0.0
          let! at = Gen.choose (0, n - 1)
          let withZero = x.Scatter(0, Create.Full([| 1 |], float at, DType.Int64), 0.0)
          return Case("prod with a zero", [| withZero |], fun xs -> xs.[0].Prod()) })
      unary "max" true -2.0 2.0 [] (fun x -> x.Max()) |> fun s -> { s with Cases = Gens.shape 3 3 |> Gen.bind Gens.distinctTensor |> Gen.map (fun x -> Case("max", [| x |], fun xs -> xs.[0].Max())) }
      unary "min" true -2.0 2.0 [] (fun x -> x.Min()) |> fun s -> { s with Cases = Gens.shape 3 3 |> Gen.bind Gens.distinctTensor |> Gen.map (fun x -> Case("min", [| x |], fun xs -> xs.[0].Min())) }
      alongDim "max(dim)" true Gens.distinctTensor (fun d x -> let struct (v, _) = x.Max(d) in v)
      alongDim "min(dim, keepdim)" true Gens.distinctTensor (fun d x -> let struct (v, _) = x.Min(d, true) in v)
      alongDim "softmax" true g (fun d x -> x.Softmax d)
      alongDim "log_softmax" true g (fun d x -> x.LogSoftmax d)
      alongDim "cumsum" true g (fun d x -> x.CumSum d)
      alongDim "logsumexp" true g (fun d x -> x.LogSumExp(d))
      alongDim "var" true Gens.distinctTensor (fun d x -> atLeastTwo x d; x.Var(d))
      alongDim "std(unbiased=false)" true Gens.distinctTensor (fun d x -> atLeastTwo x d; x.Std(d, false))
      unary "var(all)" true -2.0 2.0 [] (fun x -> if x.NumEl < 2 then x.Sum() else x.Var()) ]

let views =
    [ unary "reshape(-1)" true -2.0 2.0 [] (fun x -> x.Reshape(-1) * Create.Arange(0.0, float x.NumEl, 1.0, DType.Float64, device = x.Device))
      spec "permute" true (gen {
          let! s = Gens.shape 4 3
          let! keys = Gen.arrayOfLength s.Length (Gen.choose (0, 1000))
          let perm = keys |> Array.mapi (fun i k -> k, i) |> Array.sort |> Array.map snd
          let! x = Gens.tensor s
          return Case(sprintf "permute %A" perm, [| x |], fun xs -> xs.[0].Permute(perm) * Create.Arange(0.0, float x.NumEl, 1.0, DType.Float64, device = xs.[0].Device).Reshape(xs.[0].Permute(perm).Shape)) })
      spec "transpose / T" true (gen {
          let! s = Gens.shapeOfRank 2 4
          let! x = Gens.tensor s
          return Case("T", [| x |], fun xs -> xs.[0].T.MatMul(Create.Arange(0.0, float s.[0], 1.0, DType.Float64, device = xs.[0].Device))) })
      spec "expand" true (gen {
          let! s = Gens.shape 3 3
          let s1 = s |> Array.map (fun d -> if d = 3 then 1 else d)
          let! x = Gens.tensor s1
          let target = Array.append [| 2 |] s
          return Case(sprintf "expand to %A" target, [| x |], fun xs -> xs.[0].Expand(target) * Create.Arange(0.0, float (Shape.count target), 1.0, DType.Float64, device = xs.[0].Device).Reshape(target)) })
      alongDim "narrow" true (fun s -> Gens.tensor (s |> Array.map (fun d -> d + 1))) (fun d x -> x.Narrow(d, 1, x.Shape.[(d + x.Dim) % x.Dim] - 1).Exp())
      alongDim "select" true g (fun d x -> x.Select(d, -1).Sin())
      unary "squeeze / unsqueeze" true -2.0 2.0 [] (fun x -> x.Unsqueeze(0).Unsqueeze(-1).Squeeze().Exp())
      alongDim "flatten" true g (fun d x -> x.Unsqueeze(0).Flatten(0, d).Cos())
      spec "index with ranges and ^" true (gen {
          let! s = Gens.shapeOfRank 2 4
          let! x = Gens.tensor s
          return Case("x[1.., ^1]", [| x |], fun xs -> xs.[0].[TensorIndex.op_Implicit(Range(Index(1), Index.End)), TensorIndex.op_Implicit(Index(1, true))]) })
      spec "index with a bool mask" true (gen {
          let! s = Gens.shape 3 3
          let! x = Gens.tensor s
          let! m = Gens.tensor s
          let mask = m.Gt 0.0
          return Case("x[mask]", [| x |], fun xs -> xs.[0].[TensorIndex.op_Implicit (near xs mask)].Exp()) })
      spec "index with an index tensor" true (gen {
          let! s = Gens.shapeOfRank 2 3
          let! x = Gens.tensor s
          let! idx = Gens.indices [| 4 |] s.[0]
          return Case("x[idx]", [| x |], fun xs -> xs.[0].[TensorIndex.op_Implicit (near xs idx)].Sin()) })
      unary "pad" true -2.0 2.0 [] (fun x -> let p = Array.create x.Dim 1 in Join.Pad(x, p, Array.zeroCreate x.Dim, 0.5).Exp())
      unary "clone of a non-contiguous view" true -2.0 2.0 [] (fun x -> x.Contiguous().Clone().Sin()) ]

let structure =
    [ spec "matmul 2-D" true (gen {
          let! m, k, n = Gen.zip3 (Gens.dim 1 3) (Gens.dim 1 3) (Gens.dim 1 3)
          let! a = Gens.tensor [| m; k |]
          let! b = Gens.tensor [| k; n |]
          let! a = Gens.maybeNonContiguous a
          return Case("matmul", [| a; b |], fun xs -> xs.[0].MatMul xs.[1]) })
      spec "matmul batched with broadcasting" true (gen {
          let! k, n = Gen.zip (Gens.dim 1 3) (Gens.dim 1 3)
          let! a = Gens.tensor [| 2; 1; 2; k |]
          let! b = Gens.tensor [| 3; k; n |]
          return Case("matmul (2,1,2,k)@(3,k,n)", [| a; b |], fun xs -> xs.[0].MatMul xs.[1]) })
      spec "matmul 1-D" true (gen {
          let! k = Gens.dim 1 4
          let! a = Gens.tensor [| k |]
          let! b = Gens.tensor [| 2; k; 2 |]
          let! c = Gens.tensor [| k |]
          return Case("matmul 1-D", [| a; b; c |], fun xs -> xs.[0].MatMul(xs.[1]).Sum() + xs.[0].Dot(xs.[2])) })
      spec "linear (x·wᵀ + b, the weight's gradient computed in its own layout)" true (gen {
          let! m, k, n = Gen.zip3 (Gens.dim 1 3) (Gens.dim 1 3) (Gens.dim 1 3)
          let! x = Gens.tensor [| m; k |]
          let! w = Gens.tensor [| n; k |]
          let! b = Gens.tensor [| n |]
          return Case("linear", [| x; w; b |], fun xs -> Functional.Linear(xs.[0], xs.[1], xs.[2])) })
      spec "cat / stack" true (gen {
          let! s = Gens.shapeOfRank 2 3
          let! a = Gens.tensor s
          let! b = Gens.tensor s
          return Case("cat + stack", [| a; b |], fun xs -> Join.Cat(xs, 1).Sin().Sum() + Join.Stack(xs, 0).Cos().Sum(0).Sum(0).Sum()) })
      spec "split / chunk" true (gen {
          let! n = Gens.dim 2 6
          let! x = Gens.tensor [| n; 2 |]
          return Case("split + chunk", [| x |], fun xs ->
              let parts = xs.[0].Split(2) |> Array.mapi (fun i p -> p.Sum() * float (i + 1))
              let chunks = xs.[0].Chunk(2, 1) |> Array.mapi (fun i p -> p.Exp().Sum() * float (i + 2))
              Array.reduce (+) (Array.append parts chunks)) })
      spec "gather" true (gen {
          let! r, c = Gen.zip (Gens.dim 1 3) (Gens.dim 1 4)
          let! x = Gens.tensor [| r; c |]
          let! idx = Gens.indices [| r; 3 |] c
          return Case("gather(1)", [| x |], fun xs -> xs.[0].Gather(1, near xs idx)) })
      spec "scatter / scatter_add" true (gen {
          let! r, c = Gen.zip (Gens.dim 1 3) (Gens.dim 2 4)
          let! x = Gens.tensor [| r; c |]
          let! src = Gens.tensor [| r; 1 |]
          let! col = Gens.indices [| r; 1 |] c
          let! many = Gens.indices [| r; 3 |] c
          let! src3 = Gens.tensor [| r; 3 |]
          return Case("scatter + scatter_add", [| x; src; src3 |], fun xs -> xs.[0].Scatter(1, near xs col, xs.[1]).Exp() + xs.[0].ScatterAdd(1, near xs many, xs.[2]).Sin()) })
      spec "index_select / index_add" true (gen {
          let! r, c = Gen.zip (Gens.dim 1 3) (Gens.dim 1 3)
          let! x = Gens.tensor [| r; c |]
          let! idx = Gens.indices [| 4 |] r
          let! src = Gens.tensor [| 4; c |]
          return Case("index_select + index_add", [| x; src |], fun xs -> xs.[0].IndexSelect(0, near xs idx).Sin().Sum(0) + xs.[0].IndexAdd(0, near xs idx, xs.[1]).Exp().Sum(0)) })
      spec "unfold / fold" true (gen {
          let! h, w = Gen.zip (Gens.dim 2 4) (Gens.dim 2 4)
          let! x = Gens.tensor [| 1; 2; h; w |]
          let window = Window2d(2, 2, 1, 1, 1, 0, 1, 1)
          return Case("fold(unfold(x))", [| x |], fun xs ->
              let cols = Functional.Unfold(xs.[0], window)
              Functional.Fold(cols.Sin(), window, 2, h, w)) })
      spec "conv2d (groups, stride, padding, dilation)" true (gen {
          let! h, w = Gen.zip (Gens.dim 3 5) (Gens.dim 3 5)
          let! groups = Gen.elements [ 1; 2 ]
          let! stride, padding, dilation = Gen.zip3 (Gen.elements [ 1; 2 ]) (Gen.elements [ 0; 1 ]) (Gen.elements [ 1; 2 ])
          let! x = Gens.tensor [| 1; 2; h; w |]
          let! wt = Gens.tensor [| 2; 2 / groups; 2; 2 |]
          let! b = Gens.tensor [| 2 |]
          let ok = (h + 2 * padding - dilation - 1) >= 0 && (w + 2 * padding - dilation - 1) >= 0
          let dilation = if ok then dilation else 1
          return Case(sprintf "conv2d(groups=%d, stride=%d, padding=%d, dilation=%d)" groups stride padding dilation, [| x; wt; b |],
                      fun xs -> Functional.Conv2d(xs.[0], xs.[1], xs.[2], stride, padding, dilation, groups)) })
      spec "conv1d" true (gen {
          let! l = Gens.dim 3 6
          let! x = Gens.tensor [| 2; 2; l |]
          let! wt = Gens.tensor [| 3; 2; 2 |]
          return Case("conv1d(padding=1)", [| x; wt |], fun xs -> Functional.Conv1d(xs.[0], xs.[1], padding = 1)) })
      spec "max_pool2d" true (gen {
          let! h, w = Gen.zip (Gens.dim 2 4) (Gens.dim 2 4)
          let! x = Gens.distinctTensor [| 1; 2; h; w |]
          let! padding = Gen.elements [ 0; 1 ]
          return Case(sprintf "max_pool2d(2, padding=%d)" padding, [| x |], fun xs -> Functional.MaxPool2d(xs.[0], 2, 1, padding)) })
      spec "avg_pool2d" true (gen {
          let! h, w = Gen.zip (Gens.dim 2 4) (Gens.dim 2 4)
          let! x = Gens.tensor [| 1; 2; h; w |]
          return Case("avg_pool2d(2, stride 1, padding 1)", [| x |], fun xs -> Functional.AvgPool2d(xs.[0], 2, 1, 1)) })
      unary "dropout (fixed generator)" true -2.0 2.0 [] (fun x -> Functional.Dropout(x, 0.4, true, Generator(42UL)))
      spec "embedding" true (gen {
          let! n, d = Gen.zip (Gens.dim 2 4) (Gens.dim 1 3)
          let! weight = Gens.tensor [| n; d |]
          let! idx = Gens.indices [| 2; 3 |] n
          return Case("embedding", [| weight |], fun xs -> Functional.Embedding(near xs idx, xs.[0]).Sin()) })
      spec "cross_entropy" true (gen {
          let! n, c = Gen.zip (Gens.dim 1 3) (Gens.dim 2 4)
          let! x = Gens.tensor [| n; c |]
          let! target = Gens.indices [| n |] c
          return Case("cross_entropy", [| x |], fun xs -> Functional.CrossEntropy(xs.[0], near xs target)) })
      spec "nll_loss (sum)" true (gen {
          let! n, c = Gen.zip (Gens.dim 1 3) (Gens.dim 2 4)
          let! x = Gens.tensor [| n; c |]
          let! target = Gens.indices [| n |] c
          return Case("nll_loss", [| x |], fun xs -> Functional.NllLoss(xs.[0], near xs target, Reduction.Sum)) })
      binary "mse_loss" (fun a b -> Functional.MseLoss(a, b.ExpandAs(a).Contiguous())) g g |> fun s -> { s with Cases = Gens.shape 3 3 |> Gen.bind (fun sh -> Gen.zip (Gens.tensor sh) (Gens.tensor sh)) |> Gen.map (fun (a, b) -> Case("mse_loss", [| a; b |], fun xs -> Functional.MseLoss(xs.[0], xs.[1]))) }
      spec "binary_cross_entropy_with_logits" true (gen {
          let! s = Gens.shape 3 3
          let! x = Gens.tensorIn s -4.0 4.0 [] 0.0
          let! y = Gens.tensorIn s 0.0 1.0 [] 0.0
          return Case("bce_with_logits", [| x; y |], fun xs -> Functional.BinaryCrossEntropyWithLogits(xs.[0], xs.[1], Reduction.None)) })
      spec "custom function" true (gen {
          let! s = Gens.shape 3 3
          let! x = Gens.tensor s
          let cube (xs: Tensor[]) =
              let x = xs.[0]
              Gradients.Apply("Cube", [| x |], Func<_, _>(fun v -> v.[0] * v.[0] * v.[0]), Func<_, _>(fun g -> [| g * x * x * 3.0 |]))
          return Case("custom cube", [| x |], cube) }) ]

let all = elementwise @ reductions @ views @ structure
