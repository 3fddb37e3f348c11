using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Hybrid.Cpu;

/// <summary>
/// Software prefetch for kernels that stream through memory: each step asks for the lines it
/// will read <see cref="Distance"/> bytes later. The hardware prefetchers alone keep too few
/// lines in flight for a core to use the memory bandwidth: asking 16 KB ahead made the 10M-float
/// sum 15–20 % faster in alternating runs (0.37–0.41 → 0.32–0.34 ms; softmax, whose lanes also
/// stream from memory, gained nothing measurable). Prefetches never fault,
/// so addresses past the end of an array are harmless.
/// </summary>
internal static unsafe class Prefetch
{
    /// <summary>How far ahead of the data being read the prefetched lines are.</summary>
    public const int Distance = 16 << 10;

    /// <summary>Prefetches (into every cache level) the lines of [start + Distance, start + Distance + bytes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Ahead(void* start, int bytes)
    {
        if (!Sse.IsSupported) return;
        var ahead = (byte*)start + Distance;
        for (var line = 0; line < bytes; line += 64) Sse.Prefetch0(ahead + line);
    }
}
