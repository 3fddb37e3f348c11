using Hybrid.NN;

namespace Hybrid.Optim;

/// <summary>
/// An optimizer's state as PyTorch's <c>optimizer.state_dict()</c> lays it out: per-parameter
/// state keyed by the parameter's index (counting through the groups in order), and each
/// group's options with "params" holding those indices.
/// </summary>
public sealed class OptimizerStateDict
{
    /// <summary>Per-parameter state ("step", "exp_avg", "momentum_buffer", ...) by parameter index; parameters without state are absent.</summary>
    public Dictionary<int, Dictionary<string, object>> State { get; } = new();

    /// <summary>Each group's options by PyTorch's key, plus "params": the group's parameter indices (int[]).</summary>
    public List<Dictionary<string, object?>> ParamGroups { get; } = new();
}

public abstract partial class Optimizer
{
    /// <summary>
    /// The state and group options (PyTorch's <c>state_dict()</c>). As in PyTorch the state
    /// tensors are the optimizer's own, not copies.
    /// </summary>
    public OptimizerStateDict StateDict()
    {
        var result = new OptimizerStateDict();
        var index = 0;
        foreach (var group in _groups)
        {
            var options = new Dictionary<string, object?>(group.Options);
            var ids = new int[group.Params.Count];
            for (var i = 0; i < ids.Length; i++, index++)
            {
                ids[i] = index;
                if (_state.TryGetValue(group.Params[i], out var s)) result.State[index] = new Dictionary<string, object>(s);
            }
            options["params"] = ids;
            result.ParamGroups.Add(options);
        }
        return result;
    }

    /// <summary>
    /// Replaces the state and group options with those of <paramref name="stateDict"/> (PyTorch's
    /// <c>load_state_dict</c>), matching parameters by position. State tensors are copied, to the
    /// parameter's device and (if floating) dtype, so the two optimizers do not share buffers.
    /// </summary>
    public void LoadStateDict(OptimizerStateDict stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        if (stateDict.ParamGroups.Count != _groups.Count)
            throw new ArgumentException($"{Name}: loaded state dict has a different number of parameter groups ({stateDict.ParamGroups.Count}, optimizer has {_groups.Count})", nameof(stateDict));
        var byId = new Dictionary<int, Parameter>();
        for (var g = 0; g < _groups.Count; g++)
        {
            var saved = stateDict.ParamGroups[g].TryGetValue("params", out var ids) && ids is int[] a ? a
                : throw new ArgumentException($"{Name}: loaded parameter group {g} has no \"params\" index list", nameof(stateDict));
            if (saved.Length != _groups[g].Params.Count)
                throw new ArgumentException($"{Name}: loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group {g}: {saved.Length} parameters saved, {_groups[g].Params.Count} in the optimizer)", nameof(stateDict));
            for (var i = 0; i < saved.Length; i++) byId[saved[i]] = _groups[g].Params[i];
        }
        _state.Clear();
        foreach (var (id, s) in stateDict.State)
            if (byId.TryGetValue(id, out var p))
                _state[p] = s.ToDictionary(kv => kv.Key, kv => kv.Key == "step" ? CopyValue(kv.Value, null) : CopyValue(kv.Value, p));
        for (var g = 0; g < _groups.Count; g++)
        {
            _groups[g].Options.Clear();
            foreach (var (key, value) in stateDict.ParamGroups[g])
                if (key != "params") _groups[g].Options[key] = value;
        }
    }

    /// <summary>A deep copy of a state value: tensors (cast like <paramref name="like"/>), lists and arrays.</summary>
    static object CopyValue(object value, Parameter? like) => value switch
    {
        Tensor t => CopyTensor(t, like),
        List<Tensor> list => list.Select(t => CopyTensor(t, like)).ToList(),
        List<double> list => new List<double>(list),
        Array array => array.Clone(),
        _ => value,
    };

    static Tensor CopyTensor(Tensor t, Parameter? like)
    {
        var v = t.Detach();
        if (like is not null)
        {
            v = v.To(like.Device);
            if (v.DType.IsFloating() && like.DType.IsFloating() && v.DType != like.DType) v = v.To(like.DType);
        }
        return v.Clone();
    }
}
