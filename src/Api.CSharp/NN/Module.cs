using System.Runtime.CompilerServices;

using System.Reflection;
using System.Text;

namespace Hybrid.NN;

/// <summary>
/// Base class of every layer and model (torch.nn.Module). Fields that hold a
/// <see cref="Parameter"/> or a <see cref="Module"/> register themselves under the field's
/// name, in declaration order, so <c>NamedParameters()</c> yields PyTorch's keys
/// ("fc1.weight"); RegisterParameter/RegisterModule/RegisterBuffer add entries explicitly.
/// </summary>
public abstract partial class Module
{
    // Entries read their current value each time (a field may be reassigned), in registration order.
    readonly List<(string Name, Func<object?> Get, Action<object?> Set)> _parameters = new();
    readonly List<(string Name, Func<object?> Get, Action<object?> Set)> _modules = new();
    readonly List<(string Name, Tensor? Value, bool Persistent)> _buffers = new();
    bool _fieldsDiscovered;

    /// <summary>True in training mode (the default), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The computation. Call the module through <see cref="Call"/> to run hooks too.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Runs forward pre-hooks, <see cref="Forward"/>, then forward hooks (PyTorch's module(x)).</summary>
    public Tensor Call(Tensor input)
    {
        foreach (var hook in _forwardPreHooks.ToArray()) input = hook(this, input) ?? input;
        var output = Forward(input);
        foreach (var hook in _forwardHooks.ToArray()) output = hook(this, input, output) ?? output;
        if (_backwardHooks.Count > 0 && output.RequiresGrad) output = AttachBackwardHooks(output);
        return output;
    }

    /// <summary>Adds a parameter (null allowed: a missing optional parameter such as bias).</summary>
    public void RegisterParameter(string name, Parameter? parameter)
    {
        CheckName(name);
        var box = new StrongBox<Parameter?>(parameter);
        _parameters.Add((name, () => box.Value, v => box.Value = (Parameter?)v));
    }

    /// <summary>Adds a child module.</summary>
    public void RegisterModule(string name, Module? module)
    {
        CheckName(name);
        var box = new StrongBox<Module?>(module);
        _modules.Add((name, () => box.Value, v => box.Value = (Module?)v));
    }

    /// <summary>Adds a tensor that is state but not a parameter (BatchNorm's running mean).</summary>
    public void RegisterBuffer(string name, Tensor? tensor, bool persistent = true)
    {
        CheckName(name);
        _buffers.Add((name, tensor, persistent));
    }

    /// <summary>The current value of a buffer.</summary>
    protected Tensor? GetBuffer(string name) => _buffers.First(b => b.Name == name).Value;

    /// <summary>Replaces a buffer's value (e.g. running statistics).</summary>
    protected void SetBuffer(string name, Tensor? value)
    {
        var i = _buffers.FindIndex(b => b.Name == name);
        if (i < 0) throw new ArgumentException($"{GetType().Name} has no buffer '{name}'");
        _buffers[i] = (name, value, _buffers[i].Persistent);
    }

    void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: a parameter, module or buffer name must be non-empty and contain no '.', got '{name}'");
        EnsureFields();
        if (_parameters.Any(p => p.Name == name) || _modules.Any(m => m.Name == name) || _buffers.Any(b => b.Name == name))
            throw new ArgumentException($"{GetType().Name}: attribute '{name}' already exists");
    }

    /// <summary>Registers Parameter and Module fields of the concrete type, base classes first.</summary>
    void EnsureFields()
    {
        if (_fieldsDiscovered) return;
        _fieldsDiscovered = true;
        var chain = new List<Type>();
        for (var t = GetType(); t != null && t != typeof(Module); t = t.BaseType) chain.Insert(0, t);
        foreach (var type in chain)
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var name = FieldName(field);
                if (typeof(Parameter).IsAssignableFrom(field.FieldType))
                    _parameters.Add((name, () => field.GetValue(this), v => field.SetValue(this, v)));
                else if (typeof(Module).IsAssignableFrom(field.FieldType))
                    _modules.Add((name, () => field.GetValue(this), v => field.SetValue(this, v)));
            }
    }

    /// <summary>"fc1" for a field fc1; "Fc1" for an auto-property's backing field.</summary>
    static string FieldName(FieldInfo field) =>
        field.Name.StartsWith('<') ? field.Name[1..field.Name.IndexOf('>')] : field.Name;

    /// <summary>Direct children with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        EnsureFields();
        foreach (var (name, get, _) in _modules)
            if (get() is Module m) yield return (name, m);
    }

    /// <summary>Direct children.</summary>
    public IEnumerable<Module> Children() => NamedChildren().Select(c => c.Module);

    /// <summary>This module and every descendant, with dotted names ("" for this one).</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(string, Module)>();
        stack.Push((prefix, this));
        while (stack.Count > 0)
        {
            var (name, module) = stack.Pop();
            if (!seen.Add(module)) continue;
            yield return (name, module);
            foreach (var child in module.NamedChildren().Reverse())
                stack.Push((name.Length == 0 ? child.Name : name + "." + child.Name, child.Module));
        }
    }

    /// <summary>This module and every descendant.</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>Parameters with PyTorch's dotted keys ("fc1.weight"), each once.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(bool recurse = true)
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (prefix, module) in recurse ? NamedModules() : new[] { ("", this) })
        {
            module.EnsureFields();
            foreach (var (name, get, _) in module._parameters)
                if (get() is Parameter p && seen.Add(p))
                    yield return (prefix.Length == 0 ? name : prefix + "." + name, p);
        }
    }

    /// <summary>Every parameter (what an optimizer takes).</summary>
    public IEnumerable<Parameter> Parameters(bool recurse = true) => NamedParameters(recurse).Select(p => p.Parameter);

    /// <summary>Buffers with dotted keys.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(bool recurse = true)
    {
        foreach (var (prefix, module) in recurse ? NamedModules() : new[] { ("", this) })
            foreach (var (name, value, _) in module._buffers)
                if (value is not null)
                    yield return (prefix.Length == 0 ? name : prefix + "." + name, value);
    }

    /// <summary>Training mode on (default) or off, for this module and every descendant.</summary>
    public Module Train(bool mode = true)
    {
        foreach (var m in Modules()) m.Training = mode;
        return this;
    }

    /// <summary>Evaluation mode: Dropout off, BatchNorm uses running statistics.</summary>
    public Module Eval() => Train(false);

    /// <summary>Clears parameter gradients: to null by default (PyTorch 2), or to zeros.</summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in Parameters())
        {
            if (p.Grad is null) continue;
            if (setToNone) p.Grad = null!;
            else using (Torch.NoGrad()) p.Grad.Zero_();
        }
    }

    /// <summary>Calls <paramref name="fn"/> on every descendant then on this module (PyTorch's apply).</summary>
    public Module Apply(Action<Module> fn)
    {
        foreach (var child in Children()) child.Apply(fn);
        fn(this);
        return this;
    }

    /// <summary>Moves every parameter and buffer to a device (parameters stay leaves that require grad).</summary>
    public Module To(Device device) => Convert(t => t.To(device));

    /// <summary>Moves every parameter and buffer to the device named as PyTorch names it ("cpu", "cuda", "cuda:1").</summary>
    public Module To(string device) => To(Device.Parse(device));

    /// <summary>Moves every parameter and buffer to the first CUDA GPU (module.cuda()).</summary>
    public Module Cuda() => To(Device.Cuda);

    /// <summary>Moves every parameter and buffer to CPU memory (module.cpu()).</summary>
    public Module Cpu() => To(Device.Cpu);

    /// <summary>Converts every floating parameter and buffer to a dtype.</summary>
    public Module To(DType dtype) => Convert(t => t.DType.IsFloating() ? t.To(dtype) : t);

    Module Convert(Func<Tensor, Tensor> convert)
    {
        foreach (var module in Modules())
        {
            module.EnsureFields();
            foreach (var (_, get, set) in module._parameters)
                if (get() is Parameter p)
                {
                    var moved = convert(p.Detach());
                    if (!ReferenceEquals(moved.Detach(), p) && (moved.Device != p.Device || moved.DType != p.DType))
                        set(new Parameter(moved, p.RequiresGrad));
                }
            for (var i = 0; i < module._buffers.Count; i++)
                if (module._buffers[i].Value is { } b)
                    module._buffers[i] = (module._buffers[i].Name, convert(b), module._buffers[i].Persistent);
        }
        return this;
    }
}
