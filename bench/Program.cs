// Hybrid's benchmarks against TorchSharp (libtorch CPU). Run with -c Release:
//   dotnet run -c Release --project bench -- compare [names...] [--rounds N] [--torch-threads T] [--out FILE]
//   dotnet run -c Release --project bench -- micro [BenchmarkDotNet args, e.g. --filter *Hybrid*]
//   dotnet run -c Release --project bench -- fma-peak
using System.Globalization;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;   // "1.5", not "1,5", in tables
#if DEBUG
Console.Error.WriteLine("warning: Debug build; timings mean little (use -c Release)");
#endif
return args.Length == 0 ? Usage() : args[0] switch
{
    "compare" => Compare.Run(args[1..]),
    "micro" => OverheadBenchmarks.Run(args[1..]),
    "fma-peak" => FmaPeak.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: bench compare [names...] [--rounds N] [--torch-threads T] [--out FILE] | micro [BenchmarkDotNet args] | fma-peak");
    Console.Error.WriteLine("workloads: " + string.Join(" ", Workloads.All.Select(w => w.Name)));
    return 2;
}
