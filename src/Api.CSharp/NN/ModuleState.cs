namespace Hybrid.NN;

public abstract partial class Module
{
    /// <summary>
    /// Parameters and persistent buffers by PyTorch's dotted keys, in registration order.
    /// The tensors are detached and share storage with the module.
    /// </summary>
    public Dictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>();
        foreach (var (name, p) in NamedParameters()) state[name] = p.Detach();
        foreach (var (prefix, module) in NamedModules())
            foreach (var (name, value, persistent) in module._buffers)
                if (persistent && value is not null)
                    state[prefix.Length == 0 ? name : prefix + "." + name] = value.Detach();
        return state;
    }

    /// <summary>
    /// Copies values into the parameters and buffers of the same keys. With strict (the
    /// default) missing or unexpected keys are an error, as are shape mismatches always.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> state, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(state);
        var own = StateDict();
        var missing = own.Keys.Where(k => !state.ContainsKey(k)).ToList();
        var unexpected = state.Keys.Where(k => !own.ContainsKey(k)).ToList();
        if (strict && (missing.Count > 0 || unexpected.Count > 0))
            throw new ArgumentException($"Error(s) in loading state_dict for {GetType().Name}: " +
                (missing.Count > 0 ? $"Missing key(s) in state_dict: {string.Join(", ", missing.Select(k => $"\"{k}\""))}. " : "") +
                (unexpected.Count > 0 ? $"Unexpected key(s) in state_dict: {string.Join(", ", unexpected.Select(k => $"\"{k}\""))}." : ""));
        foreach (var (key, target) in own)
        {
            if (!state.TryGetValue(key, out var source)) continue;
            if (!source.Shape.SequenceEqual(target.Shape))
                throw new ArgumentException($"Error(s) in loading state_dict for {GetType().Name}: size mismatch for {key}: copying a param with shape {LayerText.Shape(source.Shape)} from checkpoint, the shape in current model is {LayerText.Shape(target.Shape)}.");
            using (Torch.NoGrad()) target.Copy_(source);
        }
    }
}
