using System.IO.Compression;
using Hybrid.Unit.IO;
using Hybrid.Vision.Datasets;
using Xunit;

namespace Hybrid.Unit.Data;

public class IdxTests
{
    internal static byte[] Raw(int[] shape, byte[] data)
    {
        var s = new MemoryStream();
        Idx.Write(s, shape, data);
        return s.ToArray();
    }

    internal static byte[] Gzip(byte[] raw)
    {
        var s = new MemoryStream();
        using (var gz = new GZipStream(s, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(raw);
        return s.ToArray();
    }

    internal static byte[] Images(int n, int h = 3, int w = 2) =>
        Raw([n, h, w], Enumerable.Range(0, n * h * w).Select(i => (byte)(i * 7)).ToArray());

    internal static byte[] Labels(params byte[] labels) => Raw([labels.Length], labels);

    [Fact]
    public void Reads_raw_and_gzip_files_written_by_hand()
    {
        // magic 0x00000803, dims 2, 3, 2 big-endian, then 12 bytes.
        var bytes = new byte[] { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
        Assert.Equal(bytes, Raw([2, 3, 2], Enumerable.Range(1, 12).Select(i => (byte)i).ToArray()));
        foreach (var input in new[] { bytes, Gzip(bytes) })
        {
            var idx = Idx.Read(input, "t");
            Assert.Equal(new[] { 2, 3, 2 }, idx.Shape);
            Assert.Equal(Enumerable.Range(1, 12).Select(i => (byte)i), idx.Data);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 8 }, "inside the 4-byte magic")]
    [InlineData(new byte[] { 1, 0, 8, 1, 0, 0, 0, 0 }, "does not start with two zero bytes")]
    [InlineData(new byte[] { 0, 0, 0x0D, 1, 0, 0, 0, 0 }, "unsupported IDX element type 0x0D")]
    [InlineData(new byte[] { 0, 0, 8, 0 }, "zero dimensions")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0, 1 }, "ends inside the header")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0x80, 0, 0, 0 }, "negative")]
    [InlineData(new byte[] { 0, 0, 8, 3, 0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1 }, "more than the limit")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 1, 2 }, "truncated")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 1, 2 }, "trailing")]
    public void Rejects_malformed_files_with_a_clear_message(byte[] bytes, string problem)
    {
        foreach (var input in new[] { bytes, Gzip(bytes) })
        {
            var e = Assert.Throws<InvalidDataException>(() => Idx.Read(input, "broken.idx"));
            Assert.Contains("broken.idx", e.Message);
            Assert.Contains(problem, e.Message);
        }
    }

    [Fact]
    public void A_gzip_bomb_header_is_bounded_by_the_element_limit()
    {
        var bytes = Gzip(Raw([1000], new byte[1000]));
        Assert.Contains("more than the limit", Assert.Throws<InvalidDataException>(() => Idx.Read(bytes, "b", maxElements: 999)).Message);
        Assert.Equal(1000, Idx.Read(bytes, "b", maxElements: 1000).Data.Length);
        Assert.Throws<InvalidDataException>(() => Idx.Read(bytes[..^9].Concat(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }).ToArray(), "b"));
    }

    [Fact]
    public void Fuzzed_IDX_inputs_only_return_or_throw_InvalidDataException()
    {
        byte[][] seeds = [Images(3), Labels(1, 2, 3), Gzip(Images(2)), Gzip(Labels(9)), Raw([2, 2, 2, 2], new byte[16])];
        // Half of the cases damage the raw bytes and then compress them, so the damage reaches the parser through gzip.
        Fuzz.Run<InvalidDataException>("IDX", seeds, b => Idx.Read(b, "fuzz", maxElements: 1 << 20), seed: 803,
            (rng, b) => b.Length > 1 && b[0] == 0x1f ? Fuzz.Mutate(rng, b) : Gzip(Fuzz.Mutate(rng, b)));
    }
}
