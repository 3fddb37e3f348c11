using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace Hybrid.IO;

/// <summary>The content of a safetensors file.</summary>
/// <param name="Tensors">The tensors by name, in file order.</param>
/// <param name="Metadata">The "__metadata__" strings (empty when absent).</param>
public sealed record SafeTensorsFile(Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata);

/// <summary>
/// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header size N, N bytes of UTF-8 JSON mapping each tensor name to its dtype,
/// shape and [begin, end) byte range in the data region ("__metadata__" maps strings to
/// strings), then the data region, little-endian. Hybrid writes F32, F64, I64, I32, U8 and
/// BOOL, and reads those plus F16 and BF16, which load as float32 (exactly).
/// </summary>
/// <remarks>
/// The reader treats its input as untrusted and checks what the Python library checks: the
/// header size (at most <see cref="MaxHeaderSize"/>, inside the file), a JSON object starting
/// with '{', known dtypes, non-negative integer dims whose product × element size (with
/// overflow checks) equals end − begin, and byte ranges that, sorted, tile the data region
/// exactly from 0 to its end (no gap, overlap or trailing bytes). It also rejects duplicate
/// names, which the Python library would silently collapse. Every violation throws
/// <see cref="InvalidDataException"/> with the reason; no allocation exceeds the input's size.
/// </remarks>
public static partial class SafeTensors
{
    /// <summary>The largest header accepted, in bytes (the Python library's limit, 100 MB).</summary>
    public const long MaxHeaderSize = 100_000_000;

    /// <summary>The header key of the string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Reads a safetensors file.</summary>
    public static SafeTensorsFile ReadFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream);
    }

    /// <summary>Reads safetensors bytes held in memory.</summary>
    public static SafeTensorsFile Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return Read(new MemoryStream(bytes, writable: false));
    }

    /// <summary>
    /// Reads safetensors data from the stream's position to its end (a non-seekable stream
    /// is buffered in memory first).
    /// </summary>
    public static SafeTensorsFile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors: reading needs a little-endian machine");
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            stream = copy;
        }
        var start = stream.Position;
        var total = stream.Length - start;
        if (total < 8) throw Bad($"the file has {total} bytes, fewer than the 8 of the header size");
        Span<byte> sizeBytes = stackalloc byte[8];
        stream.ReadExactly(sizeBytes);
        var n = BinaryPrimitives.ReadUInt64LittleEndian(sizeBytes);
        if (n > MaxHeaderSize) throw Bad($"the header size {n} exceeds the limit of {MaxHeaderSize} bytes");
        if ((long)n > total - 8) throw Bad($"the header size {n} runs past the end of the file ({total} bytes)");
        var header = new byte[n];
        stream.ReadExactly(header);
        var entries = ParseHeader(header, out var metadata);
        var dataLength = total - 8 - (long)n;
        Validate(entries, dataLength);
        var tensors = new Dictionary<string, Tensor>(entries.Count);
        var dataStart = start + 8 + (long)n;
        foreach (var e in entries)
        {
            stream.Position = dataStart + e.Begin;
            tensors.Add(e.Name, ReadTensor(stream, e));
        }
        return new SafeTensorsFile(tensors, metadata);
    }

    sealed record Entry(string Name, string DTypeName, int FileSize, DType DType, int[] Shape, long Count, long Begin, long End);

    static List<Entry> ParseHeader(byte[] header, out Dictionary<string, string> metadata)
    {
        if (header.Length == 0 || header[0] != (byte)'{')
            throw Bad("the header does not start with '{'");
        if (!Utf8.IsValid(header)) throw Bad("the header is not valid UTF-8");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 16 }); }
        catch (JsonException e) { throw Bad($"the header is not valid JSON: {e.Message}", e); }
        using (doc)
        {
            try { return ParseEntries(doc, out metadata); }
            // String getters throw this for escapes that decode to invalid UTF-16 ("\ud800").
            catch (InvalidOperationException e) { throw Bad($"the header holds an invalid string: {e.Message}", e); }
        }
    }

    static List<Entry> ParseEntries(JsonDocument doc, out Dictionary<string, string> metadata)
    {
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad("the header is not a JSON object");
        metadata = new Dictionary<string, string>();
        var entries = new List<Entry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (!names.Add(p.Name)) throw Bad($"the name '{p.Name}' appears twice in the header");
            if (p.Name == MetadataKey) metadata = ParseMetadata(p.Value);
            else entries.Add(ParseEntry(p.Name, p.Value));
        }
        return entries;
    }

    static Dictionary<string, string> ParseMetadata(JsonElement value)
    {
        var metadata = new Dictionary<string, string>();
        if (value.ValueKind == JsonValueKind.Null) return metadata;
        if (value.ValueKind != JsonValueKind.Object) throw Bad($"'{MetadataKey}' must be an object of strings");
        foreach (var p in value.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String) throw Bad($"metadata '{p.Name}' is not a string");
            if (!metadata.TryAdd(p.Name, p.Value.GetString()!)) throw Bad($"metadata key '{p.Name}' appears twice");
        }
        return metadata;
    }

    static Entry ParseEntry(string name, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Bad($"the entry of tensor '{name}' is not an object");
        if (!value.TryGetProperty("dtype", out var dtypeEl) || dtypeEl.ValueKind != JsonValueKind.String)
            throw Bad($"tensor '{name}' has no string 'dtype'");
        var dtypeName = dtypeEl.GetString()!;
        if (!SafeTensorsDTypes.TryParse(dtypeName, out var fileSize, out var dtype))
            throw Bad(SafeTensorsDTypes.IsKnownUnsupported(dtypeName)
                ? $"tensor '{name}' has dtype {dtypeName}, which Hybrid cannot load (supported: F32, F64, I64, I32, U8, BOOL, F16, BF16)"
                : $"tensor '{name}' has the unknown dtype '{dtypeName}'");
        if (!value.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array)
            throw Bad($"tensor '{name}' has no 'shape' array");
        var shape = new int[shapeEl.GetArrayLength()];
        long count = 1;
        var i = 0;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var dim) || dim < 0)
                throw Bad($"tensor '{name}': shape entry {i} is not a non-negative integer");
            if (dim > int.MaxValue) throw Bad($"tensor '{name}': dimension {i} ({dim}) is larger than Hybrid supports");
            shape[i++] = (int)dim;
            try { count = checked(count * dim); }
            catch (OverflowException) { throw Bad($"tensor '{name}': the element count of shape overflows"); }
        }
        if (!value.TryGetProperty("data_offsets", out var offEl) || offEl.ValueKind != JsonValueKind.Array || offEl.GetArrayLength() != 2)
            throw Bad($"tensor '{name}' has no 'data_offsets' pair");
        var begin = Offset(offEl[0], name);
        var end = Offset(offEl[1], name);
        return new Entry(name, dtypeName, fileSize, dtype, shape, count, begin, end);
    }

    static long Offset(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) && v >= 0 ? v
        : throw Bad($"tensor '{name}': data_offsets must be non-negative integers");

    // As the Python library: sorted by range, each tensor starts where the previous ended,
    // its range holds exactly count × size bytes, and the last one ends at the end of the file.
    static void Validate(List<Entry> entries, long dataLength)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End != b.End ? a.End.CompareTo(b.End) : string.CompareOrdinal(a.Name, b.Name));
        long position = 0;
        foreach (var e in entries)
        {
            if (e.Begin != position || e.End < e.Begin)
                throw Bad($"tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] do not follow the previous tensor's end {position} (ranges must tile the data region without gaps or overlap)");
            long bytes;
            try { bytes = checked(e.Count * e.FileSize); }
            catch (OverflowException) { throw Bad($"tensor '{e.Name}': its byte size overflows"); }
            if (e.End - e.Begin != bytes)
                throw Bad($"tensor '{e.Name}': shape ({string.Join(", ", e.Shape)}) of {e.DTypeName} needs {bytes} bytes but data_offsets span {e.End - e.Begin}");
            if (e.End > dataLength)
                throw Bad($"tensor '{e.Name}': data_offsets end {e.End} lies past the data region of {dataLength} bytes");
            if (e.Count > Array.MaxLength) throw Bad($"tensor '{e.Name}': {e.Count} elements are more than one array holds");
            position = e.End;
        }
        if (position != dataLength)
            throw Bad($"the data region has {dataLength} bytes but the tensors cover {position}");
    }

    static Tensor ReadTensor(Stream stream, Entry e)
    {
        var n = (int)e.Count;
        switch (e.DTypeName)
        {
            case "F16":
            case "BF16":
                var raw = new ushort[n];
                stream.ReadExactly(MemoryMarshal.AsBytes(raw.AsSpan()));
                var floats = new float[n];
                if (e.DTypeName == "F16") for (var i = 0; i < n; i++) floats[i] = (float)BitConverter.UInt16BitsToHalf(raw[i]);
                else for (var i = 0; i < n; i++) floats[i] = BitConverter.Int32BitsToSingle(raw[i] << 16);
                return Create.FromArray(floats, e.Shape);
            case "BOOL":
                var bytes = new byte[n];
                stream.ReadExactly(bytes);
                var bools = new bool[n];
                for (var i = 0; i < n; i++) bools[i] = bytes[i] != 0;
                return Create.FromArray(bools, e.Shape);
            default:
                return e.DType switch
                {
                    DType.Float32 => Typed<float>(stream, n, e.Shape),
                    DType.Float64 => Typed<double>(stream, n, e.Shape),
                    DType.Int64 => Typed<long>(stream, n, e.Shape),
                    DType.Int32 => Typed<int>(stream, n, e.Shape),
                    _ => Typed<byte>(stream, n, e.Shape),
                };
        }
    }

    static Tensor Typed<T>(Stream stream, int n, int[] shape) where T : unmanaged
    {
        var values = new T[n];
        stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return Create.FromArray(values, shape);
    }

    static InvalidDataException Bad(string problem, Exception? inner = null) => new("safetensors: " + problem, inner);
}
