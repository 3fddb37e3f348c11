// How busy the cores were with work other than this process during a run (builds beside it,
// other VMs' steal time). libtorch's 2-thread kernels lose far more to a busy core than
// single-threaded code does, so a ratio is only trustworthy when this is near 0.
using System.Diagnostics;

sealed class OtherLoad
{
    readonly double busy0 = BusySeconds(), self0 = SelfSeconds();
    readonly Stopwatch wall = Stopwatch.StartNew();

    /// Average number of cores kept busy by others since construction (NaN off Linux).
    public double Cores() => (BusySeconds() - busy0 - (SelfSeconds() - self0)) / wall.Elapsed.TotalSeconds;

    static double SelfSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    // /proc/stat's first line: cpu user nice system idle iowait irq softirq steal ..., in
    // USER_HZ ticks (100 per second on Linux x86-64).
    static double BusySeconds()
    {
        if (!File.Exists("/proc/stat")) return double.NaN;
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        long Tick(int i) => i < f.Length ? long.Parse(f[i]) : 0;
        return (Tick(1) + Tick(2) + Tick(3) + Tick(6) + Tick(7) + Tick(8)) / 100.0;
    }
}
