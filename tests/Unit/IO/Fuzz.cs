using System.Diagnostics;
using System.Text;
using Xunit;

namespace Hybrid.Unit.IO;

/// <summary>
/// Mutation fuzzing of readers: each case takes a valid seed input, applies 1–3 random
/// mutations (bit flips, byte overwrites, truncation, appended junk, deleted or duplicated
/// ranges, huge length fields, text-level JSON damage) and checks that the reader returns or
/// throws only its documented exception, quickly. HYBRID_FUZZ_CASES sets the count (default 10,000).
/// </summary>
public static class Fuzz
{
    public static int Cases =>
        int.TryParse(Environment.GetEnvironmentVariable("HYBRID_FUZZ_CASES"), out var n) && n > 0 ? n : 10_000;

    static readonly ulong[] Huge =
        [0, 1, 7, 8, 0x7F, 0x80, 0xFF, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 100_000_000, 100_000_001, long.MaxValue, ulong.MaxValue, 0x8000_0000_0000_0000UL];

    /// <summary>Runs the cases; returns how many inputs were accepted (the rest threw <typeparamref name="TExpected"/>).</summary>
    public static int Run<TExpected>(string name, IReadOnlyList<byte[]> seeds, Action<byte[]> read, int seed,
        Func<Random, byte[], byte[]>? formatMutation = null) where TExpected : Exception
    {
        var rng = new Random(seed);
        var accepted = 0;
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < Cases; i++)
        {
            var input = seeds[rng.Next(seeds.Count)];
            var rounds = 1 + rng.Next(3);
            for (var r = 0; r < rounds; r++)
                input = formatMutation is not null && rng.Next(3) == 0 ? formatMutation(rng, input) : Mutate(rng, input);
            var clock = Stopwatch.StartNew();
            try
            {
                read(input);
                accepted++;
            }
            catch (TExpected) { }
            catch (Exception e)
            {
                Assert.Fail($"{name} fuzz case {i} (seed {seed}, {input.Length} bytes, starting {Convert.ToHexString(input.AsSpan(0, Math.Min(64, input.Length)))}) threw {e.GetType().Name}: {e}");
            }
            if (clock.Elapsed > slowest) slowest = clock.Elapsed;
        }
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"{name}: the slowest case took {slowest}");
        return accepted;
    }

    public static byte[] Mutate(Random rng, byte[] input)
    {
        var b = (byte[])input.Clone();
        switch (rng.Next(8))
        {
            case 0:   // bit flips
                if (b.Length == 0) return [(byte)rng.Next(256)];
                for (var k = 1 + rng.Next(8); k > 0; k--) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                return b;
            case 1:   // bytes set to edge values
                if (b.Length == 0) return b;
                for (var k = 1 + rng.Next(4); k > 0; k--) b[rng.Next(b.Length)] = (byte)(rng.Next(4) switch { 0 => 0, 1 => 0xFF, 2 => 0x7F, _ => rng.Next(256) });
                return b;
            case 2:   // truncation
                return b[..rng.Next(b.Length + 1)];
            case 3:   // appended junk
                var extra = new byte[1 + rng.Next(32)];
                rng.NextBytes(extra);
                return [.. b, .. extra];
            case 4:   // a huge or edge value written as a 4- or 8-byte field, either endianness
            {
                if (b.Length < 8) return b;
                var v = Huge[rng.Next(Huge.Length)];
                var at = rng.Next(3) == 0 ? 0 : rng.Next(b.Length - 7);
                var bytes = BitConverter.GetBytes(v);
                if (rng.Next(2) == 0) Array.Reverse(bytes);
                var width = rng.Next(2) == 0 ? 4 : 8;
                Array.Copy(bytes, rng.Next(2) == 0 ? 0 : 8 - width, b, at, width);
                return b;
            }
            case 5:   // deleted range
            {
                if (b.Length == 0) return b;
                var at = rng.Next(b.Length);
                var len = Math.Min(b.Length - at, 1 + rng.Next(16));
                return [.. b[..at], .. b[(at + len)..]];
            }
            case 6:   // duplicated range
            {
                if (b.Length == 0) return b;
                var at = rng.Next(b.Length);
                var len = Math.Min(b.Length - at, 1 + rng.Next(16));
                return [.. b[..(at + len)], .. b[at..(at + len)], .. b[(at + len)..]];
            }
            default:  // random bytes in place
            {
                if (b.Length == 0) return b;
                var at = rng.Next(b.Length);
                var len = Math.Min(b.Length - at, 1 + rng.Next(8));
                rng.NextBytes(b.AsSpan(at, len));
                return b;
            }
        }
    }

    static readonly string[] JsonJunk =
        ["{", "}", "[", "]", "\"", ",", ":", "-", "1e999", "-1", "18446744073709551616", "9223372036854775807", "null", "true",
         "\"F16\"", "\"BF16\"", "\"I16\"", "\"X\"", "\\u0000", "\\ud800", "1.5", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "{\"a\":{\"dtype\":\"F32\"}}",
         "\"__metadata__\"", "\"data_offsets\"", "\"shape\"", "\"dtype\"", "0", "4294967296", " "];

    /// <summary>
    /// Damages the JSON header of a safetensors file as text (replacing numbers, strings or
    /// punctuation, inserting junk) and usually rewrites the size field to match, so the damage
    /// reaches the header's validation rather than only its framing.
    /// </summary>
    public static byte[] MutateSafeTensorsHeader(Random rng, byte[] file)
    {
        if (file.Length < 8) return Mutate(rng, file);
        var n = (long)BitConverter.ToUInt64(file, 0);
        if (n < 0 || n > file.Length - 8) return Mutate(rng, file);
        var header = Encoding.UTF8.GetString(file, 8, (int)n);
        var data = file[(8 + (int)n)..];
        header = rng.Next(4) switch
        {
            0 => ReplaceToken(rng, header, char.IsAsciiDigit, JsonJunk[rng.Next(JsonJunk.Length)]),
            1 => ReplaceToken(rng, header, c => c is '"', JsonJunk[rng.Next(JsonJunk.Length)]),
            2 => header.Insert(rng.Next(header.Length + 1), JsonJunk[rng.Next(JsonJunk.Length)]),
            _ => header.Remove(rng.Next(Math.Max(1, header.Length)), Math.Min(header.Length, 1)),
        };
        var bytes = Encoding.UTF8.GetBytes(header);
        if (rng.Next(3) == 0) data = data[..rng.Next(data.Length + 1)];
        var size = rng.Next(5) == 0 ? n : bytes.Length;
        return [.. BitConverter.GetBytes((ulong)size), .. bytes, .. data];
    }

    static string ReplaceToken(Random rng, string s, Func<char, bool> start, string replacement)
    {
        var positions = Enumerable.Range(0, s.Length).Where(i => start(s[i])).ToArray();
        if (positions.Length == 0) return s;
        var at = positions[rng.Next(positions.Length)];
        var end = at + 1;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || char.IsAsciiLetter(s[end]) || s[end] == '_')) end++;
        if (s[at] == '"') end = Math.Min(s.Length, end + 1);
        return s[..at] + replacement + s[end..];
    }
}
