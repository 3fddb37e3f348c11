using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hybrid.IO;

public static partial class SafeTensors
{
    /// <summary>
    /// Writes tensors (and optional string metadata) in the safetensors format, laid out as
    /// the Python library does: "__metadata__" first, tensors ordered by descending dtype then
    /// name, compact JSON padded with spaces to a multiple of 8 bytes, data little-endian.
    /// </summary>
    public static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors: writing needs a little-endian machine");
        var entries = tensors.Select(kv => (Name: kv.Key, Tensor: kv.Value)).ToArray();
        foreach (var (name, tensor) in entries)
        {
            if (name is null) throw new ArgumentException("safetensors: a tensor name is null", nameof(tensors));
            if (name == MetadataKey) throw new ArgumentException($"safetensors: '{MetadataKey}' is reserved and cannot name a tensor", nameof(tensors));
            if (tensor is null) throw new ArgumentException($"safetensors: tensor '{name}' is null", nameof(tensors));
        }
        Array.Sort(entries, (a, b) =>
        {
            var c = SafeTensorsDTypes.Rank(b.Tensor.DType).CompareTo(SafeTensorsDTypes.Rank(a.Tensor.DType));
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        var header = Header(entries, metadata);
        Span<byte> size = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(size, (ulong)header.Length);
        stream.Write(size);
        stream.Write(header);
        foreach (var (_, tensor) in entries) WriteData(stream, tensor);
    }

    /// <summary>The safetensors bytes of <paramref name="tensors"/>.</summary>
    public static byte[] Serialize(IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var stream = new MemoryStream();
        Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    /// <summary>Writes a safetensors file atomically (temp file, flush to disk, rename).</summary>
    public static void WriteFile(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        AtomicFile.Write(path, stream => Write(stream, tensors, metadata));
    }

    static byte[] Header((string Name, Tensor Tensor)[] entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false }))
        {
            w.WriteStartObject();
            if (metadata is not null)
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata)
                {
                    ArgumentNullException.ThrowIfNull(k, "metadata key");
                    w.WriteString(k, v ?? throw new ArgumentException($"safetensors: metadata value of '{k}' is null"));
                }
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in entries)
            {
                var bytes = (long)tensor.NumEl * tensor.DType.ElementSize();
                w.WriteStartObject(name);
                w.WriteString("dtype", SafeTensorsDTypes.Name(tensor.DType));
                w.WriteStartArray("shape");
                foreach (var d in tensor.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        var length = (int)json.Length;
        var padded = (length + 7) / 8 * 8;
        var header = new byte[padded];
        json.GetBuffer().AsSpan(0, length).CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }

    static void WriteData(Stream stream, Tensor tensor)
    {
        switch (tensor.DType)
        {
            case DType.Float32: stream.Write(MemoryMarshal.AsBytes(tensor.ToArray<float>().AsSpan())); break;
            case DType.Float64: stream.Write(MemoryMarshal.AsBytes(tensor.ToArray<double>().AsSpan())); break;
            case DType.Int64: stream.Write(MemoryMarshal.AsBytes(tensor.ToArray<long>().AsSpan())); break;
            case DType.Int32: stream.Write(MemoryMarshal.AsBytes(tensor.ToArray<int>().AsSpan())); break;
            case DType.UInt8: stream.Write(tensor.ToArray<byte>()); break;
            case DType.Bool:
                var values = tensor.ToArray<bool>();
                var bytes = new byte[values.Length];
                for (var i = 0; i < bytes.Length; i++) bytes[i] = values[i] ? (byte)1 : (byte)0;
                stream.Write(bytes);
                break;
            default: throw new ArgumentException($"safetensors: cannot write dtype {tensor.DType}");
        }
    }
}
