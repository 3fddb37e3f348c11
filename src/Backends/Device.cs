namespace Hybrid;

/// <summary>
/// Where a tensor's storage lives: "cpu", "cuda:0", ... Backends register themselves per
/// device type (<see cref="Backends"/>); an op whose operands live on two devices fails.
/// </summary>
public readonly record struct Device(string Type, int Index)
{
    /// <summary>The host CPU.</summary>
    public static readonly Device Cpu = new("cpu", -1);

    /// <summary>The first CUDA GPU.</summary>
    public static readonly Device Cuda = new("cuda", 0);

    /// <summary>Parses PyTorch's spelling: "cpu", "cuda", "cuda:1".</summary>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().ToLowerInvariant().Split(':');
        if (parts.Length > 2 || parts[0].Length == 0)
            throw new ArgumentException($"Invalid device string: '{text}'");
        if (parts.Length == 1)
            return parts[0] == "cpu" ? Cpu : new Device(parts[0], 0);
        if (!int.TryParse(parts[1], out var index) || index < 0)
            throw new ArgumentException($"Invalid device string: '{text}'");
        return new Device(parts[0], index);
    }

    /// <summary>"cpu" or "type:index", as PyTorch prints devices.</summary>
    public override string ToString() => Index < 0 ? Type : $"{Type}:{Index}";
}
