namespace Hybrid.Distributions

open System
open System.Collections.Generic
open System.Runtime.InteropServices
open Hybrid

module internal DistCore =
    let generator (g: Generator) = if isNull g then Generator.Default else g
    let allTrue (mask: Tensor) = GradMode.noGrad (fun () -> mask.NumEl = 0 || mask.LogicalNot().Long().Sum().ToInt64() = 0L)

/// A probability distribution over tensors (torch.distributions.Distribution): batch shape
/// (independent parameters) and event shape (the shape of one draw); samples have shape
/// sampleShape @ BatchShape @ EventShape.
[<AbstractClass>]
type Distribution(batchShape: int[], eventShape: int[]) =
    static let mutable validate = true

    /// Whether constructors and LogProb check their arguments (PyTorch's validate_args; on by default).
    static member ValidateArgs with get () = validate and set (v: bool) = validate <- v

    /// The shape of the independent parameters.
    member _.BatchShape = Array.copy batchShape
    /// The shape of one draw.
    member _.EventShape = Array.copy eventShape
    /// sampleShape @ BatchShape @ EventShape.
    member _.ExtendedShape(sampleShape: int[]) = Array.concat [ (if isNull sampleShape then [||] else sampleShape); batchShape; eventShape ]

    /// True when RSample is available (samples differentiable in the parameters).
    abstract HasRSample: bool
    default _.HasRSample = false

    /// Draws without gradient, of shape sampleShape @ BatchShape @ EventShape.
    abstract SampleWith: sampleShape: int[] * generator: Generator -> Tensor
    default this.SampleWith(sampleShape, generator) = GradMode.noGrad (fun () -> this.RSampleWith(sampleShape, generator).Detach())

    /// Reparameterized draws: differentiable in the parameters.
    abstract RSampleWith: sampleShape: int[] * generator: Generator -> Tensor
    default this.RSampleWith(_, _) =
        raise (NotSupportedException(sprintf "%s does not support reparameterized sampling (RSample: its samples are not differentiable in its parameters); use Sample" (this.GetType().Name)))

    /// One draw per batch element from the default generator.
    member this.Sample() = this.SampleWith([||], Generator.Default)
    /// Draws of shape sampleShape @ BatchShape @ EventShape.
    member this.Sample(sampleShape: int[]) = this.SampleWith(sampleShape, Generator.Default)
    /// Draws from the given generator (seeded: the same seed gives the same draws).
    member this.Sample(sampleShape: int[], generator: Generator) = this.SampleWith((if isNull sampleShape then [||] else sampleShape), DistCore.generator generator)
    member this.RSample() = this.RSampleWith([||], Generator.Default)
    member this.RSample(sampleShape: int[]) = this.RSampleWith(sampleShape, Generator.Default)
    member this.RSample(sampleShape: int[], generator: Generator) = this.RSampleWith((if isNull sampleShape then [||] else sampleShape), DistCore.generator generator)

    /// log p(value) (log of the density or of the mass), of shape broadcast(value) minus EventShape.
    abstract LogProb: value: Tensor -> Tensor
    /// The entropy, of BatchShape.
    abstract Entropy: unit -> Tensor
    /// The mean, of BatchShape @ EventShape.
    abstract Mean: Tensor
    /// The variance, of BatchShape @ EventShape.
    abstract Variance: Tensor
    /// The standard deviation.
    member this.Stddev = this.Variance.Sqrt()
    /// The cumulative distribution function.
    abstract Cdf: value: Tensor -> Tensor
    default this.Cdf(_) = raise (NotSupportedException(sprintf "%s has no Cdf" (this.GetType().Name)))
    /// The inverse cumulative distribution function.
    abstract Icdf: value: Tensor -> Tensor
    default this.Icdf(_) = raise (NotSupportedException(sprintf "%s has no Icdf" (this.GetType().Name)))

    /// Checks value's shape against the batch and event shapes, and that value lies in the support
    /// (`inSupport` gives the elementwise test, `support` its name), as PyTorch's _validate_sample.
    member internal this.ValidateSample(value: Tensor, inSupport: Tensor -> Tensor, support: string) =
        if isNull value then raise (ArgumentNullException "value")
        let e = eventShape.Length
        if value.Dim < e || value.Shape.[value.Dim - e ..] <> eventShape then
            raise (ArgumentException(sprintf "The right-most size of value must match event_shape: %s vs %s." (Shape.show value.Shape) (Shape.show eventShape)))
        let full = Array.append batchShape eventShape
        (try Shape.broadcast "log_prob" value.Shape full |> ignore
         with :? ArgumentException -> raise (ArgumentException(sprintf "Value is not broadcastable with batch_shape+event_shape: %s vs %s." (Shape.show value.Shape) (Shape.show full))))
        if Distribution.ValidateArgs && not (DistCore.allTrue (GradMode.noGrad (fun () -> inSupport (value.Detach())))) then
            raise (ArgumentException(sprintf "Expected value argument (Tensor of shape %s) to be within the support (%s) of the distribution %O, but found invalid values:\n%O" (Shape.show value.Shape) support this (value.Detach())))

    static member internal Describe(name: string, parameters: (string * Tensor) list) =
        sprintf "%s(%s)" name (String.Join(", ", parameters |> List.map (fun (n, t) -> sprintf "%s: %s" n (Shape.show t.Shape))))

/// Shared pieces: parameter broadcasting and validation, dtype limits, the gamma sampler.
module internal Dist =
    /// The smallest positive normal number and the machine epsilon of a floating dtype.
    let tiny (d: DType) = if d = DType.Float32 then 1.1754943508222875e-38 else 2.2250738585072014e-308
    let eps (d: DType) = if d = DType.Float32 then 1.1920928955078125e-07 else 2.220446049250313e-16

    /// A float32 0-d tensor (PyTorch's default dtype for Python numbers).
    let scalar (v: float) = Create.FromArray([| float32 v |], [||])

    /// Parameters in one floating dtype (float64 if any is), expanded to their broadcast shape.
    let broadcast (name: string) (ts: Tensor[]) =
        for t in ts do if isNull t then raise (ArgumentNullException(sprintf "%s: a parameter is null" name))
        let dtype = if ts |> Array.exists (fun t -> t.DType = DType.Float64) then DType.Float64 else DType.Float32
        let shape = ts |> Array.map (fun t -> t.Shape) |> Array.reduce (Shape.broadcast name)
        ts |> Array.map (fun t -> t.To(dtype).Expand(shape))

    /// PyTorch's message for a parameter outside its constraint.
    let checkParam (dist: string) (param: string) (value: Tensor) (ok: Tensor) (constraintName: string) =
        if Distribution.ValidateArgs && not (DistCore.allTrue ok) then
            raise (ArgumentException(sprintf "Expected parameter %s (Tensor of shape %s) of distribution %s to satisfy the constraint %s, but found invalid values:\n%O" param (Shape.show value.Shape) dist constraintName (value.Detach())))

    /// Central differences of the regularized lower incomplete gamma P(a, x) in a, Richardson-
    /// extrapolated (error O(h⁴)); on the upper tail the complement Q = 1 − P is differenced, to
    /// keep the relative accuracy where P ≈ 1.
    let private dPda (a: float) (x: float) =
        let upper = MathNet.Numerics.SpecialFunctions.GammaLowerRegularized(a, x) > 0.5
        let f (a: float) =
            if upper then -MathNet.Numerics.SpecialFunctions.GammaUpperRegularized(a, x)
            else MathNet.Numerics.SpecialFunctions.GammaLowerRegularized(a, x)
        let h = 1e-3 * a
        let central (h: float) = (f (a + h) - f (a - h)) / (2.0 * h)
        (4.0 * central (h / 2.0) - central h) / 3.0

    /// dx/da for x ~ Gamma(a, 1) by implicit reparameterization (Figurnov et al. 2018): with
    /// the CDF P(a, x) held fixed, dx/da = −(∂P/∂a) / p(x; a).
    let gammaSampleGrad (a: float) (x: float) =
        let logDensity = (a - 1.0) * Math.Log x - x - Special.lgamma a
        -(dPda a x) / Math.Exp logDensity

    /// Marsaglia–Tsang draws of Gamma(a, 1) for each a, from the seeded generator: rounds of
    /// normals and uniforms for the draws still pending (about 4% are rejected per round), so a
    /// seed fixes every value; a < 1 is boosted, Gamma(a) = Gamma(a + 1)·U^(1/a).
    let drawStandardGamma (alpha: float[]) (gen: Generator) =
        let n = alpha.Length
        let result = Array.zeroCreate n
        let boost = Create.Rand([| n |], DType.Float64, Nullable(), gen).ToArray<float>()
        let mutable pending = Array.init n id
        while pending.Length > 0 do
            let p = pending.Length
            let z = Create.Randn([| p |], DType.Float64, Nullable(), gen).ToArray<float>()
            let u = Create.Rand([| p |], DType.Float64, Nullable(), gen).ToArray<float>()
            let next = ResizeArray()
            for j in 0 .. p - 1 do
                let i = pending.[j]
                let a = alpha.[i]
                let d = (if a < 1.0 then a + 1.0 else a) - 1.0 / 3.0
                let c = 1.0 / sqrt (9.0 * d)
                let v = (1.0 + c * z.[j]) ** 3.0
                if v > 0.0 && Math.Log u.[j] < 0.5 * z.[j] * z.[j] + d - d * v + d * Math.Log v then
                    let g = d * v
                    result.[i] <- if a < 1.0 then g * boost.[i] ** (1.0 / a) else g
                else next.Add i
            pending <- next.ToArray()
        result

    /// Gamma(α, 1) samples, one per element of alpha (already of the sample shape), differentiable
    /// in alpha through the implicit reparameterization gradient.
    let standardGamma (alpha: Tensor) (gen: Generator) =
        let a = GradMode.noGrad (fun () -> alpha.Detach().Double().Contiguous().ToArray<float>())
        let lo = tiny alpha.DType
        let x = drawStandardGamma a gen |> Array.map (fun v -> max v lo)
        let sample = Create.FromArray(x, alpha.Shape).To(alpha.DType)
        if not (alpha.RequiresGrad && GradMode.isEnabled ()) then sample
        else
            let dxda = Create.FromArray(Array.map2 gammaSampleGrad a x, alpha.Shape).To(alpha.DType)
            Gradients.Apply("StandardGamma", [| alpha |], Func<_, _>(fun _ -> sample), Func<_, _>(fun g -> [| g * dxda |]))

    /// a·log(x), 0 where a = 0 (whatever x).
    let xlogy (a: Tensor) (x: Tensor) =
        let zero = a.Eq 0.0
        zero.Where(Prim.Scalar(0.0, a), a * zero.Where(Prim.Scalar(1.0, x), x).Log())

    /// log B(a, b) = lgamma a + lgamma b − lgamma(a + b).
    let lbeta (a: Tensor) (b: Tensor) = a.Lgamma() + b.Lgamma() - (a + b).Lgamma()

    /// A tensor like t filled with v.
    let fill (t: Tensor) (v: float) = Create.FullLike(t, v)

/// The normal distribution N(loc, scale²).
type Normal private (p: Tensor[]) =
    inherit Distribution(p.[0].Shape, [||])
    do Dist.checkParam "Normal" "scale" p.[1] (p.[1].Gt 0.0) "GreaterThan(lower_bound=0.0)"
    new(loc: Tensor, scale: Tensor) = Normal(Dist.broadcast "Normal" [| loc; scale |])
    new(loc: float, scale: float) = Normal(Dist.scalar loc, Dist.scalar scale)
    member _.Loc = p.[0]
    member _.Scale = p.[1]
    override _.HasRSample = true
    override this.RSampleWith(sampleShape, generator) =
        let eps = Create.Randn(this.ExtendedShape sampleShape, p.[0].DType, p.[0].Device, generator)
        p.[0] + eps * p.[1]
    override this.LogProb(value) =
        this.ValidateSample(value, (fun v -> v.Eq v), "Real()")
        let z = (value - p.[0]) / p.[1]
        z * z * -0.5 - p.[1].Log() - 0.5 * Math.Log(2.0 * Math.PI)
    override _.Entropy() = p.[1].Log() + (0.5 + 0.5 * Math.Log(2.0 * Math.PI))
    override _.Mean = p.[0]
    override _.Variance = p.[1] * p.[1]
    override _.Cdf(value) = ((value - p.[0]) / (p.[1] * sqrt 2.0)).Erf() * 0.5 + 0.5
    override _.Icdf(q) = p.[0] + p.[1] * (q * 2.0 - 1.0).Erfinv() * sqrt 2.0
    override _.ToString() = Distribution.Describe("Normal", [ "loc", p.[0]; "scale", p.[1] ])

/// The uniform distribution on [low, high).
type Uniform private (p: Tensor[]) =
    inherit Distribution(p.[0].Shape, [||])
    do if Distribution.ValidateArgs && not (DistCore.allTrue (p.[0].Lt p.[1])) then raise (ArgumentException "Uniform is not defined when low >= high")
    new(low: Tensor, high: Tensor) = Uniform(Dist.broadcast "Uniform" [| low; high |])
    new(low: float, high: float) = Uniform(Dist.scalar low, Dist.scalar high)
    member _.Low = p.[0]
    member _.High = p.[1]
    override _.HasRSample = true
    override this.RSampleWith(sampleShape, generator) =
        let u = Create.Rand(this.ExtendedShape sampleShape, p.[0].DType, p.[0].Device, generator)
        p.[0] + u * (p.[1] - p.[0])
    override this.LogProb(value) =
        this.ValidateSample(value, (fun v -> v.Ge(p.[0]).LogicalAnd(v.Lt p.[1])), "Interval(lower_bound=low, upper_bound=high)")
        let inside = value.Ge(p.[0]).LogicalAnd(value.Lt p.[1])
        let logWidth = -((p.[1] - p.[0]).Log())
        inside.Where(logWidth, Prim.Scalar(Double.NegativeInfinity, logWidth))
    override _.Entropy() = (p.[1] - p.[0]).Log()
    override _.Mean = (p.[0] + p.[1]) * 0.5
    override _.Variance = let w = p.[1] - p.[0] in w * w / 12.0
    override _.Cdf(value) = ((value - p.[0]) / (p.[1] - p.[0])).Clamp(0.0, 1.0)
    override _.Icdf(q) = p.[0] + q * (p.[1] - p.[0])
    override _.ToString() = Distribution.Describe("Uniform", [ "low", p.[0]; "high", p.[1] ])

/// Probabilities from either probs or logits (exactly one), as PyTorch's discrete distributions.
module internal Discrete =
    let choose (name: string) (probs: Tensor) (logits: Tensor) =
        if isNull probs = isNull logits then raise (ArgumentException "Either `probs` or `logits` must be specified, but not both.")
        let t = if isNull probs then logits else probs
        if not (t.DType.IsFloating()) then (if isNull probs then struct (null, t.Float()) else struct (t.Float(), null))
        else struct (probs, logits)

    /// The batch shape of a categorical parameter (…, K).
    let batchOf (given: struct (Tensor * Tensor)) =
        let struct (p, l) = given
        let t = if isNull p then l else p
        if t.Dim < 1 then raise (ArgumentException "`probs` or `logits` must be at least one-dimensional.")
        t.Shape.[.. t.Dim - 2]

    /// log(p) − log(1 − p) with p clamped into (0, 1) by the dtype's epsilon (PyTorch's probs_to_logits).
    let binaryLogits (p: Tensor) =
        let e = Dist.eps p.DType
        let c = p.Clamp(e, 1.0 - e)
        c.Log() - (-c).Log1p()

/// A coin with P(1) = probs (or sigmoid(logits)); samples are 0/1 in the parameter's dtype.
type Bernoulli private (given: struct (Tensor * Tensor)) =
    inherit Distribution((let struct (p, l) = given in if isNull p then l else p).Shape, [||])
    let struct (probs, logits) = given
    do if not (isNull probs) then Dist.checkParam "Bernoulli" "probs" probs (probs.Ge(0.0).LogicalAnd(probs.Le 1.0)) "Interval(lower_bound=0.0, upper_bound=1.0)"
    let probs' = if isNull probs then logits.Sigmoid() else probs
    let logits' = if isNull logits then Discrete.binaryLogits probs else logits
    new([<Optional; DefaultParameterValue(null: Tensor)>] probs: Tensor, [<Optional; DefaultParameterValue(null: Tensor)>] logits: Tensor) =
        Bernoulli(Discrete.choose "Bernoulli" probs logits)
    member _.Probs = probs'
    member _.Logits = logits'
    override this.SampleWith(sampleShape, generator) =
        GradMode.noGrad (fun () ->
            let u = Create.Rand(this.ExtendedShape sampleShape, probs'.DType, probs'.Device, generator)
            u.Lt(probs'.Detach()).To probs'.DType)
    override this.LogProb(value) =
        this.ValidateSample(value, (fun v -> v.Eq(0.0).LogicalOr(v.Eq 1.0)), "Boolean()")
        let value = value.To logits'.DType
        let shape = Shape.broadcast "log_prob" value.Shape logits'.Shape
        -Functional.BinaryCrossEntropyWithLogits(logits'.Expand shape, value.Expand shape, Reduction.None)
    override _.Entropy() = Functional.BinaryCrossEntropyWithLogits(logits', probs', Reduction.None)
    override _.Mean = probs'
    override _.Variance = probs' * (1.0 - probs')
    override _.ToString() = Distribution.Describe("Bernoulli", [ (if isNull probs then "logits", logits else "probs", probs) ])

/// One of K categories (Int64 samples) with probabilities along the last dim of probs (normalized
/// to sum to 1) or logits (normalized by logsumexp).
type Categorical private (given: struct (Tensor * Tensor)) =
    inherit Distribution(Discrete.batchOf given, [||])
    let struct (probs, logits) = given
    do
        if not (isNull probs) then Dist.checkParam "Categorical" "probs" probs (probs.Ge 0.0) "Simplex()"
        if not (isNull probs) then Dist.checkParam "Categorical" "probs" probs (probs.Sum(-1).Gt 0.0) "Simplex()"
        if not (isNull logits) then Dist.checkParam "Categorical" "logits" logits (logits.Eq(logits).LogicalAnd(logits.Lt Double.PositiveInfinity)) "IndependentConstraint(Real(), 1)"
    let probs' = if isNull probs then logits.Softmax(-1) else probs / probs.Sum(-1, true)
    let logits' = if isNull logits then probs'.Clamp(Dist.tiny probs'.DType, 1.0).Log() else logits - logits.LogSumExp(-1, true)
    new([<Optional; DefaultParameterValue(null: Tensor)>] probs: Tensor, [<Optional; DefaultParameterValue(null: Tensor)>] logits: Tensor) =
        Categorical(Discrete.choose "Categorical" probs logits)
    /// Normalized probabilities (…, K).
    member _.Probs = probs'
    /// Normalized log-probabilities (…, K).
    member _.Logits = logits'
    /// The number of categories K.
    member _.NumEvents = probs'.Shape.[probs'.Dim - 1]
    /// Category indices drawn by inverting the cumulative probabilities (CPU).
    static member internal Draw(probs: Tensor, count: int, generator: Generator) =
        let k = probs.Shape.[probs.Dim - 1]
        let p = GradMode.noGrad (fun () -> probs.Detach().Double().Contiguous().ToArray<float>())
        let rows = if k = 0 then 0 else p.Length / k
        let u = Create.Rand([| count * rows |], DType.Float64, Nullable(), generator).ToArray<float>()
        let cumulative = Array.init rows (fun r -> Array.scan (+) 0.0 p.[r * k .. r * k + k - 1] |> Array.tail)
        Array.init (count * rows) (fun i ->
            let c = cumulative.[i % rows]
            let target = u.[i] * c.[k - 1]
            let mutable j = 0
            while j < k - 1 && (c.[j] <= target || p.[(i % rows) * k + j] = 0.0) do j <- j + 1
            int64 j)
    override this.SampleWith(sampleShape, generator) =
        let shape = this.ExtendedShape sampleShape
        let count = Shape.count (if isNull sampleShape then [||] else sampleShape)
        Create.FromArray(Categorical.Draw(probs', count, generator), shape)
    override this.LogProb(value) =
        let k = this.NumEvents
        this.ValidateSample(value, (fun v -> v.Ge(0.0).LogicalAnd(v.Lt(float k)).LogicalAnd(v.Eq(v.Long().To v.DType))), sprintf "IntegerInterval(lower_bound=0, upper_bound=%d)" (k - 1))
        let index = value.Long().Unsqueeze(-1)
        let batch = Shape.broadcast "log_prob" index.Shape (Array.append this.BatchShape [| 1 |])
        let l = logits'.Expand(Array.append batch.[.. batch.Length - 2] [| k |])
        l.Gather(-1, index.Expand batch).Squeeze(-1)
    override _.Entropy() =
        let l = logits'.ClampMin(-Double.MaxValue)
        -((l * probs').Sum(-1))
    override this.Mean = Create.FullLike(probs'.Select(-1, 0), Double.NaN)
    override this.Variance = Create.FullLike(probs'.Select(-1, 0), Double.NaN)
    override _.ToString() = Distribution.Describe("Categorical", [ (if isNull probs then "logits", logits else "probs", probs) ])

/// Counts of totalCount draws among K categories (event shape K; samples in the parameter's dtype).
type Multinomial private (totalCount: int, cat: Categorical) =
    inherit Distribution(cat.BatchShape, [| cat.NumEvents |])
    do if totalCount < 0 then raise (ArgumentException(sprintf "Expected parameter total_count to be a non-negative integer, got %d" totalCount))
    new(totalCount: int, [<Optional; DefaultParameterValue(null: Tensor)>] probs: Tensor, [<Optional; DefaultParameterValue(null: Tensor)>] logits: Tensor) =
        Multinomial(totalCount, Categorical(probs, logits))
    member _.TotalCount = totalCount
    member _.Probs = cat.Probs
    member _.Logits = cat.Logits
    override this.SampleWith(sampleShape, generator) =
        let k = cat.NumEvents
        let sampleShape = if isNull sampleShape then [||] else sampleShape
        let rows = Shape.count cat.BatchShape
        let count = Shape.count sampleShape
        // totalCount categorical draws per (sample, batch) element, counted per category.
        let draws = Categorical.Draw(cat.Probs, count * totalCount, generator)
        let counts = Array.zeroCreate (count * rows * k)
        draws |> Array.iteri (fun i c ->
            let element = (i / rows) / totalCount * rows + i % rows
            counts.[element * k + int c] <- counts.[element * k + int c] + 1.0)
        Create.FromArray(counts, this.ExtendedShape sampleShape).To cat.Probs.DType
    override this.LogProb(value) =
        this.ValidateSample(value, (fun v -> v.Ge(0.0).LogicalAnd(v.Eq(v.Long().To v.DType)).LogicalAnd(v.Sum(-1, true).Le(float totalCount))), sprintf "Multinomial(total_count=%d)" totalCount)
        let value = value.To cat.Logits.DType
        let logits = cat.Logits.ClampMin(-Double.MaxValue)
        (value.Sum(-1) + 1.0).Lgamma() - (value + 1.0).Lgamma().Sum(-1) + (value.Eq(0.0).Where(Prim.Scalar(0.0, logits), value * logits)).Sum(-1)
    override _.Entropy() =
        // n·H(categorical) − log n! + Σᵢ Σₖ Binomial(n, pᵢ)(k)·log k!, as PyTorch.
        let n = float totalCount
        let p = cat.Probs
        let support = Create.Arange(0.0, n + 1.0, 1.0, DType.Float64).To(p.DType).Reshape(Array.append [| totalCount + 1 |] (Array.create p.Dim 1))
        let logits = Discrete.binaryLogits p
        let logBinomial = Dist.fill support (Special.lgamma (n + 1.0)) - (support + 1.0).Lgamma() - (n - support + 1.0).Lgamma() + support * logits - n * logits.Softplus()
        let weights = (support + 1.0).Lgamma()
        cat.Entropy() * n - Special.lgamma (n + 1.0) + (logBinomial.Exp() * weights).Sum(0).Sum(-1)
    override _.Mean = cat.Probs * float totalCount
    override _.Variance = cat.Probs * (1.0 - cat.Probs) * float totalCount
    override _.ToString() = sprintf "Multinomial(total_count: %d, probs: %s)" totalCount (Shape.show cat.Probs.Shape)

/// The gamma distribution with shape (concentration) α and rate β: density β^α x^(α−1) e^(−βx) / Γ(α).
type Gamma private (p: Tensor[]) =
    inherit Distribution(p.[0].Shape, [||])
    do
        Dist.checkParam "Gamma" "concentration" p.[0] (p.[0].Gt 0.0) "GreaterThan(lower_bound=0.0)"
        Dist.checkParam "Gamma" "rate" p.[1] (p.[1].Gt 0.0) "GreaterThan(lower_bound=0.0)"
    new(concentration: Tensor, rate: Tensor) = Gamma(Dist.broadcast "Gamma" [| concentration; rate |])
    new(concentration: float, rate: float) = Gamma(Dist.scalar concentration, Dist.scalar rate)
    member _.Concentration = p.[0]
    member _.Rate = p.[1]
    override _.HasRSample = true
    /// Marsaglia–Tsang draws; differentiable in both parameters (in the concentration through the
    /// implicit reparameterization gradient, as PyTorch's).
    override this.RSampleWith(sampleShape, generator) =
        let shape = this.ExtendedShape sampleShape
        (Dist.standardGamma (p.[0].Expand shape) generator / p.[1]).ClampMin(Dist.tiny p.[0].DType)
    override this.LogProb(value) =
        this.ValidateSample(value, (fun v -> v.Ge 0.0), "GreaterThanEq(lower_bound=0.0)")
        let value = value.To p.[0].DType
        Dist.xlogy p.[0] p.[1] + Dist.xlogy (p.[0] - 1.0) value - p.[1] * value - p.[0].Lgamma()
    override _.Entropy() = p.[0] - p.[1].Log() + p.[0].Lgamma() + (1.0 - p.[0]) * p.[0].Digamma()
    override _.Mean = p.[0] / p.[1]
    override _.Variance = p.[0] / (p.[1] * p.[1])
    override _.ToString() = Distribution.Describe("Gamma", [ "concentration", p.[0]; "rate", p.[1] ])

/// The Dirichlet distribution on the simplex with concentration α (…, K).
type Dirichlet(concentration: Tensor) =
    inherit Distribution(
        (if isNull concentration || concentration.Dim < 1 then raise (ArgumentException "`concentration` parameter must be at least one-dimensional.") else concentration.Shape.[.. concentration.Dim - 2]),
        [| concentration.Shape.[concentration.Dim - 1] |])
    let alpha = if concentration.DType.IsFloating() then concentration else concentration.Float()
    do Dist.checkParam "Dirichlet" "concentration" alpha (alpha.Gt 0.0) "IndependentConstraint(GreaterThan(lower_bound=0.0), 1)"
    member _.Concentration = alpha
    override _.HasRSample = true
    /// Normalized gamma draws; differentiable through the implicit reparameterization gradient.
    override this.RSampleWith(sampleShape, generator) =
        let g = Dist.standardGamma (alpha.Expand(this.ExtendedShape sampleShape)) generator
        (g / g.Sum(-1, true)).Clamp(Dist.tiny alpha.DType, 1.0 - Dist.eps alpha.DType)
    override this.LogProb(value) =
        this.ValidateSample(value, (fun v -> v.Ge(0.0).LogicalAnd((v.Sum(-1, true) - 1.0).Abs().Lt 1e-6)), "Simplex()")
        let value = value.To alpha.DType
        (Dist.xlogy (alpha - 1.0) value).Sum(-1) + alpha.Sum(-1).Lgamma() - alpha.Lgamma().Sum(-1)
    override _.Entropy() =
        let k = float alpha.Shape.[alpha.Dim - 1]
        let a0 = alpha.Sum(-1)
        alpha.Lgamma().Sum(-1) - a0.Lgamma() - (k - a0) * a0.Digamma() - ((alpha - 1.0) * alpha.Digamma()).Sum(-1)
    override _.Mean = alpha / alpha.Sum(-1, true)
    override _.Variance =
        let a0 = alpha.Sum(-1, true)
        alpha * (a0 - alpha) / (a0 * a0 * (a0 + 1.0))
    override _.ToString() = Distribution.Describe("Dirichlet", [ "concentration", alpha ])

/// The beta distribution on [0, 1]: density x^(α−1)(1−x)^(β−1) / B(α, β).
type Beta private (p: Tensor[]) =
    inherit Distribution(p.[0].Shape, [||])
    do
        Dist.checkParam "Beta" "concentration1" p.[0] (p.[0].Gt 0.0) "GreaterThan(lower_bound=0.0)"
        Dist.checkParam "Beta" "concentration0" p.[1] (p.[1].Gt 0.0) "GreaterThan(lower_bound=0.0)"
    new(concentration1: Tensor, concentration0: Tensor) = Beta(Dist.broadcast "Beta" [| concentration1; concentration0 |])
    new(concentration1: float, concentration0: float) = Beta(Dist.scalar concentration1, Dist.scalar concentration0)
    /// α.
    member _.Concentration1 = p.[0]
    /// β.
    member _.Concentration0 = p.[1]
    override _.HasRSample = true
    /// The first coordinate of a Dirichlet(α, β) draw; differentiable as Dirichlet's.
    override this.RSampleWith(sampleShape, generator) =
        let pair = Join.Stack([| p.[0]; p.[1] |], -1)
        Dirichlet(pair).RSampleWith(sampleShape, generator).Select(-1, 0)
    override this.LogProb(value) =
        this.ValidateSample(value, (fun v -> v.Ge(0.0).LogicalAnd(v.Le 1.0)), "Interval(lower_bound=0.0, upper_bound=1.0)")
        let value = value.To p.[0].DType
        Dist.xlogy (p.[0] - 1.0) value + Dist.xlogy (p.[1] - 1.0) (1.0 - value) - Dist.lbeta p.[0] p.[1]
    override _.Entropy() =
        let a, b = p.[0], p.[1]
        Dist.lbeta a b - (a - 1.0) * a.Digamma() - (b - 1.0) * b.Digamma() + (a + b - 2.0) * (a + b).Digamma()
    override _.Mean = p.[0] / (p.[0] + p.[1])
    override _.Variance =
        let total = p.[0] + p.[1]
        p.[0] * p.[1] / (total * total * (total + 1.0))
    override _.ToString() = Distribution.Describe("Beta", [ "concentration1", p.[0]; "concentration0", p.[1] ])

/// The exponential distribution with rate λ: density λe^(−λx) on x ≥ 0.
type Exponential private (rate: Tensor, _unit: unit) =
    inherit Distribution(rate.Shape, [||])
    do Dist.checkParam "Exponential" "rate" rate (rate.Gt 0.0) "GreaterThan(lower_bound=0.0)"
    new(rate: Tensor) = Exponential((Dist.broadcast "Exponential" [| rate |]).[0], ())
    new(rate: float) = Exponential(Dist.scalar rate)
    member _.Rate = rate
    override _.HasRSample = true
    override this.RSampleWith(sampleShape, generator) =
        let u = Create.Rand(this.ExtendedShape sampleShape, rate.DType, rate.Device, generator)
        -((-u).Log1p()) / rate
    override this.LogProb(value) =
        this.ValidateSample(value, (fun v -> v.Ge 0.0), "GreaterThanEq(lower_bound=0.0)")
        rate.Log() - rate * value
    override _.Entropy() = 1.0 - rate.Log()
    override _.Mean = 1.0 / rate
    override _.Variance = 1.0 / (rate * rate)
    override _.Cdf(value) = 1.0 - (-(rate * value)).Exp()
    override _.Icdf(q) = -((-q).Log1p()) / rate
    override _.ToString() = Distribution.Describe("Exponential", [ "rate", rate ])

/// The Laplace distribution: density e^(−|x − loc|/scale) / (2·scale).
type Laplace private (p: Tensor[]) =
    inherit Distribution(p.[0].Shape, [||])
    do Dist.checkParam "Laplace" "scale" p.[1] (p.[1].Gt 0.0) "GreaterThan(lower_bound=0.0)"
    new(loc: Tensor, scale: Tensor) = Laplace(Dist.broadcast "Laplace" [| loc; scale |])
    new(loc: float, scale: float) = Laplace(Dist.scalar loc, Dist.scalar scale)
    member _.Loc = p.[0]
    member _.Scale = p.[1]
    override _.HasRSample = true
    override this.RSampleWith(sampleShape, generator) =
        let e = Dist.eps p.[0].DType
        // u uniform in [eps − 1, 1), so log1p(−|u|) stays finite.
        let u = Create.Rand(this.ExtendedShape sampleShape, p.[0].DType, p.[0].Device, generator) * (2.0 - e) + (e - 1.0)
        p.[0] - p.[1] * u.Sign() * (-(u.Abs())).Log1p()
    override this.LogProb(value) =
        this.ValidateSample(value, (fun v -> v.Eq v), "Real()")
        -((p.[1] * 2.0).Log()) - (value - p.[0]).Abs() / p.[1]
    override _.Entropy() = 1.0 + (p.[1] * 2.0).Log()
    override _.Mean = p.[0]
    override _.Variance = p.[1] * p.[1] * 2.0
    override _.Cdf(value) =
        let d = value - p.[0]
        0.5 - 0.5 * d.Sign() * ((-(d.Abs()) / p.[1]).Exp() - 1.0)
    override _.ToString() = Distribution.Describe("Laplace", [ "loc", p.[0]; "scale", p.[1] ])

/// Validation and the Cholesky factor for MultivariateNormal's constructor.
module internal MvnArgs =
    let prepare (loc: Tensor) (covarianceMatrix: Tensor) (precisionMatrix: Tensor) (scaleTril: Tensor) =
        if isNull loc then raise (ArgumentNullException "loc")
        if loc.Dim < 1 then raise (ArgumentException "loc must be at least one-dimensional.")
        let given = [ covarianceMatrix; precisionMatrix; scaleTril ] |> List.filter (isNull >> not)
        if given.Length <> 1 then raise (ArgumentException "Exactly one of covariance_matrix or precision_matrix or scale_tril may be specified.")
        let m = given.Head
        if m.Dim < 2 then raise (ArgumentException "scale_tril, covariance_matrix or precision_matrix must be at least two-dimensional, with optional leading batch dimensions")
        let k = loc.Shape.[loc.Dim - 1]
        if m.Shape.[m.Dim - 1] <> k || m.Shape.[m.Dim - 2] <> k then
            raise (ArgumentException(sprintf "MultivariateNormal: the matrix of shape %s does not match loc of shape %s (expected (..., %d, %d))" (Shape.show m.Shape) (Shape.show loc.Shape) k k))
        let dtype = if loc.DType = DType.Float64 || m.DType = DType.Float64 then DType.Float64 else DType.Float32
        let loc, m = loc.To dtype, m.To dtype
        let batch = Shape.broadcast "MultivariateNormal" loc.Shape.[.. loc.Dim - 2] m.Shape.[.. m.Dim - 3]
        let pdCheck (name: string) (a: Tensor) =
            let symmetric = GradMode.noGrad (fun () -> (a - a.Transpose(-1, -2)).Abs().Le(1e-6 * (a.Abs().Max().ToDouble() + 1.0)))
            Dist.checkParam "MultivariateNormal" name a symmetric "PositiveDefinite()"
            let struct (_, info) = GradMode.noGrad (fun () -> Linalg.CholeskyEx(a.Detach()))
            Dist.checkParam "MultivariateNormal" name a (info.Eq 0.0) "PositiveDefinite()"
        let l =
            if not (isNull scaleTril) then
                let upper = Create.FromArray(Array.init (k * k) (fun i -> if i % k > i / k then 1.0 else 0.0), [| k; k |]).To dtype
                Dist.checkParam "MultivariateNormal" "scale_tril" m ((m * upper).Eq(0.0)) "LowerCholesky()"
                Dist.checkParam "MultivariateNormal" "scale_tril" m (Linalg.Diagonal(m).Gt(0.0)) "LowerCholesky()"
                m
            elif not (isNull covarianceMatrix) then
                pdCheck "covariance_matrix" m
                Linalg.Cholesky m
            else
                pdCheck "precision_matrix" m
                let cov = Linalg.Inv m
                Linalg.Cholesky((cov + cov.Transpose(-1, -2)) * 0.5)
        struct (loc, l, batch)

/// The multivariate normal with mean loc (…, k) and one of covarianceMatrix, precisionMatrix or
/// scaleTril (…, k, k) (the lower Cholesky factor of the covariance).
type MultivariateNormal private (args: struct (Tensor * Tensor * int[])) =
    inherit Distribution((let struct (_, _, b) = args in b), [| (let struct (loc: Tensor, _, _) = args in loc.Shape.[loc.Dim - 1]) |])
    let struct (loc, scaleTril, batch) = args
    let k = loc.Shape.[loc.Dim - 1]
    let loc' = loc.Expand(Array.append batch [| k |])
    let halfLogDet = (Linalg.Diagonal scaleTril).Log().Sum(-1)
    new(loc: Tensor,
        [<Optional; DefaultParameterValue(null: Tensor)>] covarianceMatrix: Tensor,
        [<Optional; DefaultParameterValue(null: Tensor)>] precisionMatrix: Tensor,
        [<Optional; DefaultParameterValue(null: Tensor)>] scaleTril: Tensor) =
        MultivariateNormal(MvnArgs.prepare loc covarianceMatrix precisionMatrix scaleTril)
    member _.Loc = loc'
    /// The lower Cholesky factor L of the covariance (Σ = L·Lᵀ).
    member _.ScaleTril = scaleTril.Expand(Array.append batch [| k; k |])
    member _.CovarianceMatrix = scaleTril.MatMul(scaleTril.Transpose(-1, -2)).Expand(Array.append batch [| k; k |])
    member this.PrecisionMatrix = Linalg.Inv this.CovarianceMatrix
    override _.HasRSample = true
    override this.RSampleWith(sampleShape, generator) =
        let eps = Create.Randn(this.ExtendedShape sampleShape, loc.DType, loc.Device, generator)
        loc' + scaleTril.MatMul(eps.Unsqueeze(-1)).Squeeze(-1)
    /// −½(k·log 2π + ‖L⁻¹(x − μ)‖²) − Σ log diag(L).
    override this.LogProb(value) =
        this.ValidateSample(value, (fun v -> v.Eq v), "IndependentConstraint(Real(), 1)")
        let diff = value.To(loc.DType) - loc'
        let shape = Shape.broadcast "log_prob" diff.Shape.[.. diff.Dim - 2] scaleTril.Shape.[.. scaleTril.Dim - 3]
        let y = Linalg.Solve(scaleTril.Expand(Array.append shape [| k; k |]), diff.Expand(Array.append shape [| k |]).Unsqueeze(-1)).Squeeze(-1)
        (y * y).Sum(-1) * -0.5 - halfLogDet - 0.5 * float k * Math.Log(2.0 * Math.PI)
    override _.Entropy() = (halfLogDet + 0.5 * float k * (1.0 + Math.Log(2.0 * Math.PI))).Expand(batch)
    override _.Mean = loc'
    override _.Variance = (scaleTril * scaleTril).Sum(-1).Expand(Array.append batch [| k |])
    override _.ToString() = Distribution.Describe("MultivariateNormal", [ "loc", loc'; "scale_tril", scaleTril ])

module internal KLTable =
    let table = Dictionary<struct (Type * Type), Func<Distribution, Distribution, Tensor>>()
    let mutable ready = false

/// KL(p ‖ q) for pairs of distributions (torch.distributions.kl_divergence), with closed forms for
/// Normal, Bernoulli, Categorical, Exponential, Uniform, MultivariateNormal, Beta, Gamma, Laplace
/// and Dirichlet pairs; Register adds more.
[<AbstractClass; Sealed>]
type KL =
    /// Adds (or replaces) the closed form for distributions of types 'P and 'Q.
    static member Register<'P, 'Q when 'P :> Distribution and 'Q :> Distribution>(f: Func<'P, 'Q, Tensor>) =
        lock KLTable.table (fun () -> KLTable.table.[struct (typeof<'P>, typeof<'Q>)] <- Func<_, _, _>(fun p q -> f.Invoke(p :?> 'P, q :?> 'Q)))

    static member private Builtins() =
        let inf (like: Tensor) = Prim.Scalar(Double.PositiveInfinity, like)
        KL.Register<Normal, Normal>(fun p q ->
            let ratio = (p.Scale / q.Scale) * (p.Scale / q.Scale)
            let t = (p.Loc - q.Loc) / q.Scale
            (ratio + t * t - 1.0 - ratio.Log()) * 0.5)
        KL.Register<Bernoulli, Bernoulli>(fun p q ->
            let t1 = p.Probs * ((-q.Logits).Softplus() - (-p.Logits).Softplus())
            let t1 = q.Probs.Eq(0.0).Where(inf t1, t1)
            let t1 = p.Probs.Eq(0.0).Where(Prim.Scalar(0.0, t1), t1)
            let t2 = (1.0 - p.Probs) * (q.Logits.Softplus() - p.Logits.Softplus())
            let t2 = q.Probs.Eq(1.0).Where(inf t2, t2)
            let t2 = p.Probs.Eq(1.0).Where(Prim.Scalar(0.0, t2), t2)
            t1 + t2)
        KL.Register<Categorical, Categorical>(fun p q ->
            let t = p.Probs * (p.Logits - q.Logits)
            let t = q.Probs.Eq(0.0).Where(inf t, t)
            (p.Probs.Eq(0.0).Where(Prim.Scalar(0.0, t), t)).Sum(-1))
        KL.Register<Exponential, Exponential>(fun p q ->
            let ratio = q.Rate / p.Rate
            ratio - ratio.Log() - 1.0)
        KL.Register<Uniform, Uniform>(fun p q ->
            let r = ((q.High - q.Low) / (p.High - p.Low)).Log()
            q.Low.Gt(p.Low).LogicalOr(q.High.Lt p.High).Where(inf r, r))
        KL.Register<Laplace, Laplace>(fun p q ->
            let ratio = p.Scale / q.Scale
            let d = (p.Loc - q.Loc).Abs()
            -(ratio.Log()) + d / q.Scale + ratio * (-(d / p.Scale)).Exp() - 1.0)
        KL.Register<Gamma, Gamma>(fun p q ->
            q.Concentration * (p.Rate / q.Rate).Log() + q.Concentration.Lgamma() - p.Concentration.Lgamma()
            + (p.Concentration - q.Concentration) * p.Concentration.Digamma()
            + (q.Rate - p.Rate) * (p.Concentration / p.Rate))
        KL.Register<Beta, Beta>(fun p q ->
            let a1, b1, a2, b2 = p.Concentration1, p.Concentration0, q.Concentration1, q.Concentration0
            Dist.lbeta a2 b2 - Dist.lbeta a1 b1 + (a1 - a2) * a1.Digamma() + (b1 - b2) * b1.Digamma()
            + (a2 - a1 + b2 - b1) * (a1 + b1).Digamma())
        KL.Register<Dirichlet, Dirichlet>(fun p q ->
            let a, b = p.Concentration, q.Concentration
            let a0, b0 = a.Sum(-1), b.Sum(-1)
            a0.Lgamma() - b0.Lgamma() - (a.Lgamma() - b.Lgamma()).Sum(-1) + ((a - b) * (a.Digamma() - a0.Digamma().Unsqueeze(-1))).Sum(-1))
        KL.Register<MultivariateNormal, MultivariateNormal>(fun p q ->
            if p.EventShape <> q.EventShape then
                raise (ArgumentException "KL-divergence between two Multivariate Normals with different event shapes cannot be computed")
            let k = float p.EventShape.[0]
            let lp, lq = p.ScaleTril, q.ScaleTril
            let halfLogDet (l: Tensor) = (Linalg.Diagonal l).Log().Sum(-1)
            let batch = Shape.broadcast "kl_divergence" lp.Shape lq.Shape
            let m = Linalg.Solve(lq.Expand batch, lp.Expand batch)                 // Lq⁻¹·Lp
            let d = Linalg.Solve(lq.Expand batch, (q.Loc - p.Loc).Expand(batch.[.. batch.Length - 2]).Unsqueeze(-1)).Squeeze(-1)
            halfLogDet lq - halfLogDet lp + ((m * m).Sum([| -2; -1 |]) + (d * d).Sum(-1) - k) * 0.5)

    /// KL(p ‖ q) = E_p[log p(x) − log q(x)], of the broadcast batch shape.
    static member Divergence(p: Distribution, q: Distribution) : Tensor =
        if isNull (box p) then raise (ArgumentNullException "p")
        if isNull (box q) then raise (ArgumentNullException "q")
        lock KLTable.table (fun () ->
            if not KLTable.ready then
                KLTable.ready <- true
                KL.Builtins())
        let chain (t: Type) = t |> Seq.unfold (fun (t: Type) -> if isNull t || t = typeof<obj> then None else Some(t, t.BaseType)) |> Seq.toList
        let found =
            lock KLTable.table (fun () ->
                [ for tp in chain (p.GetType()) do
                    for tq in chain (q.GetType()) do
                        match KLTable.table.TryGetValue(struct (tp, tq)) with
                        | true, f -> yield f
                        | _ -> () ] |> List.tryHead)
        match found with
        | Some f -> f.Invoke(p, q)
        | None -> raise (NotSupportedException(sprintf "No KL(p || q) is implemented for p = %s and q = %s" (p.GetType().Name) (q.GetType().Name)))
