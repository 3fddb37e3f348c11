using System.Globalization;
using System.Runtime.InteropServices;
using Hybrid.Cpu;
using Xunit;

namespace Hybrid.Unit.Backends;

/// <summary>
/// Large results are advised to Linux's transparent huge pages: where the kernel offers them on
/// advice (THP "always" or "madvise"), the mapping that holds a fresh 16 MB result, once written,
/// reports huge pages in /proc/self/smaps. Elsewhere the advice is a no-op and the result is the same.
/// </summary>
public class CpuHugePagesTests
{
    [Fact]
    public void A_large_result_is_backed_by_huge_pages_where_Linux_offers_them()
    {
        var array = Storages.Uninitialized<float>(4 << 20);
        array.AsSpan().Fill(1f);
        Assert.All(new[] { array[0], array[^1] }, v => Assert.Equal(1f, v));
        const string setting = "/sys/kernel/mm/transparent_hugepage/enabled";
        if (!OperatingSystem.IsLinux() || !File.Exists(setting) || File.ReadAllText(setting).Contains("[never]")) return;
        var pin = GCHandle.Alloc(array, GCHandleType.Pinned);
        try
        {
            // The middle of the array: its whole 2 MB pages are a mapping of their own once advised.
            Assert.True(HugePagesOfMapping(Marshal.UnsafeAddrOfPinnedArrayElement(array, array.Length / 2)) > 0, "the mapping in the middle of a written 16 MB result has no AnonHugePages");
        }
        finally { pin.Free(); }
    }

    /// <summary>AnonHugePages (kB) of the /proc/self/smaps mapping that contains <paramref name="address"/>.</summary>
    static long HugePagesOfMapping(nint address)
    {
        var inside = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            var dash = line.IndexOf('-');
            if (dash > 0 && line.IndexOf(' ') > dash && ulong.TryParse(line.AsSpan(0, dash), NumberStyles.HexNumber, null, out var start))
            {
                var end = ulong.Parse(line.AsSpan(dash + 1, line.IndexOf(' ') - dash - 1), NumberStyles.HexNumber);
                inside = (ulong)address >= start && (ulong)address < end;
                continue;
            }
            if (inside && line.StartsWith("AnonHugePages:"))
                return long.Parse(line["AnonHugePages:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        return 0;
    }
}
