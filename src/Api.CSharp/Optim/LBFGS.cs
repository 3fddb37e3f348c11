using Hybrid.NN;

namespace Hybrid.Optim;

/// <summary>
/// L-BFGS (torch.optim.LBFGS), a port of torch/optim/lbfgs.py: each <see cref="Optimizer.Step(Func{Tensor})"/>
/// runs up to maxIter quasi-Newton iterations, evaluating the closure as often as it needs, with a
/// fixed step lr or the strong-Wolfe line search. Needs a closure; supports one parameter group
/// only. All parameters are treated as one flat vector (one device, one dtype). Scalars of the
/// algorithm (dot products, step lengths) are kept as doubles. State (on the first parameter, as
/// PyTorch): "func_evals", "n_iter", "d", "t", "old_dirs", "old_stps", "ro", "H_diag",
/// "prev_flat_grad", "prev_loss".
/// </summary>
public sealed class LBFGS : Optimizer
{
    /// <summary>L-BFGS over <paramref name="parameters"/>.</summary>
    /// <param name="parameters">The parameters to optimize (one group).</param>
    /// <param name="lr">Learning rate: the step length (default 1).</param>
    /// <param name="maxIter">Maximal number of iterations per step (default 20).</param>
    /// <param name="maxEval">Maximal number of closure evaluations per step (default maxIter·5/4).</param>
    /// <param name="toleranceGrad">Stop when the largest absolute gradient entry is at most this (default 1e-7).</param>
    /// <param name="toleranceChange">Stop when the loss or the parameters change less than this (default 1e-9).</param>
    /// <param name="historySize">Number of correction pairs kept (default 100).</param>
    /// <param name="lineSearchFn">null (fixed step, the default) or "strong_wolfe".</param>
    public LBFGS(IEnumerable<Parameter> parameters, double lr = 1, int maxIter = 20, int? maxEval = null,
                 double toleranceGrad = 1e-7, double toleranceChange = 1e-9, int historySize = 100, string? lineSearchFn = null)
        : base(new[] { new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters))) }, new Dictionary<string, object?>
        {
            ["lr"] = lr, ["max_iter"] = maxIter, ["max_eval"] = maxEval ?? maxIter * 5 / 4,
            ["tolerance_grad"] = toleranceGrad, ["tolerance_change"] = toleranceChange,
            ["history_size"] = historySize, ["line_search_fn"] = lineSearchFn,
        }, Validate)
    {
    }

    static void Validate(ParamGroup g)
    {
        OptimChecks.NonNegative(nameof(LBFGS), "learning rate", g.Lr, "lr");
        if (g.GetDouble("max_iter") < 1) throw new ArgumentException($"LBFGS: Invalid max_iter value: {g["max_iter"]} (expected at least 1)", "maxIter");
        if (g.GetDouble("history_size") < 1) throw new ArgumentException($"LBFGS: Invalid history_size value: {g["history_size"]} (expected at least 1)", "historySize");
        if (g["line_search_fn"] is not (null or "strong_wolfe"))
            throw new ArgumentException($"LBFGS: only 'strong_wolfe' is supported as line_search_fn, got '{g["line_search_fn"]}'", "lineSearchFn");
    }

    /// <summary>Runs the L-BFGS iterations; the closure is required and its first loss is returned.</summary>
    protected override Tensor? StepCore(Func<Tensor>? closure)
    {
        if (closure is null)
            throw new InvalidOperationException("LBFGS: Step requires a closure that reevaluates the model (zero the gradients, compute the loss, call Backward) and returns the loss");
        if (ParamGroups.Count != 1) throw new InvalidOperationException("LBFGS doesn't support per-parameter options (parameter groups)");
        using (Torch.NoGrad()) return Run(closure);
    }

    Tensor Run(Func<Tensor> closure)
    {
        Tensor Evaluate() { using (Torch.EnableGrad()) return closure(); }
        var group = ParamGroups[0];
        var ps = group.Params;
        var lr = group.Lr;
        var maxIter = (int)group.GetDouble("max_iter");
        var maxEval = (int)group.GetDouble("max_eval");
        var toleranceGrad = group.GetDouble("tolerance_grad");
        var toleranceChange = group.GetDouble("tolerance_change");
        var lineSearchFn = (string?)group["line_search_fn"];
        var historySize = (int)group.GetDouble("history_size");

        // LBFGS has only global state, kept on the first parameter as PyTorch does
        var state = StateOf(ps[0]);
        state.TryAdd("func_evals", 0);
        state.TryAdd("n_iter", 0);

        // evaluate initial f(x) and df/dx
        var origLoss = Evaluate();
        var loss = origLoss.ToDouble();
        var currentEvals = 1;
        state["func_evals"] = (int)state["func_evals"] + 1;
        var flatGrad = GatherFlatGrad(ps);
        var optCond = MaxAbs(flatGrad) <= toleranceGrad;
        if (optCond) return origLoss;

        var d = state.GetValueOrDefault("d") as Tensor;
        var t = state.GetValueOrDefault("t") as double? ?? lr;
        var oldDirs = state.GetValueOrDefault("old_dirs") as List<Tensor> ?? new List<Tensor>();
        var oldStps = state.GetValueOrDefault("old_stps") as List<Tensor> ?? new List<Tensor>();
        var ro = state.GetValueOrDefault("ro") as List<double> ?? new List<double>();
        var hDiag = state.GetValueOrDefault("H_diag") as double? ?? 1.0;
        var prevFlatGrad = state.GetValueOrDefault("prev_flat_grad") as Tensor;
        var prevLoss = state.GetValueOrDefault("prev_loss") as double? ?? double.NaN;

        var nIter = 0;
        while (nIter < maxIter)
        {
            nIter++;
            var globalIter = (int)state["n_iter"] + 1;
            state["n_iter"] = globalIter;

            // compute gradient descent direction
            if (globalIter == 1 || d is null || prevFlatGrad is null)
            {
                d = -flatGrad;
                oldDirs = new List<Tensor>();
                oldStps = new List<Tensor>();
                ro = new List<double>();
                hDiag = 1;
            }
            else
            {
                // do lbfgs update (update memory)
                var y = flatGrad - prevFlatGrad;
                var s = d * t;
                var ys = y.Dot(s).ToDouble();
                if (ys > 1e-10)
                {
                    if (oldDirs.Count == historySize)
                    {
                        // shift history by one (limited-memory)
                        oldDirs.RemoveAt(0);
                        oldStps.RemoveAt(0);
                        ro.RemoveAt(0);
                    }
                    oldDirs.Add(y);
                    oldStps.Add(s);
                    ro.Add(1.0 / ys);
                    // update scale of initial Hessian approximation
                    hDiag = ys / y.Dot(y).ToDouble();
                }
                // the approximate inverse Hessian times the gradient (two-loop recursion)
                var numOld = oldDirs.Count;
                var al = new double[numOld];
                var q = -flatGrad;
                for (var i = numOld - 1; i >= 0; i--)
                {
                    al[i] = oldStps[i].Dot(q).ToDouble() * ro[i];
                    q = q - oldDirs[i] * al[i];
                }
                var r = q * hDiag;
                for (var i = 0; i < numOld; i++)
                {
                    var beI = oldDirs[i].Dot(r).ToDouble() * ro[i];
                    r = r + oldStps[i] * (al[i] - beI);
                }
                d = r;
            }
            prevFlatGrad = flatGrad;
            prevLoss = loss;

            // compute step length: reset initial guess for step size
            t = globalIter == 1 ? Math.Min(1.0, 1.0 / flatGrad.Abs().Sum().ToDouble()) * lr : lr;

            // directional derivative
            var gtd = flatGrad.Dot(d).ToDouble();
            // directional derivative is below tolerance
            if (gtd > -toleranceChange) break;

            var lsFuncEvals = 0;
            if (lineSearchFn is not null)
            {
                var xInit = ps.Select(p => p.Detach().Clone()).ToList();
                (loss, flatGrad, t, lsFuncEvals) = StrongWolfe.Search(
                    (x, step, dir) => DirectionalEvaluate(Evaluate, ps, x, step, dir), xInit, t, d, loss, flatGrad, gtd);
                AddGrad(ps, t, d);
                optCond = MaxAbs(flatGrad) <= toleranceGrad;
            }
            else
            {
                // no line search, simply move with fixed-step
                AddGrad(ps, t, d);
                if (nIter != maxIter)
                {
                    // re-evaluate function only if not in last iteration
                    loss = Evaluate().ToDouble();
                    flatGrad = GatherFlatGrad(ps);
                    optCond = MaxAbs(flatGrad) <= toleranceGrad;
                    lsFuncEvals = 1;
                }
            }
            // update func eval
            currentEvals += lsFuncEvals;
            state["func_evals"] = (int)state["func_evals"] + lsFuncEvals;

            // check conditions
            if (nIter == maxIter) break;
            if (currentEvals >= maxEval) break;
            if (optCond) break;                                        // optimal condition
            if (MaxAbs(d) * Math.Abs(t) <= toleranceChange) break;     // lack of progress
            if (Math.Abs(loss - prevLoss) < toleranceChange) break;
        }

        state["d"] = d!;
        state["t"] = t;
        state["old_dirs"] = oldDirs;
        state["old_stps"] = oldStps;
        state["ro"] = ro;
        state["H_diag"] = hDiag;
        state["prev_flat_grad"] = prevFlatGrad!;
        state["prev_loss"] = prevLoss;
        return origLoss;
    }

    static double MaxAbs(Tensor v) => v.Abs().Max().ToDouble();

    /// <summary>Every parameter's gradient (zeros where none) flattened into one new vector.</summary>
    static Tensor GatherFlatGrad(IReadOnlyList<Parameter> ps) =>
        Torch.Cat(ps.Select(p => p.Grad is { } g ? g.Detach().Reshape(-1) : Torch.Zeros(new[] { p.NumEl }, p.DType, p.Device)).ToArray());

    /// <summary>p ← p + stepSize·(p's slice of update), for each parameter in order.</summary>
    static void AddGrad(IReadOnlyList<Parameter> ps, double stepSize, Tensor update)
    {
        var offset = 0;
        foreach (var p in ps)
        {
            var n = p.NumEl;
            p.Add_(update.Narrow(0, offset, n).Reshape(p.Shape), stepSize);
            offset += n;
        }
    }

    /// <summary>The loss and flat gradient at x + t·d; the parameters are restored to x afterwards.</summary>
    static (double, Tensor) DirectionalEvaluate(Func<Tensor> evaluate, IReadOnlyList<Parameter> ps, IReadOnlyList<Tensor> x, double t, Tensor d)
    {
        AddGrad(ps, t, d);
        var loss = evaluate().ToDouble();
        var flatGrad = GatherFlatGrad(ps);
        for (var i = 0; i < ps.Count; i++) ps[i].Copy_(x[i]);
        return (loss, flatGrad);
    }
}
