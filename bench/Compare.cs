// `compare [names...] [--rounds N] [--torch-threads T] [--out FILE]`: each workload on Hybrid and on TorchSharp in
// turn, in this one process (order swapped every round so drift and heat hit both alike), until
// each side has N clean samples, then the medians and their ratio as a markdown table, printed
// and written to bench/results/compare.md. Workloads that count FLOPs also get a sample of the
// 2-thread FMA peak in every round, next to Hybrid's, for their "% of peak".
// Samples taken while other processes kept cores busy are set aside (Sample.Clean) and more
// rounds run, up to 3N.
using System.Globalization;
using System.Reflection;
using TorchSharp;

static class Compare
{
    public static int Run(string[] args)
    {
        int rounds = 7, torchThreads = Environment.ProcessorCount;   // as torch-oracle
        string? outPath = null;
        var names = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--rounds" && i + 1 < args.Length) rounds = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else if (args[i] == "--out" && i + 1 < args.Length) outPath = args[++i];
            else if (args[i] == "--torch-threads" && i + 1 < args.Length) torchThreads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            else names.Add(args[i]);
        }
        var unknown = names.Where(n => Workloads.All.All(w => w.Name != n)).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"unknown workload(s): {string.Join(", ", unknown)}; known: {string.Join(" ", Workloads.All.Select(w => w.Name))}");
            return 2;
        }
        if (rounds < 1) { Console.Error.WriteLine("--rounds must be at least 1"); return 2; }
        var chosen = Workloads.All.Where(w => names.Count == 0 || names.Contains(w.Name)).ToList();

        var others = new OtherLoad();
        var withTorch = TorchNative.Prepare();
        if (withTorch) { torch.set_num_threads(torchThreads); torch.manual_seed(0); }
        Hybrid.Torch.ManualSeed(0);

        // The FMA ceiling is sampled beside every workload that counts FLOPs, next to Hybrid's
        // sample in each round: this VM's clock moves by several percent within minutes.
        var peak = chosen.Any(w => w.Flops > 0) ? FmaPeak.Beside() : null;
        var p = peak is { } fma ? new Sampler(fma.Body, 1) : null;
        p?.WarmUp();

        var rows = new List<Report.Row>();
        foreach (var w in chosen)
        {
            Console.Error.Write($"{w.Name}: warm-up");
            var h = new Sampler(w.OnHybrid(), w.PerCall);
            var t = withTorch ? new Sampler(w.OnTorch(), w.PerCall) : null;
            var q = w.Flops > 0 ? p : null;
            h.WarmUp(); t?.WarmUp();
            var hs = new List<Sample>(); var ts = new List<Sample>(); var ps = new List<Sample>();
            bool Enough(List<Sample> xs) => xs.Count(s => s.Clean) >= rounds;
            for (int r = 0; r < 3 * rounds && !(Enough(hs) && (t == null || Enough(ts))); r++)
            {
                Console.Error.Write($" {r + 1}");
                if (r % 2 == 0) { if (q != null) ps.Add(q.Take()); hs.Add(h.Take()); if (t != null) ts.Add(t.Take()); }
                else { if (t != null) ts.Add(t.Take()); hs.Add(h.Take()); if (q != null) ps.Add(q.Take()); }
            }
            Console.Error.WriteLine();   // the raw samples, * where others kept cores busy
            Console.Error.WriteLine($"  Hybrid     {string.Join(" ", hs.Select(Show))}");
            if (t != null) Console.Error.WriteLine($"  TorchSharp {string.Join(" ", ts.Select(Show))}");
            if (q != null) Console.Error.WriteLine($"  FMA peak   {string.Join(" ", ps.Select(Show))}");
            rows.Add(new Report.Row(w, hs, t == null ? null : ts, q == null ? null : ps));
        }

        var md = Report.Markdown(rows, rounds, withTorch ? torchThreads : 0, others.Cores(), peak?.Flops ?? 0);
        Console.WriteLine(md);
        outPath ??= Path.Combine(ProjectDir(), "results", "compare.md");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        var tmp = outPath + ".tmp";   // readers never see a half-written table
        File.WriteAllText(tmp, md);
        File.Move(tmp, outPath, overwrite: true);
        Console.Error.WriteLine($"written {outPath}");
        return 0;
    }

    static string Show(Sample s) => Report.Time(s.Seconds) + (s.Clean ? "" : "*");

    /// bench/ itself (recorded at build time), so results land there whatever the working directory.
    static string ProjectDir() =>
        typeof(Compare).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().First(a => a.Key == "ProjectDir").Value!;
}
