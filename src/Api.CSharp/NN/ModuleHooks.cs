namespace Hybrid.NN;

public abstract partial class Module
{
    readonly List<Func<Module, Tensor, Tensor?>> _forwardPreHooks = new();
    readonly List<Func<Module, Tensor, Tensor, Tensor?>> _forwardHooks = new();
    readonly List<Func<Module, Tensor, Tensor?>> _backwardHooks = new();

    /// <summary>
    /// Runs before Forward (through <see cref="Call"/>); may return a replacement input.
    /// Dispose the result to remove the hook.
    /// </summary>
    public IDisposable RegisterForwardPreHook(Func<Module, Tensor, Tensor?> hook) => Add(_forwardPreHooks, hook);

    /// <summary>Runs after Forward with (module, input, output); may return a replacement output.</summary>
    public IDisposable RegisterForwardHook(Func<Module, Tensor, Tensor, Tensor?> hook) => Add(_forwardHooks, hook);

    /// <summary>
    /// Runs during backward with (module, gradient of the output); may return a replacement
    /// gradient (PyTorch's register_full_backward_hook, for single-output modules).
    /// </summary>
    public IDisposable RegisterFullBackwardHook(Func<Module, Tensor, Tensor?> hook) => Add(_backwardHooks, hook);

    static IDisposable Add<T>(List<T> hooks, T hook)
    {
        ArgumentNullException.ThrowIfNull(hook);
        hooks.Add(hook);
        return new Removal(() => hooks.Remove(hook));
    }

    /// <summary>An identity node on the output whose backward runs the hooks on the gradient.</summary>
    Tensor AttachBackwardHooks(Tensor output) =>
        Gradients.Apply(GetType().Name + "BackwardHook", new[] { output },
            xs => xs[0],
            g =>
            {
                foreach (var hook in _backwardHooks.ToArray()) g = hook(this, g) ?? g;
                return new[] { g };
            });

    sealed class Removal(Action remove) : IDisposable
    {
        Action? _remove = remove;
        public void Dispose() { _remove?.Invoke(); _remove = null; }
    }
}
