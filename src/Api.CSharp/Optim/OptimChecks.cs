using System.Globalization;

namespace Hybrid.Optim;

/// <summary>Guard clauses with PyTorch's messages, prefixed by the optimizer or scheduler's name.</summary>
internal static class OptimChecks
{
    /// <summary>A number as Python prints it (invariant culture, round-trip).</summary>
    public static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>"{owner}: Invalid {what}: {value}" unless value ≥ 0 (NaN fails too).</summary>
    public static void NonNegative(string owner, string what, double value, string paramName)
    {
        if (!(value >= 0)) throw new ArgumentException($"{owner}: Invalid {what}: {Fmt(value)}", paramName);
    }

    /// <summary>Each beta must lie in [0, 1).</summary>
    public static void Betas(string owner, (double Beta1, double Beta2) betas, string paramName)
    {
        if (!(betas.Beta1 >= 0 && betas.Beta1 < 1)) throw new ArgumentException($"{owner}: Invalid beta parameter at index 0: {Fmt(betas.Beta1)} (expected 0 <= beta < 1)", paramName);
        if (!(betas.Beta2 >= 0 && betas.Beta2 < 1)) throw new ArgumentException($"{owner}: Invalid beta parameter at index 1: {Fmt(betas.Beta2)} (expected 0 <= beta < 1)", paramName);
    }

    /// <summary>The common checks: lr, and weight_decay when the group has it.</summary>
    public static void LrAndWeightDecay(string owner, ParamGroup g)
    {
        NonNegative(owner, "learning rate", g.Lr, "lr");
        if (g.Has("weight_decay")) NonNegative(owner, "weight_decay value", g.WeightDecay, "weightDecay");
    }
}
