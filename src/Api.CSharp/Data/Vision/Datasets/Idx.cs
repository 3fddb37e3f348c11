using System.Buffers.Binary;
using System.IO.Compression;

namespace Hybrid.Vision.Datasets;

/// <summary>An IDX array of unsigned bytes: its dims and its elements, row-major.</summary>
/// <param name="Shape">The dims from the header.</param>
/// <param name="Data">Product(Shape) bytes.</param>
public sealed record IdxArray(int[] Shape, byte[] Data);

/// <summary>
/// The IDX format of the MNIST files: two zero bytes, a type byte (0x08: unsigned byte, the
/// only type read here), a dim count, the dims as big-endian int32, then the elements.
/// The reader accepts raw or gzip-compressed files and treats them as untrusted: every
/// malformed, truncated, oversized or over-long input throws <see cref="InvalidDataException"/>
/// naming the file and the problem; nothing larger than the header promises (and at most
/// maxElements) is ever allocated.
/// </summary>
public static class Idx
{
    /// <summary>The default bound on the element count of one file (10⁸).</summary>
    public const long DefaultMaxElements = 100_000_000;

    /// <summary>The type byte of unsigned-byte data.</summary>
    public const byte UnsignedByte = 0x08;

    /// <summary>Reads an IDX file (raw or .gz, detected from its first bytes).</summary>
    public static IdxArray ReadFile(string path, long maxElements = DefaultMaxElements)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, Path.GetFileName(path), maxElements);
    }

    /// <summary>Reads IDX bytes held in memory.</summary>
    public static IdxArray Read(byte[] bytes, string name = "<memory>", long maxElements = DefaultMaxElements)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Read(new MemoryStream(bytes, writable: false), name, maxElements);
    }

    /// <summary>
    /// Reads IDX data from a stream (raw or gzip); <paramref name="name"/> appears in error
    /// messages. A non-seekable stream is first buffered (at most twice maxElements bytes).
    /// </summary>
    public static IdxArray Read(Stream stream, string name, long maxElements = DefaultMaxElements)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(maxElements);
        name ??= "<stream>";
        if (!stream.CanSeek) stream = Buffer(stream, name, 2 * maxElements + (1 << 16));
        var start = stream.Position;
        var sniff = new byte[2];
        var got = ReadFully(stream, sniff, name);
        stream.Position = start;
        if (got == 2 && sniff[0] == 0x1f && sniff[1] == 0x8b)
        {
            using var gz = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            return Parse(gz, null, name, maxElements);
        }
        return Parse(stream, stream.Length - start, name, maxElements);
    }

    /// <summary>Writes raw (uncompressed) unsigned-byte IDX data.</summary>
    public static void Write(Stream stream, int[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        if (shape.Length is 0 or > 255) throw new ArgumentException("IDX: 1 to 255 dims", nameof(shape));
        if (shape.Any(d => d < 0) || shape.Aggregate(1L, (a, d) => a * d) != data.Length)
            throw new ArgumentException("IDX: shape does not match the data length", nameof(shape));
        var header = new byte[4 + 4 * shape.Length];
        header[2] = UnsignedByte;
        header[3] = (byte)shape.Length;
        for (var i = 0; i < shape.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), shape[i]);
        stream.Write(header);
        stream.Write(data);
    }

    static IdxArray Parse(Stream s, long? length, string name, long maxElements)
    {
        var magic = new byte[4];
        var got = ReadFully(s, magic, name);
        if (got < 4) throw Bad(name, $"the file ends after {got} byte(s), inside the 4-byte magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw Bad(name, $"not an IDX file: the magic number 0x{Convert.ToHexString(magic)} does not start with two zero bytes");
        if (magic[2] != UnsignedByte)
            throw Bad(name, $"unsupported IDX element type 0x{magic[2]:X2} (only unsigned bytes, 0x08, are read)");
        int ndim = magic[3];
        if (ndim == 0) throw Bad(name, "the IDX header declares zero dimensions");
        var dimBytes = new byte[4 * ndim];
        got = ReadFully(s, dimBytes, name);
        if (got < dimBytes.Length) throw Bad(name, $"the file ends inside the header: {ndim} dims need {dimBytes.Length} bytes, {got} follow");
        var shape = new int[ndim];
        long count = 1;
        for (var i = 0; i < ndim; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (shape[i] < 0) throw Bad(name, $"dimension {i} is negative ({shape[i]})");
            count *= shape[i];   // ≤ maxElements · 2³¹ before the check below: no overflow
            if (count > maxElements)
                throw Bad(name, $"the dims {string.Join(" x ", shape.Take(i + 1))}{(i + 1 < ndim ? " x ..." : "")} hold more than the limit of {maxElements} elements");
        }
        var headerSize = 4L + dimBytes.Length;
        if (length is long total)
        {
            var rest = total - headerSize;
            if (rest < count) throw Bad(name, $"truncated: the header promises {count} bytes of data but only {rest} follow");
            if (rest > count) throw Bad(name, $"{rest - count} unexpected trailing byte(s) after the {count} bytes of data");
            var data = new byte[count];
            if (ReadFully(s, data, name) != count) throw Bad(name, "the file ended while reading the data");
            return new IdxArray(shape, data);
        }
        return new IdxArray(shape, ReadCompressed(s, count, name));
    }

    // The decompressed size is unknown in advance: grow the buffer as data arrives, so a
    // header that lies about its size costs no more memory than the data really present.
    static byte[] ReadCompressed(Stream s, long count, string name)
    {
        var buffer = new byte[Math.Min(count, 1 << 20)];
        long filled = 0;
        while (filled < count)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(count, 2L * buffer.Length));
            var n = ReadFully(s, buffer.AsSpan((int)filled, (int)Math.Min(buffer.Length - filled, int.MaxValue)), name);
            if (n == 0) throw Bad(name, $"truncated: the header promises {count} bytes of data but only {filled} follow");
            filled += n;
        }
        Span<byte> probe = stackalloc byte[1];
        if (ReadFully(s, probe, name) != 0) throw Bad(name, $"unexpected trailing data after the {count} bytes of data");
        return buffer;
    }

    /// <summary>Reads until the span is full or the stream ends; decoder failures become InvalidDataException.</summary>
    static int ReadFully(Stream s, Span<byte> buffer, string name)
    {
        var total = 0;
        try
        {
            while (total < buffer.Length)
            {
                var n = s.Read(buffer[total..]);
                if (n == 0) break;
                total += n;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or NotSupportedException)
        {
            throw Bad(name, $"the data cannot be read ({e.GetType().Name}: {e.Message})", e);
        }
        return total;
    }

    static MemoryStream Buffer(Stream stream, string name, long limit)
    {
        var copy = new MemoryStream();
        var chunk = new byte[1 << 16];
        int n;
        while ((n = ReadFully(stream, chunk, name)) > 0)
        {
            if (copy.Length + n > limit) throw Bad(name, $"the stream is longer than the limit of {limit} bytes");
            copy.Write(chunk, 0, n);
        }
        copy.Position = 0;
        return copy;
    }

    static InvalidDataException Bad(string name, string problem, Exception? inner = null) =>
        new($"IDX file '{name}': {problem}", inner);
}
