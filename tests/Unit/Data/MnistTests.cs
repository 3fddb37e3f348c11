using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Hybrid.Data;
using Hybrid.Vision.Datasets;
using Hybrid.Vision.Transforms;
using Xunit;
using static Hybrid.Unit.Data.IdxTests;

namespace Hybrid.Unit.Data;

public sealed class MnistTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("hybrid-mnist-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    void WriteSplit(string folder, byte[] images, byte[] labels, bool gz, bool train = true)
    {
        Directory.CreateDirectory(folder);
        var (i, l) = train ? (MNIST.FileNames[0], MNIST.FileNames[1]) : (MNIST.FileNames[2], MNIST.FileNames[3]);
        File.WriteAllBytes(Path.Combine(folder, gz ? i : i[..^3]), gz ? Gzip(images) : images);
        File.WriteAllBytes(Path.Combine(folder, gz ? l : l[..^3]), gz ? Gzip(labels) : labels);
    }

    [Fact]
    public void The_bundled_copy_loads_8000_train_and_2000_test_digits()
    {
        var train = new MNIST();
        var test = new MNIST(train: false);
        Assert.Equal(8000, train.Count);
        Assert.Equal(2000, test.Count);
        Assert.Equal(new[] { 8000, 28, 28 }, train.Data.Shape);
        Assert.Equal(DType.UInt8, train.Data.DType);
        Assert.Equal(DType.Int64, train.Targets.DType);
        foreach (var split in new[] { train, test })
        {
            var labels = split.Targets.ToArray<long>();
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), labels.Distinct().Order());
            Assert.All(labels.GroupBy(l => l), g => Assert.InRange(g.Count(), split.Count / 20, split.Count / 5));
        }
        var (image, label) = new MNIST(transform: new ToTensor())[0];
        Assert.Equal(new[] { 1, 28, 28 }, image.Shape);
        Assert.Equal(DType.Float32, image.DType);
        var pixels = image.ToArray<float>();
        Assert.All(pixels, p => Assert.InRange(p, 0f, 1f));
        Assert.Contains(pixels, p => p > 0.9f);
        Assert.Equal(0, label.Dim);
        Assert.Equal(train.Targets.ToArray<long>()[0], label.Item<long>());

        var loader = new DataLoader<(Tensor, Tensor)>(new MNIST(transform: new ToTensor()), batchSize: 64, shuffle: true, generator: new Generator(1));
        Assert.Equal(125, loader.Count);
        foreach (var (x, y) in loader)
        {
            Assert.Equal(new[] { 64, 1, 28, 28 }, x.Shape);
            Assert.Equal(new[] { 64 }, y.Shape);
            Assert.Equal(DType.Int64, y.DType);
            break;
        }
    }

    [Fact]
    public void Reads_a_root_folder_in_torchvision_layout_raw_or_gz()
    {
        WriteSplit(Path.Combine(_root, "MNIST", "raw"), Images(4, 28, 28), Labels(3, 1, 4, 1), gz: true);
        WriteSplit(_root, Images(2, 28, 28), Labels(5, 9), gz: false, train: false);
        var train = new MNIST(_root);
        Assert.Equal(new long[] { 3, 1, 4, 1 }, train.Targets.ToArray<long>());
        var (raw, label) = train[2];
        Assert.Equal(new[] { 28, 28 }, raw.Shape);
        Assert.Equal(DType.UInt8, raw.DType);
        Assert.Equal(4L, label.Item<long>());
        Assert.Equal(2, new MNIST(_root, train: false).Count);
        Assert.Equal("Ankle boot", new FashionMNIST(Path.Combine(_root, "MNIST", "raw")).Classes[9]);
    }

    [Fact]
    public void Inconsistent_files_fail_naming_the_file()
    {
        WriteSplit(_root, Images(3), Labels(1, 2), gz: false);
        Assert.Contains("3 images", Assert.Throws<InvalidDataException>(() => new MNIST(_root)).Message);
        WriteSplit(_root, Images(2), Labels(1, 12), gz: false);
        var e = Assert.Throws<InvalidDataException>(() => new MNIST(_root));
        Assert.Contains("train-labels-idx1-ubyte", e.Message);
        Assert.Contains("label 12 at index 1", e.Message);
        WriteSplit(_root, Labels(1, 2), Labels(1, 2), gz: false);
        Assert.Contains("expected 0x00000803", Assert.Throws<InvalidDataException>(() => new MNIST(_root)).Message);
        Assert.Throws<FileNotFoundException>(() => new MNIST(_root, train: false));
    }

    [Fact]
    public void Download_tries_mirrors_checks_MD5_and_renames_complete_files_into_place()
    {
        var files = new Dictionary<string, byte[]>
        {
            [MNIST.FileNames[0]] = Gzip(Images(3, 28, 28)), [MNIST.FileNames[1]] = Gzip(Labels(7, 0, 7)),
            [MNIST.FileNames[2]] = Gzip(Images(1, 28, 28)), [MNIST.FileNames[3]] = Gzip(Labels(2)),
        };
        using var server = new FileServer(files);
        var source = new DownloadSource([server.Url + "missing/", server.Url + "good/"],
            files.Select(kv => (kv.Key, Convert.ToHexStringLower(MD5.HashData(kv.Value)))).ToArray());
        var mnist = new MNIST(_root, download: true, source: source);
        Assert.Equal(new long[] { 7, 0, 7 }, mnist.Targets.ToArray<long>());
        var raw = Path.Combine(_root, "MNIST", "raw");
        Assert.Equal(files.Keys.Order(), Directory.GetFiles(raw).Select(Path.GetFileName).Order());
        Assert.Equal(8, server.Requests);   // each file: a 404 from the first mirror, then the second

        // Present files with the right MD5 are not fetched again.
        _ = new MNIST(_root, train: false, download: true, source: source);
        Assert.Equal(8, server.Requests);
    }

    [Fact]
    public void A_corrupted_download_fails_the_MD5_check_and_leaves_no_file()
    {
        var good = Gzip(Images(3, 28, 28));
        var corrupted = (byte[])good.Clone();
        corrupted[^5] ^= 0x40;
        using var server = new FileServer(new() { [MNIST.FileNames[0]] = corrupted });
        var folder = Path.Combine(_root, "dl");
        var md5 = Convert.ToHexStringLower(MD5.HashData(good));
        var e = Assert.Throws<IOException>(() => Downloader.Fetch([server.Url + "good/"], MNIST.FileNames[0], md5, folder));
        Assert.Contains("MD5 mismatch", e.Message);
        Assert.Contains(md5, e.Message);
        Assert.Empty(Directory.GetFiles(folder));

        // A stale file with the wrong content is replaced only by a verified download.
        File.WriteAllBytes(Path.Combine(folder, MNIST.FileNames[0]), new byte[] { 1, 2, 3 });
        Assert.Throws<IOException>(() => Downloader.Fetch([server.Url + "good/"], MNIST.FileNames[0], md5, folder));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(Path.Combine(folder, MNIST.FileNames[0])));
        Assert.Single(Directory.GetFiles(folder));
    }

    /// <summary>Serves the given files under /good/ on 127.0.0.1; anything else is a 404.</summary>
    sealed class FileServer : IDisposable
    {
        readonly HttpListener _listener = new();
        readonly Dictionary<string, byte[]> _files;
        readonly Task _loop;
        int _requests;

        public FileServer(Dictionary<string, byte[]> files)
        {
            _files = files;
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _loop = Task.Run(Serve);
        }

        public string Url { get; }
        public int Requests => Volatile.Read(ref _requests);

        async Task Serve()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                Interlocked.Increment(ref _requests);
                var path = context.Request.Url!.AbsolutePath;
                if (path.StartsWith("/good/") && _files.TryGetValue(path[6..], out var body))
                {
                    context.Response.ContentLength64 = body.Length;
                    await context.Response.OutputStream.WriteAsync(body);
                }
                else context.Response.StatusCode = 404;
                context.Response.Close();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            _listener.Close();
            try { _loop.Wait(2000); } catch (AggregateException) { }
        }
    }
}
