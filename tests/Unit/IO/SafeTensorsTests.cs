using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Hybrid.IO;
using Xunit;

namespace Hybrid.Unit.IO;

public sealed class SafeTensorsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hybrid-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static Dictionary<string, Tensor> EveryDType() => new()
    {
        ["f32"] = Torch.FromArray(new[] { 1.5f, -2f, float.NaN, float.PositiveInfinity, 0f, 1e-30f }, 2, 3),
        ["f64"] = Torch.FromArray(new[] { Math.PI, -0.0, double.MaxValue }, 3),
        ["i64"] = Torch.FromArray(new[] { long.MinValue, 0, long.MaxValue, 42 }, 2, 1, 2),
        ["i32"] = Torch.FromArray(new[] { int.MinValue, -1, int.MaxValue }, 3),
        ["u8"] = Torch.FromArray(new byte[] { 0, 1, 128, 255 }, 4),
        ["bool"] = Torch.FromArray(new[] { true, false, true }, 3),
        ["scalar"] = Torch.Tensor(2.5f),
        ["empty"] = Torch.Zeros(new[] { 0, 3 }, DType.Int32),
    };

    static void AssertSame(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.DType, actual.DType);
        Assert.Equal(expected.Shape, actual.Shape);
        switch (expected.DType)
        {
            case DType.Float32: Assert.Equal(expected.ToArray<float>().Select(BitConverter.SingleToInt32Bits), actual.ToArray<float>().Select(BitConverter.SingleToInt32Bits)); break;
            case DType.Float64: Assert.Equal(expected.ToArray<double>().Select(BitConverter.DoubleToInt64Bits), actual.ToArray<double>().Select(BitConverter.DoubleToInt64Bits)); break;
            case DType.Int64: Assert.Equal(expected.ToArray<long>(), actual.ToArray<long>()); break;
            case DType.Int32: Assert.Equal(expected.ToArray<int>(), actual.ToArray<int>()); break;
            case DType.UInt8: Assert.Equal(expected.ToArray<byte>(), actual.ToArray<byte>()); break;
            default: Assert.Equal(expected.ToArray<bool>(), actual.ToArray<bool>()); break;
        }
    }

    [Fact]
    public void Round_trip_of_every_dtype_through_Torch_Save_and_Load()
    {
        var path = Path.Combine(_dir, "all.safetensors");
        var tensors = EveryDType();
        Torch.Save(tensors, path, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "ünïcode \"quoted\"" });
        var loaded = Torch.Load(path);
        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (k, t) in tensors) AssertSame(t, loaded[k]);
        Assert.Equal("ünïcode \"quoted\"", SafeTensors.ReadFile(path).Metadata["note"]);
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(_dir, ".*")));
    }

    [Fact]
    public void Non_contiguous_views_are_saved_as_their_values()
    {
        var t = Torch.Arange(0, 6, 1, DType.Float32).Reshape(2, 3).T;
        var back = SafeTensors.Read(SafeTensors.Serialize(new Dictionary<string, Tensor> { ["t"] = t })).Tensors["t"];
        Assert.Equal(new[] { 3, 2 }, back.Shape);
        Assert.Equal(new[] { 0f, 3, 1, 4, 2, 5 }, back.ToArray<float>());
    }

    [Fact]
    public void A_file_written_by_Hybrid_reads_with_an_independent_reader()
    {
        var path = Path.Combine(_dir, "model.safetensors");
        Torch.Save(new Dictionary<string, Tensor>
        {
            ["fc.weight"] = Torch.FromArray(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 2, 3),
            ["fc.bias"] = Torch.FromArray(new[] { 0.5, -0.5 }, 2),
            ["steps"] = Torch.Tensor(9L),
        }, path, new Dictionary<string, string> { ["format"] = "pt" });
        var bytes = File.ReadAllBytes(path);
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, n % 8);
        var headerText = Encoding.UTF8.GetString(bytes, 8, n);
        Assert.StartsWith("{", headerText);
        using var header = JsonDocument.Parse(headerText);
        Assert.Equal("pt", header.RootElement.GetProperty("__metadata__").GetProperty("format").GetString());
        var data = bytes.AsSpan(8 + n);
        (string Dtype, int[] Shape, int Begin, int End) Info(string name)
        {
            var e = header.RootElement.GetProperty(name);
            var off = e.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt32()).ToArray();
            return (e.GetProperty("dtype").GetString()!, e.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()).ToArray(), off[0], off[1]);
        }
        var w = Info("fc.weight");
        Assert.Equal(("F32", "2,3", 24), (w.Dtype, string.Join(",", w.Shape), w.End - w.Begin));
        for (var i = 0; i < 6; i++) Assert.Equal(i + 1f, BinaryPrimitives.ReadSingleLittleEndian(data[(w.Begin + 4 * i)..]));
        var b = Info("fc.bias");
        Assert.Equal(("F64", "2", 16), (b.Dtype, string.Join(",", b.Shape), b.End - b.Begin));
        Assert.Equal(-0.5, BinaryPrimitives.ReadDoubleLittleEndian(data[(b.Begin + 8)..]));
        var s = Info("steps");
        Assert.Equal(("I64", "", 8), (s.Dtype, string.Join(",", s.Shape), s.End - s.Begin));
        Assert.Equal(9L, BinaryPrimitives.ReadInt64LittleEndian(data[s.Begin..]));
        // The ranges tile the data region exactly, in the Python writer's order (I64, F64, F32).
        Assert.Equal(new[] { (0, 8), (8, 24), (24, 48) }, new[] { (s.Begin, s.End), (b.Begin, b.End), (w.Begin, w.End) });
        Assert.Equal(48, data.Length);
    }

    // What safetensors.torch.save_file({"weight": torch.tensor([[1., 2.], [3., 4.]]), "step": torch.tensor(7),
    // "mask": torch.tensor([True, False, True])}, path, metadata={"format": "pt"}) writes: compact JSON with
    // the metadata first, tensors by descending dtype then name, padded with one space to 208 bytes.
    const string PythonHeader =
        "{\"__metadata__\":{\"format\":\"pt\"},\"step\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}," +
        "\"weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,24]},\"mask\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[24,27]}} ";

    static byte[] PythonFile()
    {
        var file = new List<byte>();
        file.AddRange(new byte[] { 208, 0, 0, 0, 0, 0, 0, 0 });
        file.AddRange(Encoding.ASCII.GetBytes(PythonHeader));
        file.AddRange(new byte[] { 7, 0, 0, 0, 0, 0, 0, 0 });                 // step = 7 (I64)
        file.AddRange(new byte[] { 0, 0, 0x80, 0x3F, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40 });   // 1, 2, 3, 4 (F32)
        file.AddRange(new byte[] { 1, 0, 1 });                                 // mask (BOOL)
        return file.ToArray();
    }

    [Fact]
    public void A_file_crafted_as_the_Python_library_writes_it_loads_and_Hybrid_writes_the_same_bytes()
    {
        Assert.Equal(208, PythonHeader.Length);
        var file = SafeTensors.Read(PythonFile());
        Assert.Equal(new[] { "step", "weight", "mask" }, file.Tensors.Keys);
        Assert.Equal(7L, file.Tensors["step"].Item<long>());
        Assert.Equal(0, file.Tensors["step"].Dim);
        Assert.Equal(new[] { 2, 2 }, file.Tensors["weight"].Shape);
        Assert.Equal(new[] { 1f, 2, 3, 4 }, file.Tensors["weight"].ToArray<float>());
        Assert.Equal(new[] { true, false, true }, file.Tensors["mask"].ToArray<bool>());
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(PythonFile(), SafeTensors.Serialize(file.Tensors, file.Metadata));
    }

    [Fact]
    public void F16_and_BF16_load_as_float32()
    {
        const string header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}";
        var padded = header.PadRight((header.Length + 7) / 8 * 8);
        byte[] file = [.. BitConverter.GetBytes((ulong)padded.Length), .. Encoding.ASCII.GetBytes(padded),
            0x00, 0x3C, 0x00, 0xC0,     // F16 1.0, -2.0
            0x80, 0x3F, 0x49, 0x40];    // BF16 1.0, 3.140625
        var t = SafeTensors.Read(file).Tensors;
        Assert.Equal(new[] { 1f, -2f }, t["h"].ToArray<float>());
        Assert.Equal(new[] { 1f, 3.140625f }, t["b"].ToArray<float>());
    }

    static byte[] WithHeader(string header, int dataBytes, ulong? size = null)
    {
        var h = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes(size ?? (ulong)h.Length), .. h, .. new byte[dataBytes]];
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4, "past the data region of 4 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 12, "data region has 12 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8, "needs 12 bytes")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 8, "non-negative integer")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12, "do not follow")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[1,3]}}", 3, "do not follow")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[2,4]}}", 4, "appears twice")]
    [InlineData("{\"a\":{\"dtype\":\"Q8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1, "unknown dtype")]
    [InlineData("{\"a\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2, "cannot load")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,1]}}", 1, "larger than Hybrid supports")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,1]}}", 1, "overflows")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]}}", 1, "data_offsets")]
    [InlineData("{\"__metadata__\":{\"k\":1}}", 0, "not a string")]
    [InlineData(" {}", 0, "does not start with '{'")]
    [InlineData("{\"a\":", 0, "not valid JSON")]
    [InlineData("[]", 0, "does not start with '{'")]
    public void Rejects_malformed_headers_with_InvalidDataException(string header, int dataBytes, string problem)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Read(WithHeader(header, dataBytes)));
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Rejects_bad_header_sizes()
    {
        Assert.Contains("fewer than the 8", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(new byte[7])).Message);
        Assert.Contains("exceeds the limit", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(WithHeader("{}", 0, 100_000_001))).Message);
        Assert.Contains("exceeds the limit", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(WithHeader("{}", 0, ulong.MaxValue))).Message);
        Assert.Contains("runs past the end", Assert.Throws<InvalidDataException>(() => SafeTensors.Read(WithHeader("{}", 0, 3))).Message);
        Assert.Empty(SafeTensors.Read(WithHeader("{}", 0)).Tensors);
    }

    [Fact]
    public void Writer_rejects_the_reserved_name()
    {
        Assert.Throws<ArgumentException>(() => SafeTensors.Serialize(new Dictionary<string, Tensor> { ["__metadata__"] = Torch.Zeros(1) }));
    }

    [Fact]
    public void Fuzzed_safetensors_inputs_only_return_or_throw_InvalidDataException()
    {
        byte[][] seeds =
        [
            SafeTensors.Serialize(EveryDType(), new Dictionary<string, string> { ["format"] = "pt" }),
            PythonFile(),
            SafeTensors.Serialize(new Dictionary<string, Tensor> { ["x"] = Torch.Zeros(2, 2) }),
        ];
        var accepted = Fuzz.Run<InvalidDataException>("safetensors", seeds, b => SafeTensors.Read(b), seed: 1729, Fuzz.MutateSafeTensorsHeader);
        Assert.InRange(accepted, 1, Fuzz.Cases - 1);
    }
}
