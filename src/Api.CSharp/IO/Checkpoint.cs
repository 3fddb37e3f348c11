using System.Globalization;

namespace Hybrid.IO;

/// <summary>
/// A training checkpoint in one safetensors file: the model's state dict (keys "model.*"),
/// the optimizer's tensors ("optim.*") and scalars, the epoch, the state of random
/// generators and free-form strings, all in the metadata. Written atomically, so a crash
/// during <see cref="Save(string, IReadOnlyDictionary{string, Tensor}, IReadOnlyDictionary{string, Tensor}?, IReadOnlyDictionary{string, string}?, int, IReadOnlyDictionary{string, Generator}?, IReadOnlyDictionary{string, string}?)"/>
/// leaves the previous checkpoint intact; read as untrusted input (any defect throws
/// <see cref="InvalidDataException"/>).
/// </summary>
/// <remarks>
/// Metadata keys: "hybrid.checkpoint" = "1" (format version), "epoch", "rng.NAME.seed" and
/// "rng.NAME.offset" per generator (decimal), "optim.KEY" per optimizer scalar and
/// "extra.KEY" per extra string. <see cref="Generator.Default"/> is always saved as "default".
/// </remarks>
public sealed class Checkpoint
{
    /// <summary>The version written to the "hybrid.checkpoint" metadata entry.</summary>
    public const string FormatVersion = "1";

    const string ModelPrefix = "model.", OptimPrefix = "optim.", RngPrefix = "rng.", ExtraPrefix = "extra.";

    Checkpoint(Dictionary<string, Tensor> model, Dictionary<string, Tensor> optimizer, Dictionary<string, string> optimizerScalars,
        int epoch, Dictionary<string, (ulong Seed, ulong Offset)> rng, Dictionary<string, string> extra)
    {
        (Model, Optimizer, OptimizerScalars, Epoch, Rng, Extra) = (model, optimizer, optimizerScalars, epoch, rng, extra);
    }

    /// <summary>The model's state dict (for Module.LoadStateDict).</summary>
    public Dictionary<string, Tensor> Model { get; }

    /// <summary>The optimizer's tensors, keys without the "optim." prefix.</summary>
    public Dictionary<string, Tensor> Optimizer { get; }

    /// <summary>The optimizer's scalar settings and counters, as saved.</summary>
    public Dictionary<string, string> OptimizerScalars { get; }

    /// <summary>The epoch saved (by convention: epochs completed).</summary>
    public int Epoch { get; }

    /// <summary>The saved generator states by name ("default" is <see cref="Generator.Default"/>).</summary>
    public Dictionary<string, (ulong Seed, ulong Offset)> Rng { get; }

    /// <summary>Free-form strings saved with the checkpoint.</summary>
    public Dictionary<string, string> Extra { get; }

    /// <summary>
    /// Restores generator <paramref name="name"/>'s state into <paramref name="generator"/>
    /// (default: <see cref="Generator.Default"/>).
    /// </summary>
    public void RestoreRng(string name = "default", Generator? generator = null)
    {
        if (!Rng.TryGetValue(name, out var state)) throw new KeyNotFoundException($"checkpoint: no generator state named '{name}'");
        (generator ?? Generator.Default).SetState(state.Seed, state.Offset);
    }

    /// <summary>Saves a checkpoint atomically to <paramref name="path"/> (see the class remarks for the layout).</summary>
    /// <param name="path">The file; replaced only once the new one is complete on disk.</param>
    /// <param name="model">The model's StateDict().</param>
    /// <param name="optimizer">Optimizer tensors (moments, buffers), saved as "optim.KEY".</param>
    /// <param name="optimizerScalars">Optimizer scalars (learning rate, step count, ...).</param>
    /// <param name="epoch">The epoch (non-negative).</param>
    /// <param name="generators">Generators to save besides <see cref="Generator.Default"/>
    /// (e.g. a DataLoader's), by name: letters, digits, '_' and '-'.</param>
    /// <param name="extra">Other strings to keep.</param>
    public static void Save(string path, IReadOnlyDictionary<string, Tensor> model, IReadOnlyDictionary<string, Tensor>? optimizer = null,
        IReadOnlyDictionary<string, string>? optimizerScalars = null, int epoch = 0, IReadOnlyDictionary<string, Generator>? generators = null,
        IReadOnlyDictionary<string, string>? extra = null)
    {
        var (tensors, metadata) = Layout(model, optimizer, optimizerScalars, epoch, generators, extra);
        SafeTensors.WriteFile(path, tensors, metadata);
    }

    /// <summary>Writes a checkpoint to a stream (not atomic; for memory and tests).</summary>
    public static void Save(Stream stream, IReadOnlyDictionary<string, Tensor> model, IReadOnlyDictionary<string, Tensor>? optimizer = null,
        IReadOnlyDictionary<string, string>? optimizerScalars = null, int epoch = 0, IReadOnlyDictionary<string, Generator>? generators = null,
        IReadOnlyDictionary<string, string>? extra = null)
    {
        var (tensors, metadata) = Layout(model, optimizer, optimizerScalars, epoch, generators, extra);
        SafeTensors.Write(stream, tensors, metadata);
    }

    /// <summary>Loads a checkpoint file.</summary>
    public static Checkpoint Load(string path) => FromFile(SafeTensors.ReadFile(path));

    /// <summary>Loads a checkpoint from a stream.</summary>
    public static Checkpoint Load(Stream stream) => FromFile(SafeTensors.Read(stream));

    /// <summary>Loads a checkpoint from bytes.</summary>
    public static Checkpoint Load(byte[] bytes) => FromFile(SafeTensors.Read(bytes));

    static (Dictionary<string, Tensor>, Dictionary<string, string>) Layout(IReadOnlyDictionary<string, Tensor> model,
        IReadOnlyDictionary<string, Tensor>? optimizer, IReadOnlyDictionary<string, string>? optimizerScalars, int epoch,
        IReadOnlyDictionary<string, Generator>? generators, IReadOnlyDictionary<string, string>? extra)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        var tensors = new Dictionary<string, Tensor>();
        foreach (var (k, v) in model) tensors.Add(ModelPrefix + k, v);
        foreach (var (k, v) in optimizer ?? new Dictionary<string, Tensor>()) tensors.Add(OptimPrefix + k, v);
        var metadata = new Dictionary<string, string>
        {
            ["hybrid.checkpoint"] = FormatVersion,
            ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
        };
        var gens = new Dictionary<string, Generator> { ["default"] = Generator.Default };
        foreach (var (name, g) in generators ?? new Dictionary<string, Generator>())
        {
            if (!ValidName(name)) throw new ArgumentException($"checkpoint: generator name '{name}' must be letters, digits, '_' or '-'", nameof(generators));
            gens[name] = g ?? throw new ArgumentException($"checkpoint: generator '{name}' is null", nameof(generators));
        }
        foreach (var (name, g) in gens)
        {
            // Read seed and offset together: Take/SetState lock the generator.
            lock (g)
            {
                metadata[$"{RngPrefix}{name}.seed"] = g.Seed.ToString(CultureInfo.InvariantCulture);
                metadata[$"{RngPrefix}{name}.offset"] = g.Offset.ToString(CultureInfo.InvariantCulture);
            }
        }
        foreach (var (k, v) in optimizerScalars ?? new Dictionary<string, string>()) metadata[OptimPrefix + k] = v;
        foreach (var (k, v) in extra ?? new Dictionary<string, string>()) metadata[ExtraPrefix + k] = v;
        return (tensors, metadata);
    }

    static bool ValidName(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    static Checkpoint FromFile(SafeTensorsFile file)
    {
        var meta = file.Metadata;
        if (!meta.TryGetValue("hybrid.checkpoint", out var version))
            throw Bad("not a Hybrid checkpoint (no 'hybrid.checkpoint' metadata)");
        if (version != FormatVersion) throw Bad($"unsupported checkpoint version '{version}' (this Hybrid reads {FormatVersion})");
        if (!meta.TryGetValue("epoch", out var epochText) || !int.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
            throw Bad("the 'epoch' metadata is missing or not a non-negative integer");
        var model = new Dictionary<string, Tensor>();
        var optim = new Dictionary<string, Tensor>();
        foreach (var (k, v) in file.Tensors)
        {
            if (k.StartsWith(ModelPrefix, StringComparison.Ordinal)) model.Add(k[ModelPrefix.Length..], v);
            else if (k.StartsWith(OptimPrefix, StringComparison.Ordinal)) optim.Add(k[OptimPrefix.Length..], v);
            else throw Bad($"tensor '{k}' is neither 'model.*' nor 'optim.*'");
        }
        var scalars = new Dictionary<string, string>();
        var extra = new Dictionary<string, string>();
        var rngParts = new Dictionary<string, (ulong? Seed, ulong? Offset)>();
        foreach (var (k, v) in meta)
        {
            if (k.StartsWith(OptimPrefix, StringComparison.Ordinal)) scalars[k[OptimPrefix.Length..]] = v;
            else if (k.StartsWith(ExtraPrefix, StringComparison.Ordinal)) extra[k[ExtraPrefix.Length..]] = v;
            else if (k.StartsWith(RngPrefix, StringComparison.Ordinal)) ParseRng(k, v, rngParts);
        }
        var rng = new Dictionary<string, (ulong, ulong)>();
        foreach (var (name, (seed, offset)) in rngParts)
        {
            if (seed is null || offset is null) throw Bad($"generator '{name}' lacks its {(seed is null ? "seed" : "offset")}");
            rng[name] = (seed.Value, offset.Value);
        }
        if (!rng.ContainsKey("default")) throw Bad("the state of the default generator is missing");
        return new Checkpoint(model, optim, scalars, epoch, rng, extra);
    }

    static void ParseRng(string key, string value, Dictionary<string, (ulong? Seed, ulong? Offset)> parts)
    {
        var rest = key[RngPrefix.Length..];
        var dot = rest.LastIndexOf('.');
        var (name, field) = dot > 0 ? (rest[..dot], rest[(dot + 1)..]) : ("", "");
        if (!ValidName(name) || field is not ("seed" or "offset")) throw Bad($"unexpected metadata key '{key}'");
        if (!ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            throw Bad($"'{key}' is not an unsigned 64-bit integer: '{value}'");
        parts.TryGetValue(name, out var p);
        parts[name] = field == "seed" ? (number, p.Offset) : (p.Seed, number);
    }

    static InvalidDataException Bad(string problem) => new("checkpoint: " + problem);
}
