// Makes TorchSharp's native library loadable in this process on Debian 12 (GCC 12's libstdc++).
//
// libLibTorchSharp.so (TorchSharp 0.107) asks for GLIBCXX_3.4.32 (GCC 13) for one symbol,
// std::ios_base_library_init(), a no-op hook its static initialiser calls. The loader refuses
// the whole library for that version need. As shared/tools/torch-oracle/fix-libstdcxx.sh does,
// we re-point the need to GLIBCXX_3.4.30 and supply the no-op from a one-line shim, here
// loaded with RTLD_GLOBAL from inside the process instead of LD_PRELOAD. Newer distributions
// need none of this: the first plain load succeeds and nothing is touched.
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

static class TorchNative
{
    static bool? ready;

    /// Loads libLibTorchSharp.so (patching it first if needed); false, with a reason on stderr,
    /// when TorchSharp cannot run here. Call before the first TorchSharp call.
    public static bool Prepare()
    {
        if (ready is bool r) return r;
        ready = TryPrepare(out var why);
        if (!ready.Value) Console.Error.WriteLine($"TorchSharp unavailable: {why}");
        return ready.Value;
    }

    static bool TryPrepare(out string why)
    {
        why = "";
        if (!OperatingSystem.IsLinux()) return true;   // the problem and the fix are Linux-only
        var so = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(so)) { why = $"{so} not found (restore/build bench first)"; return false; }
        if (NativeLibrary.TryLoad(so, out _)) return true;

        try
        {
            if (!LoadShim(out why)) return false;
            Repoint(so, "GLIBCXX_3.4.32", "GLIBCXX_3.4.30");
        }
        catch (Exception e) { why = e.Message; return false; }
        if (NativeLibrary.TryLoad(so, out _)) return true;
        why = $"{so} still fails to load after the libstdc++ fix";
        return false;
    }

    [DllImport("libc.so.6")] static extern IntPtr dlopen(string path, int flags);
    [DllImport("libc.so.6")] static extern IntPtr dlerror();
    const int RTLD_NOW = 2, RTLD_GLOBAL = 0x100;

    /// Builds (once, with gcc) and globally loads a library defining the missing no-op, so the
    /// re-pointed reference in libLibTorchSharp.so resolves to it.
    static bool LoadShim(out string why)
    {
        why = "";
        var shim = Path.Combine(AppContext.BaseDirectory, "libiosshim.so");
        if (!File.Exists(shim))
        {
            var src = Path.Combine(Path.GetTempPath(), $"iosshim-{Environment.ProcessId}.c");
            File.WriteAllText(src, "void _ZSt21ios_base_library_initv(void) {}\n");
            try
            {
                using var gcc = Process.Start(new ProcessStartInfo("gcc", $"-shared -fPIC -o \"{shim}\" \"{src}\"") { RedirectStandardError = true });
                gcc!.WaitForExit();
                if (gcc.ExitCode != 0) { why = "gcc failed building the libstdc++ shim: " + gcc.StandardError.ReadToEnd(); return false; }
            }
            catch (System.ComponentModel.Win32Exception) { why = "libstdc++ lacks GLIBCXX_3.4.32 and gcc is not installed to build the shim"; return false; }
            finally { File.Delete(src); }
        }
        if (dlopen(shim, RTLD_NOW | RTLD_GLOBAL) != IntPtr.Zero) return true;
        why = "dlopen(shim): " + Marshal.PtrToStringAnsi(dlerror());
        return false;
    }

    /// Renames a needed symbol version (same length) in the ELF's .gnu.version_r and fixes its
    /// hash. Written to a new file then moved over the old one: bin/ may hold a hard link into
    /// the NuGet cache, which must stay untouched.
    static void Repoint(string path, string from, string to)
    {
        var b = File.ReadAllBytes(path);
        long U64(long at) => BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan((int)at));
        int U32(long at) => BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan((int)at));
        int U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan((int)at));
        var s = b.AsSpan();

        long shoff = U64(0x28); int shentsize = U16(0x3A), shnum = U16(0x3C);
        var changed = false;
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if ((uint)U32(sh + 4) != 0x6ffffffe) continue;              // SHT_GNU_verneed
            long vn = U64(sh + 0x18), strtab = U64(shoff + (long)U32(sh + 0x28) * shentsize + 0x18);
            for (int n = U32(sh + 0x2C); n > 0; n--)                   // sh_info: Verneed count
            {
                long aux = vn + U32(vn + 8);
                for (int k = U16(vn + 2); k > 0; k--)                  // vn_cnt Vernaux entries
                {
                    long name = strtab + U32(aux + 8);
                    if (s.Slice((int)name, from.Length + 1).SequenceEqual(Encoding.ASCII.GetBytes(from + "\0")))
                    {
                        Encoding.ASCII.GetBytes(to).CopyTo(s[(int)name..]);
                        BinaryPrimitives.WriteUInt32LittleEndian(s[(int)aux..], ElfHash(to));
                        changed = true;
                    }
                    aux += U32(aux + 12);
                }
                vn += U32(vn + 12);
            }
        }
        if (!changed) return;
        var tmp = path + ".patched.tmp";
        File.WriteAllBytes(tmp, b);
        File.Move(tmp, path, overwrite: true);
    }

    static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (var c in name)
        {
            h = (h << 4) + c;
            uint g = h & 0xf0000000;
            if (g != 0) h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }
}
