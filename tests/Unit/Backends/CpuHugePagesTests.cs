using System.Globalization;
using System.Runtime.InteropServices;
using Hybrid.Cpu;
using Xunit;

namespace Hybrid.Unit.Backends;

/// <summary>
/// Large results are advised to Linux's transparent huge pages. Whether the kernel then finds free
/// 2 MB pages depends on the machine (fragmentation, memory limits, the defrag setting), so the test
/// asserts what the kernel records deterministically: the mapping that holds a fresh 16 MB result
/// carries the MADV_HUGEPAGE flag ("hg" in /proc/self/smaps' VmFlags). Elsewhere the advice is a no-op
/// and the result is the same.
/// </summary>
public class CpuHugePagesTests
{
    [Fact]
    public void A_large_result_is_advised_to_huge_pages_where_Linux_offers_them()
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
            var flags = FlagsOfMapping(Marshal.UnsafeAddrOfPinnedArrayElement(array, array.Length / 2));
            if (flags is null) return; // a kernel (or sandbox) whose smaps does not report VmFlags
            Assert.True(flags.Contains("hg"), $"the mapping in the middle of a 16 MB result is not advised to huge pages (VmFlags: {string.Join(' ', flags)})");
        }
        finally { pin.Free(); }
    }

    /// <summary>The VmFlags of the /proc/self/smaps mapping that contains <paramref name="address"/>; null where none is reported.</summary>
    static string[]? FlagsOfMapping(nint address)
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
            if (inside && line.StartsWith("VmFlags:"))
                return line["VmFlags:".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        return null;
    }
}
