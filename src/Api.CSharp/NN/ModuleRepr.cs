using System.Text;

namespace Hybrid.NN;

public abstract partial class Module
{
    /// <summary>The text inside the parentheses of this module's line, e.g. "in_features=2, out_features=1, bias=True".</summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>The module tree exactly as PyTorch prints it.</summary>
    public override string ToString()
    {
        var children = NamedChildren().ToList();
        var extra = ExtraRepr();
        if (children.Count == 0) return $"{GetType().Name}({extra})";
        var sb = new StringBuilder(GetType().Name).Append('(');
        if (extra.Length > 0) sb.Append("\n  ").Append(extra.Replace("\n", "\n  "));
        foreach (var (name, child) in children)
            sb.Append("\n  (").Append(name).Append("): ").Append(child.ToString().Replace("\n", "\n  "));
        return sb.Append("\n)").ToString();
    }

    /// <summary>"True"/"False" as Python prints booleans.</summary>
    protected static string Py(bool value) => value ? "True" : "False";

    /// <summary>A float as Python prints it ("0.01", "1e-05", "1.0").</summary>
    protected static string Py(double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e16) return value.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        var r = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return r.Contains("E") ? value.ToString("0.####e-00", System.Globalization.CultureInfo.InvariantCulture) : r;
    }
}
