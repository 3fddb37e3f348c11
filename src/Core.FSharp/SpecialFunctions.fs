namespace Hybrid

open System
open System.Runtime.CompilerServices

/// Scalar special functions in double precision, from MathNet.Numerics where it has them, with
/// PyTorch's values at the poles and outside the domain (MathNet gives NaN or ±∞ differently).
module internal Special =
    /// sin(π·x), exact at integers (no rounding of π·x for large x).
    let sinPi (x: float) =
        let r = x - 2.0 * Math.Round(x / 2.0)   // in [−1, 1], same sine
        if r = 0.0 || abs r = 1.0 then 0.0 else Math.Sin(Math.PI * r)

    let private isNonPositiveInteger (x: float) = x <= 0.0 && Math.Floor x = x

    /// log |Γ(x)| (PyTorch's lgamma): +∞ at the poles 0, −1, −2, ...; for x < 0.5 by the
    /// reflection formula, since MathNet's GammaLn is NaN where Γ(x) < 0.
    let lgamma (x: float) =
        if Double.IsNaN x then x
        elif Double.IsPositiveInfinity x then x
        elif Double.IsNegativeInfinity x then Double.PositiveInfinity
        elif isNonPositiveInteger x then Double.PositiveInfinity
        elif x >= 0.5 then MathNet.Numerics.SpecialFunctions.GammaLn x
        else Math.Log(Math.PI / abs (sinPi x)) - MathNet.Numerics.SpecialFunctions.GammaLn(1.0 - x)

    /// ψ(x) = d/dx log Γ(x): −∞ at 0 and NaN at the negative integers, as PyTorch.
    let digamma (x: float) =
        if Double.IsNaN x then x
        elif x = 0.0 then Double.NegativeInfinity
        elif isNonPositiveInteger x then Double.NaN
        elif Double.IsPositiveInfinity x then x
        elif Double.IsNegativeInfinity x then Double.NaN
        else MathNet.Numerics.SpecialFunctions.DiGamma x

    // B₂ₖ for k = 1..10.
    let private bernoulli2k =
        [| 1.0 / 6.0; -1.0 / 30.0; 1.0 / 42.0; -1.0 / 30.0; 5.0 / 66.0; -691.0 / 2730.0; 7.0 / 6.0
           -3617.0 / 510.0; 43867.0 / 798.0; -174611.0 / 330.0 |]

    let private factorial (n: int) = Seq.fold (fun acc k -> acc * float k) 1.0 (seq { 1 .. n })

    /// ψ⁽ⁿ⁾(x), the n-th derivative of the digamma function (n ≥ 1; n = 0 is digamma): the
    /// recurrence ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x+1) + (−1)ⁿ⁺¹·n!/xⁿ⁺¹ moves x above 10 + n, where the
    /// asymptotic series (−1)ⁿ⁺¹[(n−1)!/xⁿ + n!/(2xⁿ⁺¹) + Σₖ B₂ₖ(2k+n−1)!/((2k)!·x²ᵏ⁺ⁿ)]
    /// converges to double precision within ten terms. At the poles: +∞ for odd n, NaN for even.
    let rec polygamma (n: int) (x: float) =
        if n < 0 then invalidArg "n" (sprintf "polygamma(n, x) does not support negative n (got %d)" n)
        elif n = 0 then digamma x
        elif Double.IsNaN x then x
        elif isNonPositiveInteger x || Double.IsNegativeInfinity x then (if n % 2 = 1 then Double.PositiveInfinity else Double.NaN)
        elif Double.IsPositiveInfinity x then 0.0
        else
            let sign = if n % 2 = 1 then 1.0 else -1.0           // (−1)ⁿ⁺¹
            let nf = factorial n
            let mutable x = x
            let mutable acc = 0.0
            let xmin = 10.0 + float n
            while x < xmin do
                acc <- acc + sign * nf / Math.Pow(x, float (n + 1))
                x <- x + 1.0
            let mutable series = factorial (n - 1) / Math.Pow(x, float n) + nf / (2.0 * Math.Pow(x, float (n + 1)))
            // (2k+n−1)!/(2k)! built up term by term: ratio from k to k+1 is (2k+n)(2k+n+1)/((2k+1)(2k+2)).
            let mutable coeff = factorial (n + 1) / 2.0                   // k = 1: (n+1)!/2!
            let mutable power = Math.Pow(x, float (n + 2))
            for k in 1 .. bernoulli2k.Length do
                series <- series + bernoulli2k.[k - 1] * coeff / power
                let k2 = float (2 * k)
                coeff <- coeff * (k2 + float n) * (k2 + float n + 1.0) / ((k2 + 1.0) * (k2 + 2.0))
                power <- power * x * x
            acc + sign * series

    /// The inverse error function on [−1, 1] (±∞ at ±1, NaN outside, as PyTorch).
    let erfinv (x: float) =
        if Double.IsNaN x || abs x > 1.0 then Double.NaN
        elif x = 1.0 then Double.PositiveInfinity
        elif x = -1.0 then Double.NegativeInfinity
        else MathNet.Numerics.SpecialFunctions.ErfInv x

    /// f of every element (computed in double, rounded once for float32), recorded as `op`.
    /// Integer inputs are computed in float32, as the other unary ops.
    let map (name: string) (op: Op) (f: float -> float) (x: Tensor) =
        if x.DType = DType.Bool then Prim.Fail(sprintf "%s: not supported for Bool tensors" name)
        let x = if x.DType.IsFloating() then x else Prim.Cast(x, DType.Float32)
        let result: Array =
            match x.backend.ToArray x.strided with
            | :? (float[]) as d -> Array.map f d :> Array
            | :? (float32[]) as d -> Array.map (fun (v: float32) -> float32 (f (float v))) d :> Array
            | other -> Prim.Fail(sprintf "%s: unsupported element type %s" name (other.GetType().Name))
        Prim.Result(op, [| x |], x.backend.FromArray result, x.shape)

/// Special functions as differentiable elementwise ops (torch.special): lgamma, digamma,
/// polygamma, erfinv; their derivatives are in the table (lgamma′ = digamma, digamma′ =
/// polygamma(1), polygamma(n)′ = polygamma(n+1), erfinv′ = √π/2·e^(erfinv(x)²)), so every
/// order is available.
[<Extension; AbstractClass; Sealed>]
type SpecialFunctionExtensions =
    /// log |Γ(x)|.
    [<Extension>] static member Lgamma(x: Tensor) = Special.map "lgamma" Lgamma Special.lgamma x
    /// ψ(x) = Γ′(x)/Γ(x).
    [<Extension>] static member Digamma(x: Tensor) = Special.map "digamma" Digamma Special.digamma x
    /// ψ⁽ⁿ⁾(x), the n-th derivative of digamma (n = 1 is the trigamma function).
    [<Extension>]
    static member Polygamma(x: Tensor, n: int) =
        if n < 0 then Prim.Fail(sprintf "polygamma(n, x) does not support negative n (got %d)" n)
        if n = 0 then Special.map "digamma" Digamma Special.digamma x
        else Special.map "polygamma" (Polygamma n) (Special.polygamma n) x
    /// The inverse of erf on (−1, 1).
    [<Extension>] static member Erfinv(x: Tensor) = Special.map "erfinv" Erfinv Special.erfinv x
    /// log of the multivariate gamma function Γ_p(x) = π^(p(p−1)/4)·Πⱼ Γ(x − j/2), j = 0..p−1.
    [<Extension>]
    static member Mvlgamma(x: Tensor, p: int) =
        if p < 1 then Prim.Fail(sprintf "mvlgamma: p has to be greater than or equal to 1 (got %d)" p)
        let terms = [ for j in 0 .. p - 1 -> (x - float j / 2.0).Lgamma() ]
        List.reduce (+) terms + float (p * (p - 1)) / 4.0 * Math.Log Math.PI
