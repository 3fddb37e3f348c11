namespace Hybrid

open System

/// The F# face of the library: pipeline-friendly functions over Tensor.
[<RequireQualifiedAccess; CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Tensor =
    /// A float32 tensor from values and a shape (copied).
    let ofArray (shape: int list) (values: float32[]) = Create.FromArray(Array.copy values, List.toArray shape)
    /// A float64 tensor from values and a shape (copied).
    let ofArray64 (shape: int list) (values: float[]) = Create.FromArray(Array.copy values, List.toArray shape)
    /// The elements, row-major.
    let toArray<'T> (x: Tensor) : 'T[] = x.ToArray<'T>()
    let zeros (shape: int list) = Create.Zeros(List.toArray shape)
    let ones (shape: int list) = Create.Ones(List.toArray shape)
    let full (shape: int list) (value: float) = Create.Full(List.toArray shape, value)
    let eye (n: int) = Create.Eye n
    let arange (stop: float) = Create.Arange(0.0, stop, 1.0)
    let linspace (start: float) (stop: float) (steps: int) = Create.Linspace(start, stop, steps)
    let rand (shape: int list) = Create.Rand(List.toArray shape)
    let randn (shape: int list) = Create.Randn(List.toArray shape)
    let randint (low: int64) (high: int64) (shape: int list) = Create.RandInt(low, high, List.toArray shape)
    let manualSeed (seed: int64) = Generator.Default.ManualSeed seed |> ignore
    /// How many threads the CPU kernels may use, the calling thread included (results never depend on it).
    let setNumThreads (threads: int) = CpuThreads.set threads
    let getNumThreads () = CpuThreads.get ()
    /// Marks a leaf as requiring grad and returns it.
    let requiresGrad (x: Tensor) = x.RequiresGrad_()
    let detach (x: Tensor) = x.Detach()
    let toDType (dtype: DType) (x: Tensor) = x.To dtype

    let sum (x: Tensor) = x.Sum()
    let sumDim (dim: int) (keepdim: bool) (x: Tensor) = x.Sum(dim, keepdim)
    let cumsum (dim: int) (x: Tensor) = x.CumSum dim
    let mean (x: Tensor) = x.Mean()
    let meanDim (dim: int) (keepdim: bool) (x: Tensor) = x.Mean(dim, keepdim)
    let max (x: Tensor) = x.Max()
    let min (x: Tensor) = x.Min()
    let exp (x: Tensor) = x.Exp()
    let log (x: Tensor) = x.Log()
    let sqrt (x: Tensor) = x.Sqrt()
    let sin (x: Tensor) = x.Sin()
    let cos (x: Tensor) = x.Cos()
    let tanh (x: Tensor) = x.Tanh()
    let abs (x: Tensor) = x.Abs()
    let floor (x: Tensor) = x.Floor()
    let ceil (x: Tensor) = x.Ceil()
    let round (x: Tensor) = x.Round()
    let trunc (x: Tensor) = x.Trunc()
    let pow (exponent: float) (x: Tensor) = x.Pow exponent
    let reshape (shape: int list) (x: Tensor) = x.Reshape(List.toArray shape)
    let repeat (repeats: int list) (x: Tensor) = x.Repeat(List.toArray repeats)
    let tile (dims: int list) (x: Tensor) = x.Tile(List.toArray dims)
    let flip (dims: int list) (x: Tensor) = x.Flip(List.toArray dims)
    let roll (shift: int) (dim: int) (x: Tensor) = x.Roll(shift, dim)
    let tril (diagonal: int) (x: Tensor) = x.Tril diagonal
    let triu (diagonal: int) (x: Tensor) = x.Triu diagonal
    let maskedFill (mask: Tensor) (value: float) (x: Tensor) = x.MaskedFill(mask, value)
    let isnan (x: Tensor) = x.IsNan()
    let isinf (x: Tensor) = x.IsInf()
    let isfinite (x: Tensor) = x.IsFinite()
    let any (x: Tensor) = x.Any()
    let all (x: Tensor) = x.All()
    /// Sorted along dim (smallest first), and the indices the values came from.
    let sort (dim: int) (x: Tensor) = let struct (values, indices) = x.Sort dim in values, indices
    let argsort (dim: int) (x: Tensor) = x.ArgSort dim
    /// Einstein summation: Tensor.einsum "ij,jk->ik" [ a; b ].
    let einsum (equation: string) (operands: Tensor list) = Einsum.Compute(equation, List.toArray operands)
    /// The k largest along the last dim, largest first, and their indices.
    let topk (k: int) (x: Tensor) = let struct (values, indices) = x.TopK k in values, indices
    let permute (dims: int list) (x: Tensor) = x.Permute(List.toArray dims)
    let transpose (d0: int) (d1: int) (x: Tensor) = x.Transpose(d0, d1)
    let matmul (a: Tensor) (b: Tensor) = a.MatMul b
    let softmax (dim: int) (x: Tensor) = x.Softmax dim
    let logSoftmax (dim: int) (x: Tensor) = x.LogSoftmax dim
    let cat (dim: int) (xs: Tensor list) = Join.Cat(List.toArray xs, dim)
    let stack (dim: int) (xs: Tensor list) = Join.Stack(List.toArray xs, dim)

/// Activation functions and operators for F# code.
[<AutoOpen>]
module Operators =
    /// A float32 tensor from a list of numbers (PyTorch's torch.tensor).
    let tensor (values: float32 list) = Create.FromArray(List.toArray values, [| values.Length |])
    /// A 0-d float32 tensor.
    let scalar (value: float32) = Create.FromArray([| value |], [||])
    let relu (x: Tensor) = x.Relu()
    let sigmoid (x: Tensor) = x.Sigmoid()
    let gelu (x: Tensor) = x.Gelu()
    let silu (x: Tensor) = x.Silu()
    let matmul (a: Tensor) (b: Tensor) = a.MatMul b
    /// Matrix product operator.
    let (@@) (a: Tensor) (b: Tensor) = a.MatMul b
    /// Runs f without recording the graph.
    let noGrad (f: unit -> 'T) = GradMode.noGrad f
    /// A differentiable function of your own: forward computes the value (not recorded),
    /// backward maps the output gradient to one gradient per input.
    let customFunction (name: string) (forward: Tensor[] -> Tensor) (backward: Tensor -> Tensor[]) (inputs: Tensor[]) =
        Gradients.Apply(name, inputs, Func<_, _> forward, Func<_, _> backward)

/// F# spelling of the gradient checker.
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module GradCheck =
    /// Checks f's first derivatives at inputs against finite differences (throws GradCheckException on mismatch).
    let check (f: Tensor[] -> Tensor) (inputs: Tensor[]) = GradCheck.Check(Func<_, _> f, inputs)
    /// Checks f's second derivatives.
    let gradGradCheck (f: Tensor[] -> Tensor) (inputs: Tensor[]) = GradCheck.GradGradCheck(Func<_, _> f, inputs)
