using System.Buffers.Binary;
using Hybrid.Data;
using Hybrid.Vision.Datasets;
using Hybrid.Vision.Transforms;
using SkiaSharp;
using Xunit;

namespace Hybrid.Unit.Data;

public sealed class ImageFolderTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("hybrid-imagefolder-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    static readonly (byte R, byte G, byte B, byte A)[] Pattern =
        [(255, 0, 0, 255), (0, 255, 0, 255), (0, 0, 255, 255), (10, 200, 30, 128)];

    /// <summary>Encodes a w×h image with SkiaSharp (PNG is lossless; alpha as given, unpremultiplied).</summary>
    static void WriteImage(string path, int w, int h, Func<int, int, (byte R, byte G, byte B, byte A)> pixel,
        SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var bytes = bitmap.GetPixelSpan();
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var (r, g, b, a) = pixel(x, y);
                var i = (y * w + x) * 4;
                (bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]) = (r, g, b, a);
            }
        using var data = bitmap.Encode(format, 100) ?? throw new InvalidOperationException($"SkiaSharp cannot encode {format}");
        File.WriteAllBytes(path, data.ToArray());
    }

    static void WriteSolid(string path, int w, int h, byte r, byte g, byte b,
        SKEncodedImageFormat format = SKEncodedImageFormat.Png) => WriteImage(path, w, h, (_, _) => (r, g, b, 255), format);

    static void WritePattern(string path) => WriteImage(path, 2, 2, (x, y) => Pattern[y * 2 + x]);

    string P(params string[] parts) => Path.Combine([_root, .. parts]);

    /// <summary>
    /// root/Zebra/z.png; root/cat/a.png, b.JPG, sub/c.png, notes.txt; root/dog/B.png, a.jpeg:
    /// classes in ordinal order (Zebra, cat, dog), text files skipped.
    /// </summary>
    void WriteTree()
    {
        WriteSolid(P("Zebra", "z.png"), 3, 2, 255, 255, 255);
        WriteSolid(P("cat", "a.png"), 3, 2, 255, 0, 0);
        WriteSolid(P("cat", "b.JPG"), 8, 8, 0, 0, 255, SKEncodedImageFormat.Jpeg);
        WritePattern(P("cat", "sub", "c.png"));
        File.WriteAllText(P("cat", "notes.txt"), "not an image");
        WriteSolid(P("dog", "B.png"), 4, 4, 0, 128, 0);
        WriteSolid(P("dog", "a.jpeg"), 4, 4, 200, 100, 50, SKEncodedImageFormat.Jpeg);
    }

    [Fact]
    public void Classes_are_sorted_sub_folders_and_samples_are_walked_in_path_order()
    {
        WriteTree();
        var ds = new ImageFolder(_root);
        Assert.Equal(new[] { "Zebra", "cat", "dog" }, ds.Classes);
        Assert.Equal(new Dictionary<string, int> { ["Zebra"] = 0, ["cat"] = 1, ["dog"] = 2 }, ds.ClassToIdx);
        var expected = new (string, int)[]
        {
            (P("Zebra", "z.png"), 0),
            (P("cat", "a.png"), 1), (P("cat", "b.JPG"), 1), (P("cat", "sub", "c.png"), 1),
            (P("dog", "B.png"), 2), (P("dog", "a.jpeg"), 2),
        };
        Assert.Equal(expected, ds.Samples);
        Assert.Equal(new[] { 0, 1, 1, 1, 2, 2 }, ds.Targets);
        Assert.Equal(6, ds.Count);
        Assert.Equal(ImageFolder.ImgExtensions, ds.Extensions);
        Assert.Throws<ArgumentOutOfRangeException>(() => ds[6]);
    }

    [Fact]
    public void Folders_are_ordered_by_full_path_as_sorted_os_walk()
    {
        // sorted(os.walk(…)): folders by path, so "x" < "x y" < "x/deeper" (' ' is 0x20, '/' 0x2F);
        // a folder's own files come before any sub-folder's.
        WriteSolid(P("c", "x", "1.png"), 1, 1, 1, 1, 1);
        WriteSolid(P("c", "x y", "2.png"), 1, 1, 2, 2, 2);
        WriteSolid(P("c", "x", "deeper", "3.png"), 1, 1, 3, 3, 3);
        WriteSolid(P("c", "0.png"), 1, 1, 0, 0, 0);
        var ds = new ImageFolder(_root);
        Assert.Equal(new[] { P("c", "0.png"), P("c", "x", "1.png"), P("c", "x y", "2.png"), P("c", "x", "deeper", "3.png") },
            ds.Samples.Select(s => s.Path));
    }

    [Fact]
    public void Links_are_followed_but_a_link_back_up_the_tree_is_not_walked_again()
    {
        WriteSolid(P("data", "0.png"), 1, 1, 0, 0, 0);
        WriteSolid(P("data", "sub", "1.png"), 1, 1, 1, 1, 1);
        Directory.CreateSymbolicLink(P("data", "sub", "loop"), P("data"));
        Directory.CreateSymbolicLink(P("linked"), P("data", "sub"));
        var ds = new ImageFolder(_root);
        Assert.Equal(new[] { "data", "linked" }, ds.Classes);
        Assert.Equal(new[] { (P("data", "0.png"), 0), (P("data", "sub", "1.png"), 0), (P("linked", "1.png"), 1), (P("linked", "loop", "0.png"), 1) },
            ds.Samples);
        Assert.Equal(1, ds[2].Image.ToArray<byte>()[0]);
    }

    [Fact]
    public void PNG_pixels_decode_exactly_to_HWC_uint8_RGB_with_alpha_dropped()
    {
        WriteTree();
        var ds = new ImageFolder(_root);
        var (red, label) = ds[1];
        Assert.Equal(new[] { 2, 3, 3 }, red.Shape);
        Assert.Equal(DType.UInt8, red.DType);
        Assert.Equal(Enumerable.Repeat(new byte[] { 255, 0, 0 }, 6).SelectMany(p => p), red.ToArray<byte>());
        Assert.Equal(0, label.Dim);
        Assert.Equal(DType.Int64, label.DType);
        Assert.Equal(1L, label.Item<long>());

        var (pattern, patternLabel) = ds[3];
        Assert.Equal(new[] { 2, 2, 3 }, pattern.Shape);
        Assert.Equal(Pattern.SelectMany(p => new[] { p.R, p.G, p.B }), pattern.ToArray<byte>());
        Assert.Equal(1L, patternLabel.Item<long>());

        Assert.Equal(Enumerable.Repeat((byte)128, 16), ds[4].Image.ToArray<byte>().Where((_, i) => i % 3 == 1));
        Assert.Equal(2L, ds[4].Label.Item<long>());
    }

    [Fact]
    public void JPEG_pixels_decode_within_a_small_tolerance()
    {
        WriteTree();
        var ds = new ImageFolder(_root);
        foreach (var (index, h, w, rgb) in new[] { (2, 8, 8, new byte[] { 0, 0, 255 }), (5, 4, 4, new byte[] { 200, 100, 50 }) })
        {
            var image = ds[index].Image;
            Assert.Equal(new[] { h, w, 3 }, image.Shape);
            Assert.Equal(DType.UInt8, image.DType);
            var pixels = image.ToArray<byte>();
            for (var i = 0; i < pixels.Length; i++)
                Assert.InRange(pixels[i], rgb[i % 3] - 4, rgb[i % 3] + 4);
        }
    }

    [Fact]
    public void ToTensor_gives_CHW_float_in_0_1_and_the_target_transform_applies_to_labels()
    {
        WriteTree();
        var ds = new ImageFolder(_root, transform: new ToTensor(), targetTransform: new Lambda(l => l + 10));
        var (image, label) = ds[3];
        Assert.Equal(new[] { 3, 2, 2 }, image.Shape);
        Assert.Equal(DType.Float32, image.DType);
        var expected = new float[12];
        for (var k = 0; k < 3; k++)
            for (var i = 0; i < 4; i++)
                expected[k * 4 + i] = new[] { Pattern[i].R, Pattern[i].G, Pattern[i].B }[k] / 255f;
        Assert.Equal(expected, image.ToArray<float>());
        Assert.Equal(11L, label.Item<long>());
        foreach (var (x, _) in ds)
            Assert.All(x.ToArray<float>(), v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void A_DataLoader_batches_the_images_with_workers()
    {
        WriteTree();
        var ds = new ImageFolder(_root, transform: new Compose(new ToTensor(), new Resize((4, 4))));
        foreach (var workers in new[] { 0, 2 })
        {
            var loader = new DataLoader<(Tensor, Tensor)>(ds, batchSize: 4, numWorkers: workers);
            var batches = loader.ToList();
            Assert.Equal(2, batches.Count);
            Assert.Equal(new[] { 4, 3, 4, 4 }, batches[0].Item1.Shape);
            Assert.Equal(new[] { 2, 3, 4, 4 }, batches[1].Item1.Shape);
            Assert.Equal(new long[] { 0, 1, 1, 1, 2, 2 }, batches.SelectMany(b => b.Item2.ToArray<long>()));
            // Sample 1 is solid red: channel 0 all ones, channels 1 and 2 zero.
            var red = batches[0].Item1.Select(0, 1).ToArray<float>();
            Assert.Equal(Enumerable.Repeat(1f, 16).Concat(Enumerable.Repeat(0f, 32)), red);
        }
        var shuffled = new DataLoader<(Tensor, Tensor)>(ds, batchSize: 3, shuffle: true, generator: new Generator(3))
            .SelectMany(b => b.Item2.ToArray<long>()).Order();
        Assert.Equal(new long[] { 0, 1, 1, 1, 2, 2 }, shuffled);
    }

    [Fact]
    public void A_custom_loader_and_isValidFile_replace_decoding_and_extension_filtering()
    {
        WriteTree();
        var ds = new ImageFolder(_root, loader: path => Torch.Tensor((long)new FileInfo(path).Length),
            isValidFile: path => path.EndsWith(".txt", StringComparison.Ordinal) || path.EndsWith("z.png", StringComparison.Ordinal),
            allowEmpty: true);
        Assert.Null(ds.Extensions);
        Assert.Equal(new[] { (P("Zebra", "z.png"), 0), (P("cat", "notes.txt"), 1) }, ds.Samples);
        Assert.Equal("not an image".Length, ds[1].Image.Item<long>());
        // dog has no valid file under this filter: the message has no extension list.
        var e = Assert.Throws<FileNotFoundException>(() => new ImageFolder(_root, isValidFile: p => p.Contains("cat")));
        Assert.Equal("Found no valid file for the classes Zebra, dog. ", e.Message);
    }

    [Fact]
    public void A_missing_root_or_a_root_without_class_folders_fails()
    {
        var missing = P("nope");
        Assert.Contains(missing, Assert.Throws<DirectoryNotFoundException>(() => new ImageFolder(missing)).Message);
        WriteSolid(P("loose.png"), 1, 1, 0, 0, 0);
        Assert.Equal($"Couldn't find any class folder in {_root}.", Assert.Throws<FileNotFoundException>(() => new ImageFolder(_root)).Message);
    }

    [Fact]
    public void A_class_folder_without_valid_images_fails_unless_allowEmpty()
    {
        WriteTree();
        Directory.CreateDirectory(P("empty", "nested"));
        File.WriteAllText(P("empty", "readme.md"), "no images");
        File.WriteAllText(P("empty", "nested", "image.tiff"), "not supported");
        var e = Assert.Throws<FileNotFoundException>(() => new ImageFolder(_root));
        Assert.Equal("Found no valid file for the classes empty. Supported extensions are: .jpg, .jpeg, .png, .bmp, .gif, .webp", e.Message);
        var ds = new ImageFolder(_root, allowEmpty: true);
        Assert.Equal(new[] { "Zebra", "cat", "dog", "empty" }, ds.Classes);
        Assert.Equal(6, ds.Count);
        Assert.DoesNotContain(3, ds.Targets);
    }

    [Fact]
    public void A_truncated_or_corrupt_image_fails_with_InvalidDataException_naming_the_file()
    {
        WriteImage(P("c", "big.png"), 64, 64, (x, y) => ((byte)(x * 4), (byte)(y * 4), (byte)(x ^ y), 255));
        var full = File.ReadAllBytes(P("c", "big.png"));
        File.WriteAllBytes(P("c", "truncated.png"), full[..(full.Length * 2 / 3)]);
        File.WriteAllBytes(P("c", "header-only.png"), full[..20]);
        File.WriteAllText(P("c", "text.jpg"), "this is not a JPEG");
        File.WriteAllBytes(P("c", "empty.png"), []);
        var ds = new ImageFolder(_root);
        Assert.Equal(5, ds.Count);
        for (var i = 0; i < ds.Count; i++)
        {
            var path = ds.Samples[i].Path;
            if (path.EndsWith("big.png", StringComparison.Ordinal)) continue;
            var index = i;
            var e = Assert.Throws<InvalidDataException>(() => ds[index]);
            Assert.Contains(path, e.Message);
        }
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => ImageFolder.LoadImage(P("c", "truncated.png"))).Message);
        Assert.Equal(new[] { 64, 64, 3 }, ImageFolder.LoadImage(P("c", "big.png")).Shape);
    }

    [Fact]
    public void Oversized_images_are_refused_before_decoding()
    {
        // A valid PNG header declaring 20000×20000 RGB with one tiny IDAT: decoding it would need 1.6 GB.
        var path = P("c", "bomb.png");
        Directory.CreateDirectory(P("c"));
        File.WriteAllBytes(path, Png(20000, 20000));
        var e = Assert.Throws<InvalidDataException>(() => new ImageFolder(_root)[0]);
        Assert.Contains(path, e.Message);
        Assert.Contains("20000×20000", e.Message);
        // A lower pixel budget through a custom loader.
        WriteSolid(P("c", "small.png"), 3, 2, 1, 2, 3);
        var ds = new ImageFolder(_root, loader: p => ImageFolder.LoadImage(p, maxPixels: 5));
        Assert.Contains("3×2", Assert.Throws<InvalidDataException>(() => ds[1]).Message);
        Assert.Equal(new[] { 2, 3, 3 }, ImageFolder.LoadImage(P("c", "small.png"), maxPixels: 6).Shape);
    }

    /// <summary>A PNG with the given IHDR size (8-bit RGB), a 2-byte-wide IDAT of zlib data, and IEND.</summary>
    static byte[] Png(int width, int height)
    {
        var ms = new MemoryStream();
        ms.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;   // bit depth
        ihdr[9] = 2;   // RGB
        Chunk(ms, "IHDR", ihdr);
        Chunk(ms, "IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        Chunk(ms, "IEND", []);
        return ms.ToArray();
    }

    static void Chunk(Stream s, string type, byte[] data)
    {
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(u32, data.Length);
        s.Write(u32);
        var typed = type.Select(c => (byte)c).Concat(data).ToArray();
        s.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(u32, Crc32(typed));
        s.Write(u32);
    }

    static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
