// Hybrid's GPU workloads (issue 6): the same work as torch_gpu.py, timed the same way — warm-up
// calls, then calls each followed by a device synchronize, median seconds per call — written as
// JSON for table.py. Usage:
//   Hybrid.Bench.Gpu [--device cuda|ilgpu] [--out FILE] [--small] [names...]
// --small shrinks every size (for a smoke run on the simulated device).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Hybrid;
using Hybrid.Bench.Gpu;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var device = Device.Cuda;
string? outFile = null;
var small = false;
var names = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--device": device = Device.Parse(args[++i]); break;
        case "--out": outFile = args[++i]; break;
        case "--small": small = true; break;
        default: names.Add(args[i]); break;
    }
}

var workloads = GpuWorkloads.All(device, small).Where(w => names.Count == 0 || names.Contains(w.Name)).ToList();
if (workloads.Count == 0)
{
    Console.Error.WriteLine("no such workload; known: " + string.Join(" ", GpuWorkloads.All(device, small).Select(w => w.Name)));
    return 2;
}

var results = new Dictionary<string, double>();
foreach (var w in workloads)
{
    var body = w.Setup();
    var seconds = Timing.MedianSeconds(body, () => Torch.Cuda.Synchronize(device), minCalls: small ? 2 : 10, budgetSeconds: small ? 0.5 : 3);
    results[w.Name] = seconds;
    Console.WriteLine($"{w.Name,-14} {seconds * 1e3,10:F3} ms/call  {w.Describe(seconds)}");
}
var stats = Torch.Cuda.MemoryStats(device);
Console.WriteLine($"allocator: {stats.DeviceAllocations} device allocations, {stats.CacheHits} cache hits, {stats.Collections} collections, {stats.ReservedBytes >> 20} MiB reserved");
if (outFile is not null) File.WriteAllText(outFile, JsonSerializer.Serialize(results));
return 0;
