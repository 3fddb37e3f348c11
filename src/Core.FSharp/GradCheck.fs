namespace Hybrid

open System
open System.Runtime.InteropServices
open System.Text

/// Raised when analytic and numerical derivatives disagree; the message shows where and by how much.
type GradCheckException(message: string) =
    inherit Exception(message)

/// Checks derivatives against float64 central differences, as torch.autograd.gradcheck:
/// the full Jacobian for small inputs; for larger ones, random directions through the
/// inner-product identity ⟨u, J·v⟩ = ⟨Jᵀ·u, v⟩ (vjp against a finite-difference jvp);
/// and the jvp itself against finite differences. GradGradCheck does the same for the
/// function x ↦ Jᵀ(x)·u, which proves second derivatives.
[<AbstractClass; Sealed>]
type GradCheck =
    static member private Flat(t: Tensor) = t.Detach().Contiguous().To(DType.Float64).ToArray<float>()

    static member private Evaluate(f: Func<Tensor[], Tensor>, inputs: Tensor[]) =
        GradMode.noGrad (fun () -> GradCheck.Flat(f.Invoke(inputs |> Array.map (fun t -> t.Detach()))))

    /// Inputs with entry k of input j moved by delta.
    static member private Perturbed(inputs: Tensor[], j: int, k: int, delta: float) =
        inputs |> Array.mapi (fun i t ->
            if i <> j then t.Detach()
            else
                let values = GradCheck.Flat t
                values.[k] <- values.[k] + delta
                Create.FromArray(values, t.Shape, device = t.Device))

    /// Numerical derivative of f's flattened output along direction v (one tensor per input).
    static member private NumericalJvp(f, inputs: Tensor[], v: float[][], eps: float) =
        let shifted sign =
            inputs |> Array.mapi (fun j t ->
                let values = GradCheck.Flat t
                if not (isNull v.[j]) then
                    for k in 0 .. values.Length - 1 do values.[k] <- values.[k] + sign * eps * v.[j].[k]
                Create.FromArray(values, t.Shape, device = t.Device))
        let plus, minus = GradCheck.Evaluate(f, shifted 1.0), GradCheck.Evaluate(f, shifted -1.0)
        Array.map2 (fun p m -> (p - m) / (2.0 * eps)) plus minus

    static member private Close(analytic: float, numeric: float, atol: float, rtol: float) =
        abs (analytic - numeric) <= atol + rtol * abs numeric

    /// True when f's derivatives agree with finite differences at `inputs` (float64 tensors;
    /// those with RequiresGrad are differentiated, or all floating ones if none is marked).
    /// Throws GradCheckException describing the first disagreement.
    static member Check(f: Func<Tensor[], Tensor>, inputs: Tensor[],
                        [<Optional; DefaultParameterValue(1e-6)>] eps: float,
                        [<Optional; DefaultParameterValue(1e-5)>] atol: float,
                        [<Optional; DefaultParameterValue(1e-3)>] rtol: float,
                        [<Optional; DefaultParameterValue(64)>] fullJacobianLimit: int,
                        [<Optional; DefaultParameterValue(0)>] seed: int) : bool =
        for t in inputs do
            if t.DType.IsFloating() && t.DType <> DType.Float64 then
                raise (ArgumentException(sprintf "GradCheck: inputs must be float64 for finite differences to be meaningful, got %s" (t.DType.TorchName())))
        let marked = inputs |> Array.exists (fun t -> t.RequiresGrad)
        let active = inputs |> Array.map (fun t -> t.DType = DType.Float64 && (t.RequiresGrad || not marked))
        let xs = inputs |> Array.mapi (fun i t -> if active.[i] then t.Detach().RequiresGrad_() else t.Detach())
        let y = GradMode.enableGrad (fun () -> f.Invoke xs)
        let m = y.NumEl
        let differentiable = [| for i in 0 .. xs.Length - 1 do if active.[i] then yield i |]
        let analyticVjp (u: float[]) =
            if not y.RequiresGrad then differentiable |> Array.map (fun i -> Array.zeroCreate xs.[i].NumEl)
            else
                let ut = Create.FromArray(Array.copy u, y.Shape, device = y.Device)
                let grads = Gradients.Grad([| y |], (differentiable |> Array.map (fun i -> xs.[i])), [| ut |], retainGraph = Nullable true, allowUnused = true)
                grads |> Array.mapi (fun k g -> if isNull g then Array.zeroCreate xs.[differentiable.[k]].NumEl else GradCheck.Flat g)
        let fail (what: string) = raise (GradCheckException what)
        let totalIn = differentiable |> Array.sumBy (fun i -> xs.[i].NumEl)
        if totalIn + m <= fullJacobianLimit then
            // Full Jacobian: column by column from finite differences, row by row from vjps.
            let rows = Array.init m (fun r -> analyticVjp (Array.init m (fun k -> if k = r then 1.0 else 0.0)))
            differentiable |> Array.iteri (fun di j ->
                for k in 0 .. xs.[j].NumEl - 1 do
                    let plus = GradCheck.Evaluate(f, GradCheck.Perturbed(xs, j, k, eps))
                    let minus = GradCheck.Evaluate(f, GradCheck.Perturbed(xs, j, k, -eps))
                    for r in 0 .. m - 1 do
                        let numeric = (plus.[r] - minus.[r]) / (2.0 * eps)
                        let analytic = rows.[r].[di].[k]
                        if not (GradCheck.Close(analytic, numeric, atol, rtol)) then
                            fail (sprintf "Jacobian mismatch for output %d with respect to input %d, element %d:\nnumerical: %.10g\nanalytical: %.10g\ninput shape %s, output shape %s" r j k numeric analytic (Shape.show xs.[j].Shape) (Shape.show y.Shape)))
        // Random directions: ⟨u, J·v⟩ by finite differences against ⟨Jᵀ·u, v⟩ by the vjp rules,
        // and the jvp transform against finite differences.
        let rng = Random(seed)
        for trial in 0 .. 1 do
            let v = xs |> Array.mapi (fun i t -> if active.[i] then Array.init t.NumEl (fun _ -> rng.NextDouble() * 2.0 - 1.0) else null)
            let u = Array.init m (fun _ -> rng.NextDouble() * 2.0 - 1.0)
            let jv = GradCheck.NumericalJvp(f, xs, v, eps)
            let numeric = Array.fold2 (fun acc a b -> acc + a * b) 0.0 u jv
            let vjps = analyticVjp u
            let analytic = differentiable |> Array.mapi (fun di j -> Array.fold2 (fun acc a b -> acc + a * b) 0.0 vjps.[di] v.[j]) |> Array.sum
            if not (GradCheck.Close(analytic, numeric, atol * float (max 1 m), rtol)) then
                fail (sprintf "vjp/jvp identity failed (trial %d): <u, J v> by finite differences = %.10g, <J^T u, v> by the rules = %.10g" trial numeric analytic)
            // Forward mode: the jvp (JVP rules) against finite differences, and ⟨u, J·v⟩ from the
            // jvp against ⟨Jᵀ·u, v⟩ from the vjp (JAX's check_vjp: the two rule columns agree).
            let tangents = xs |> Array.mapi (fun i t -> if active.[i] then Create.FromArray(Array.copy v.[i], t.Shape, device = t.Device) else null)
            let _, tangent = jvpMany (fun ins -> f.Invoke ins) xs tangents
            let analyticJv = GradCheck.Flat tangent
            Array.iteri2 (fun r a n ->
                if not (GradCheck.Close(a, n, atol, rtol)) then
                    fail (sprintf "jvp mismatch at output %d (trial %d): finite differences %.10g, JVP rules %.10g" r trial n a)) analyticJv jv
            let forward = Array.fold2 (fun acc a b -> acc + a * b) 0.0 u analyticJv
            if not (GradCheck.Close(analytic, forward, atol * float (max 1 m), rtol)) then
                fail (sprintf "JVP and VJP rules disagree (trial %d): <u, J v> by the JVP rules = %.10g, <J^T u, v> by the VJP rules = %.10g" trial forward analytic)
        true

    /// Second-order check: GradCheck of x ↦ Jᵀ(x)·u for a fixed random u (grad of grad).
    static member GradGradCheck(f: Func<Tensor[], Tensor>, inputs: Tensor[],
                                [<Optional; DefaultParameterValue(1e-6)>] eps: float,
                                [<Optional; DefaultParameterValue(1e-5)>] atol: float,
                                [<Optional; DefaultParameterValue(1e-3)>] rtol: float,
                                [<Optional; DefaultParameterValue(0)>] seed: int) : bool =
        let marked = inputs |> Array.exists (fun t -> t.RequiresGrad)
        let active = inputs |> Array.map (fun t -> t.DType = DType.Float64 && (t.RequiresGrad || not marked))
        let probe = GradMode.noGrad (fun () -> f.Invoke(inputs |> Array.map (fun t -> t.Detach())))
        let rng = Random(seed + 7919)
        let u = Create.FromArray(Array.init probe.NumEl (fun _ -> rng.NextDouble() * 2.0 - 1.0), probe.Shape, device = probe.Device)
        let gradOfF =
            Func<Tensor[], Tensor>(fun xs ->
              GradMode.enableGrad (fun () ->
                let ys = xs |> Array.mapi (fun i t -> if active.[i] && not t.RequiresGrad then t.Detach().RequiresGrad_() else t)
                let y = f.Invoke ys
                let targets = [| for i in 0 .. ys.Length - 1 do if active.[i] then yield ys.[i] |]
                if not y.RequiresGrad then Join.Cat(targets |> Array.map (fun t -> Create.Zeros([| t.NumEl |], t.DType, t.Device)), 0)
                else
                    let gs = Gradients.Grad([| y |], targets, [| u |], createGraph = true, allowUnused = true)
                    Join.Cat(Array.map2 (fun (g: Tensor) (t: Tensor) -> (if isNull g then Create.Zeros(t.Shape, t.DType, t.Device) else g).Reshape(-1)) gs targets, 0)))
        GradCheck.Check(gradOfF, inputs |> Array.mapi (fun i t -> if active.[i] then t.Detach().RequiresGrad_() else t.Detach()), eps, atol, rtol, 64, seed)
