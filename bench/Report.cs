// The markdown table `compare` prints and writes (numbers in the invariant culture, set in Program).
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;

static class Report
{
    /// One workload's samples, all taken (Torch null when TorchSharp could not run; Peak, the
    /// FMA peak's samples beside them, null for workloads without a FLOP count).
    public sealed record Row(Workload W, List<Sample> Hybrid, List<Sample>? Torch, List<Sample>? Peak);

    /// torchThreads: libtorch's thread count, 0 when TorchSharp could not run; peakFlops: the
    /// FLOPs of one call of the FMA peak's body (0 when it was not sampled).
    public static string Markdown(List<Row> rows, int rounds, int torchThreads, double otherCores, double peakFlops)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Hybrid vs TorchSharp");
        sb.AppendLine();
        sb.AppendLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC · {CpuName()} · {Environment.ProcessorCount} cores · {RuntimeInformation.FrameworkDescription} · " +
            (torchThreads > 0 ? $"TorchSharp 0.107 (libtorch 2.10 CPU, {torchThreads} thread{(torchThreads == 1 ? "" : "s")})" : "TorchSharp **not available**") +
            $" · other processes kept {otherCores:F2} cores busy on average over the run.");
        sb.AppendLine();
        sb.AppendLine($"Hybrid float32 matmul (sgemm, gemm, Linear; conv2d of stride 1 as an implicit GEMM reading each zero-padded image in place, src/Backends/Cpu/ImplicitConvolution.cs): {HybridKernels()}.");
        sb.AppendLine();
        sb.AppendLine(
            $"Median of {rounds} alternating rounds after warm-up, counting only samples during which other processes kept ≤ {Sample.MaxOtherCores} cores busy " +
            "(used / taken; a row with fewer than N clean is marked noisy, and with fewer than 3 uses all its samples). Times per call (smallops: per op). " +
            "Ratio = Hybrid ÷ TorchSharp: above 1 means Hybrid is slower. Spread = (max − min) ÷ median of the samples used. " +
            "% of peak = Hybrid's GFLOP/s ÷ the 2-thread Vector512 FMA peak (`fma-peak`'s loop), whose median sample of the same rounds, " +
            "taken next to Hybrid's, is in the note.");
        sb.AppendLine();
        sb.AppendLine("| workload | Hybrid | TorchSharp | Hybrid ÷ TorchSharp | % of peak | samples H / T | spread H / T | note |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var r in rows)
        {
            var (hu, hNoisy) = Sample.Pick(r.Hybrid, rounds);
            var (tu, tNoisy) = r.Torch is null ? ([], false) : Sample.Pick(r.Torch, rounds);
            double h = Median(hu), t = r.Torch is null ? double.NaN : Median(tu);
            var unit = r.W.Unit == "op" ? "/op" : "";
            var notes = new List<string>();
            if (r.W.Flops > 0) notes.Add($"GFLOP/s {r.W.Flops / h / 1e9:F1} / {r.W.Flops / t / 1e9:F1}");
            var ofPeak = "";
            if (r.Peak is { Count: > 0 } && peakFlops > 0)
            {
                var (pu, pNoisy) = Sample.Pick(r.Peak, rounds);
                var peak = peakFlops / Median(pu);
                ofPeak = $"{r.W.Flops / h / peak * 100:F1} %";   // one decimal: 84.6 is not 85
                notes.Add($"peak {peak / 1e9:F1}{(pNoisy ? " (noisy)" : "")}");
            }
            if (hNoisy || tNoisy) notes.Add("**noisy**");
            sb.AppendLine(
                $"| {r.W.Name} | {Time(h)}{unit} | {(r.Torch is null ? "–" : Time(t) + unit)} | {(r.Torch is null ? "–" : (h / t).ToString("F2"))} | {ofPeak} | " +
                $"{hu.Count}/{r.Hybrid.Count} / {(r.Torch is null ? "–" : $"{tu.Count}/{r.Torch.Count}")} | " +
                $"{Spread(hu)} / {(r.Torch is null ? "–" : Spread(tu))} | {string.Join("; ", notes)} |");
        }
        return sb.ToString();
    }

    public static string Time(double s) =>
        s < 1e-6 ? $"{s * 1e9:F0} ns" : s < 1e-3 ? $"{s * 1e6:F2} µs" : s < 1 ? $"{s * 1e3:F2} ms" : $"{s:F2} s";

    static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    static string Spread(List<double> xs) =>
        $"{(xs.Max() - xs.Min()) / Median(xs) * 100:F0} %";

    /// Which matmul kernel Hybrid's CPU backend used: the packed Gemm (its micro-kernel and
    /// thread cap, read by reflection since both are internal) when MatMul.cs routes to it, else
    /// the reference kernel. The routing is read from the source tree this bench was built from.
    static string HybridKernels()
    {
        Assembly? backends;
        try { backends = Assembly.Load("Hybrid.Backends"); } catch (IOException) { backends = null; }
        const BindingFlags Static = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
        var gemm = backends?.GetType("Hybrid.Cpu.Gemm");
        var kernel = gemm?.GetProperty("Float32", Static)?.GetValue(null)?.ToString();
        var threads = backends?.GetType("Hybrid.Cpu.CpuParallel")?.GetProperty("MaxThreads", Static)?.GetValue(null);
        string? routed = null;
        try
        {
            var src = Path.Combine(typeof(Report).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "ProjectDir").Value!,
                "..", "src", "Backends", "Cpu", "MatMul.cs");
            if (File.Exists(src)) routed = File.ReadAllText(src).Contains("Gemm.Compute") ? "yes" : "no";
        }
        catch (IOException) { }
        if (gemm is null || routed == "no")
            return "reference row-streaming kernel (MatMulKernel" + (routed == "no" ? "; MatMul.cs does not call Gemm" : "") + ")";
        return $"packed Gemm (src/Backends/Cpu/Gemm.cs{(routed == "yes" ? ", called from MatMul.cs" : "")}), micro-kernel {kernel ?? "?"}" +
            (threads is null ? "" : $", up to {threads} thread{(threads is 1 ? "" : "s")}");
    }

    static string CpuName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"));
            if (line != null) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
