namespace Hybrid.NN;

/// <summary>Modules applied one after another (torch.nn.Sequential); children are named "0", "1", ...</summary>
public sealed class Sequential : Module
{
    readonly List<Module> _layers = new();

    /// <summary>A pipeline of the given modules.</summary>
    public Sequential(params Module[] modules)
    {
        foreach (var m in modules) Append(m);
    }

    /// <summary>Adds a module at the end.</summary>
    public Sequential Append(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(_layers.Count.ToString(), module);
        _layers.Add(module);
        return this;
    }

    /// <summary>The i-th module.</summary>
    public Module this[int index] => _layers[index];

    /// <summary>Number of modules.</summary>
    public int Count => _layers.Count;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        foreach (var layer in _layers) input = layer.Call(input);
        return input;
    }
}

/// <summary>A list of modules whose parameters are registered (torch.nn.ModuleList); it has no Forward.</summary>
public sealed class ModuleList : Module, IEnumerable<Module>
{
    readonly List<Module> _items = new();

    public ModuleList(params Module[] modules)
    {
        foreach (var m in modules) Add(m);
    }

    public void Add(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(_items.Count.ToString(), module);
        _items.Add(module);
    }

    public Module this[int index] => _items[index];
    public int Count => _items.Count;
    public IEnumerator<Module> GetEnumerator() => _items.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException("ModuleList has no Forward: iterate over its modules in your own Forward");
}

/// <summary>Modules by name (torch.nn.ModuleDict), in insertion order; it has no Forward.</summary>
public sealed class ModuleDict : Module
{
    readonly Dictionary<string, Module> _items = new();
    readonly List<string> _order = new();

    public void Add(string name, Module module)
    {
        RegisterModule(name, module);
        _items[name] = module;
        _order.Add(name);
    }

    public Module this[string name] => _items.TryGetValue(name, out var m) ? m : throw new KeyNotFoundException($"ModuleDict has no module '{name}'");
    public IEnumerable<string> Keys => _order;
    public int Count => _items.Count;
    public bool ContainsKey(string name) => _items.ContainsKey(name);

    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException("ModuleDict has no Forward: pick modules by name in your own Forward");
}
