namespace Hybrid;

/// torch.autograd for C#: gradients of outputs with respect to inputs, and custom functions.
public static class Autograd
{
    /// Gradients of outputs with respect to inputs (torch.autograd.grad). With createGraph the
    /// results are differentiable again (second and higher derivatives).
    public static Tensor[] Grad(Tensor[] outputs, Tensor[] inputs, Tensor[]? gradOutputs = null,
                                bool? retainGraph = null, bool createGraph = false, bool allowUnused = false) =>
        Gradients.Grad(outputs, inputs, gradOutputs!, retainGraph, createGraph, allowUnused);

    /// Gradient of one output with respect to one input.
    public static Tensor[] Grad(Tensor output, Tensor input, Tensor? gradOutput = null,
                                bool? retainGraph = null, bool createGraph = false, bool allowUnused = false) =>
        Grad(new[] { output }, new[] { input }, gradOutput is null ? null : new[] { gradOutput }, retainGraph, createGraph, allowUnused);

    /// A differentiable function you write yourself (torch.autograd.Function): Forward computes
    /// the value without recording; Backward maps the output gradient to one gradient per input
    /// (null for inputs that need none). Save what Backward needs on the context.
    public abstract class Function
    {
        /// Computes the output; runs with graph recording off.
        protected abstract Tensor Forward(FunctionContext ctx, Tensor[] inputs);

        /// Gradients with respect to each input, given the output's gradient.
        protected abstract Tensor?[] Backward(FunctionContext ctx, Tensor gradOutput);

        /// Runs the function on inputs and records it in the graph.
        public Tensor Apply(params Tensor[] inputs)
        {
            ArgumentNullException.ThrowIfNull(inputs);
            var ctx = new FunctionContext();
            return Gradients.Apply(GetType().Name, inputs,
                xs => Forward(ctx, xs),
                g => Backward(ctx, g)!);
        }
    }

    /// What a custom function's Forward leaves for its Backward.
    public sealed class FunctionContext
    {
        /// Tensors saved by Forward.
        public Tensor[] SavedTensors { get; private set; } = Array.Empty<Tensor>();

        /// Keeps tensors for Backward.
        public void SaveForBackward(params Tensor[] tensors) => SavedTensors = tensors;
    }
}
