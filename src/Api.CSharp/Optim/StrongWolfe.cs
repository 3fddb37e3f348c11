namespace Hybrid.Optim;

/// <summary>
/// The line search of torch/optim/lbfgs.py (_strong_wolfe and _cubic_interpolate, themselves
/// ported from Torch7's lswolfe.lua and polyinterp.lua): bracket a step satisfying the strong
/// Wolfe conditions, then zoom with safeguarded cubic interpolation.
/// </summary>
internal static class StrongWolfe
{
    /// <summary>Evaluates the loss and flat gradient at x + t·d (and restores x).</summary>
    public delegate (double Loss, Tensor FlatGrad) Objective(IReadOnlyList<Tensor> x, double t, Tensor d);

    /// <summary>
    /// Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to the bounds
    /// (the interval between the points by default); the bounds' midpoint when it has no real minimiser.
    /// </summary>
    public static double CubicInterpolate(double x1, double f1, double g1, double x2, double f2, double g2, (double Min, double Max)? bounds = null)
    {
        var (xminBound, xmaxBound) = bounds ?? (x1 <= x2 ? (x1, x2) : (x2, x1));
        var d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        var d2Square = d1 * d1 - g1 * g2;
        if (d2Square >= 0)
        {
            var d2 = Math.Sqrt(d2Square);
            var minPos = x1 <= x2
                ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            return Math.Min(Math.Max(minPos, xminBound), xmaxBound);
        }
        return (xminBound + xmaxBound) / 2.0;
    }

    /// <summary>
    /// From x along d with initial step t (loss f, gradient g, directional derivative gtd at x),
    /// returns the accepted step's loss, gradient, step length and the number of evaluations.
    /// </summary>
    public static (double Loss, Tensor FlatGrad, double T, int Evals) Search(
        Objective objective, IReadOnlyList<Tensor> x, double t, Tensor d, double f, Tensor g, double gtd,
        double c1 = 1e-4, double c2 = 0.9, double toleranceChange = 1e-9, int maxLs = 25)
    {
        var dNorm = d.Abs().Max().ToDouble();
        // evaluate objective and gradient using initial step
        var (fNew, gNew) = objective(x, t, d);
        var lsFuncEvals = 1;
        var gtdNew = gNew.Dot(d).ToDouble();

        // bracket an interval containing a point satisfying the Wolfe criteria
        double tPrev = 0, fPrev = f, gtdPrev = gtd;
        var gPrev = g;
        var done = false;
        var lsIter = 0;
        var bracket = new double[2];
        var bracketF = new double[2];
        var bracketG = new Tensor[2];
        var bracketGtd = new double[2];
        void Set(int i, double bt, double bf, Tensor bg, double bgtd) { bracket[i] = bt; bracketF[i] = bf; bracketG[i] = bg; bracketGtd[i] = bgtd; }
        var bracketed = false;
        while (lsIter < maxLs)
        {
            // check conditions
            if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev))
            {
                Set(0, tPrev, fPrev, gPrev, gtdPrev); Set(1, t, fNew, gNew, gtdNew);
                bracketed = true;
                break;
            }
            if (Math.Abs(gtdNew) <= -c2 * gtd)
            {
                Set(0, t, fNew, gNew, gtdNew); Set(1, t, fNew, gNew, gtdNew);   // a single point
                bracketed = done = true;
                break;
            }
            if (gtdNew >= 0)
            {
                Set(0, tPrev, fPrev, gPrev, gtdPrev); Set(1, t, fNew, gNew, gtdNew);
                bracketed = true;
                break;
            }
            // interpolate
            var minStep = t + 0.01 * (t - tPrev);
            var maxStep = t * 10;
            var tmp = t;
            t = CubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, (minStep, maxStep));
            // next step
            tPrev = tmp; fPrev = fNew; gPrev = gNew; gtdPrev = gtdNew;
            (fNew, gNew) = objective(x, t, d);
            lsFuncEvals++;
            gtdNew = gNew.Dot(d).ToDouble();
            lsIter++;
        }
        // reached max number of iterations?
        if (!bracketed) { Set(0, 0, f, g, gtd); Set(1, t, fNew, gNew, gtdNew); }

        // zoom phase: we now have a point satisfying the criteria, or a bracket around it;
        // refine the bracket until we find the exact point satisfying the criteria
        var insufProgress = false;
        var (lowPos, highPos) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
        while (!done && lsIter < maxLs)
        {
            // line-search bracket is so small
            if (Math.Abs(bracket[1] - bracket[0]) * dNorm < toleranceChange) break;

            // compute new trial value
            t = CubicInterpolate(bracket[0], bracketF[0], bracketGtd[0], bracket[1], bracketF[1], bracketGtd[1]);

            // test that we are making sufficient progress: if t is close to a boundary and we made
            // insufficient progress last step, or t is at a boundary, move it 0.1·|bracket| inside
            var hi = Math.Max(bracket[0], bracket[1]);
            var lo = Math.Min(bracket[0], bracket[1]);
            var eps = 0.1 * (hi - lo);
            if (Math.Min(hi - t, t - lo) < eps)
            {
                if (insufProgress || t >= hi || t <= lo)
                {
                    t = Math.Abs(t - hi) < Math.Abs(t - lo) ? hi - eps : lo + eps;
                    insufProgress = false;
                }
                else insufProgress = true;
            }
            else insufProgress = false;

            // evaluate new point
            (fNew, gNew) = objective(x, t, d);
            lsFuncEvals++;
            gtdNew = gNew.Dot(d).ToDouble();
            lsIter++;

            if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos])
            {
                // Armijo condition not satisfied or not lower than lowest point
                Set(highPos, t, fNew, gNew, gtdNew);
                (lowPos, highPos) = bracketF[0] <= bracketF[1] ? (0, 1) : (1, 0);
            }
            else
            {
                if (Math.Abs(gtdNew) <= -c2 * gtd) done = true;   // Wolfe conditions satisfied
                else if (gtdNew * (bracket[highPos] - bracket[lowPos]) >= 0)
                    Set(highPos, bracket[lowPos], bracketF[lowPos], bracketG[lowPos], bracketGtd[lowPos]);   // old high becomes new low
                Set(lowPos, t, fNew, gNew, gtdNew);   // new point becomes new low
            }
        }
        return (bracketF[lowPos], bracketG[lowPos], bracket[lowPos], lsFuncEvals);
    }
}
