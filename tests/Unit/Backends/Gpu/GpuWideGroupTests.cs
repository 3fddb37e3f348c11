using Hybrid;
using Hybrid.Gpu;
using ILGPU;
using ILGPU.Runtime.CPU;
using Xunit;
using static Hybrid.Unit.Backends.BackendTestData;

namespace Hybrid.Unit.Backends.Gpu;

/// <summary>
/// The grouped kernels (reductions, arg-reductions, softmax, nonzero) with a real GPU's group
/// shape: a simulated device with 256-thread groups of 32-thread warps, where the ordinary
/// simulated device has 16 threads. Tile and group sizes come from the accelerator, so this runs
/// the code paths an H100 takes.
/// </summary>
[Collection(GpuCollection.Name)]
public sealed class GpuWideGroupTests : IDisposable
{
    readonly Context context = Context.Create(b => b.CPU(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 8, numMultiprocessors: 1)).EnableAlgorithms());
    readonly GpuBackend wide;

    public GpuWideGroupTests() => wide = new GpuBackend(new Device("ilgpu", 0), context.CreateCPUAccelerator(0));

    public void Dispose()
    {
        wide.Accelerator.Dispose();
        context.Dispose();
    }

    Strided Upload(Strided cpu) =>
        new(wide.FromArray(CpuKernels.ToArray(Strided.Contiguous(cpu.Storage, [cpu.Storage.Length]))), cpu.Shape, cpu.Strides, cpu.Offset);

    double[] Read(Storage s) => GpuAgreement.Doubles(CpuKernels.FromArray(wide.ToArray(Strided.Contiguous(s, [s.Length]))));

    void Agree(Storage cpu, Storage gpu, double tol, string what) =>
        AllClose(GpuAgreement.Doubles(cpu), Read(gpu), tol);

    [Theory]
    [InlineData(3, 5000)]   // few long rows: split into parts, two launches
    [InlineData(5000, 3)]   // many short rows
    [InlineData(40, 700)]   // one group per row
    public void Reductions_agree_with_the_CPU_along_rows_and_columns(int rows, int cols)
    {
        var rng = new System.Random(rows + cols);
        var x = View(RandomDoubles(rng, rows * cols), rows, cols);
        var xt = new Strided(x.Storage, [cols, rows], [1, cols], 0); // the transpose: kept dim innermost
        foreach (var view in new[] { x, xt })
        {
            foreach (var op in new[] { ReduceOp.Sum, ReduceOp.Max, ReduceOp.Min })
            {
                Agree(CpuKernels.Reduce(op, view, [1]), wide.Reduce(op, Upload(view), [1]), 1e-12, $"{op} over dim 1");
                Agree(CpuKernels.Reduce(op, view, [0, 1]), wide.Reduce(op, Upload(view), [0, 1]), 1e-12, $"{op} over all");
            }
            Agree(CpuKernels.ArgReduce(true, view, 1), wide.ArgReduce(true, Upload(view), 1), 0, "argmax");
            Agree(CpuKernels.ArgReduce(false, view, 0), wide.ArgReduce(false, Upload(view), 0), 0, "argmin");
            Agree(CpuKernels.Softmax(view, 1, log: false), wide.Softmax(Upload(view), 1, log: false), 1e-12, "softmax");
            Agree(CpuKernels.Softmax(view, 0, log: true), wide.Softmax(Upload(view), 0, log: true), 1e-12, "log_softmax");
        }
    }

    [Fact]
    public void NonZero_agrees_on_a_long_mask()
    {
        var rng = new System.Random(8);
        var mask = View(Enumerable.Range(0, 20000).Select(_ => rng.Next(3) == 0).ToArray(), 100, 200);
        Agree(CpuKernels.NonZero(mask), wide.NonZero(Upload(mask)), 0, "nonzero");
    }
}
