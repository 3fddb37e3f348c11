using Hybrid.Data;
using Hybrid.Vision.Transforms;

namespace Hybrid.Vision.Datasets;

/// <summary>
/// The MNIST handwritten digits (torchvision.datasets.MNIST). Item i is (image, label): the
/// image a (28, 28) uint8 tensor, or what the transform makes of it (ToTensor gives
/// (1, 28, 28) float32 in [0, 1]); the label an int64 scalar. <see cref="Data"/> and
/// <see cref="Targets"/> hold the whole split for fast batched use.
/// </summary>
/// <remarks>
/// Without a root the bundled copy is used: 10,000 real MNIST digits (8,000 train, 2,000
/// test) embedded in the Hybrid assembly (see data/mnist/README.md for provenance and
/// licence). With a root the files are read from root/MNIST/raw/ (or root/ itself), raw or
/// .gz, and download: true fetches the full data set there first.
/// </remarks>
public class MNIST : Dataset<(Tensor Image, Tensor Label)>
{
    /// <summary>The four standard file names: train images, train labels, test images, test labels.</summary>
    public static readonly string[] FileNames =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    /// <summary>torchvision's mirrors and MD5s of the full MNIST.</summary>
    public static DownloadSource DefaultSource { get; } = new(
        ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
        [
            ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
            ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
            ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
            ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
        ]);

    /// <summary>The manifest resource name of a bundled file (LogicalName in Hybrid.csproj).</summary>
    public static string ResourceName(string fileName) => "Hybrid.Data.MNIST." + fileName;

    readonly long[] _labels;

    /// <summary>Loads a split of MNIST.</summary>
    /// <param name="root">Folder of the data set; null: the bundled 10,000-digit copy.</param>
    /// <param name="train">The training split (else the test split).</param>
    /// <param name="transform">Applied to each image (a (28, 28) uint8 tensor).</param>
    /// <param name="targetTransform">Applied to each label (an int64 scalar).</param>
    /// <param name="download">Fetch missing files into root/MNIST/raw/ (needs a root).</param>
    /// <param name="source">Mirrors and MD5s to download from; default <see cref="DefaultSource"/>.</param>
    public MNIST(string? root = null, bool train = true, Transform? transform = null, Transform? targetTransform = null,
        bool download = false, DownloadSource? source = null)
        : this(root, train, transform, targetTransform, download, source ?? DefaultSource, bundled: true)
    {
    }

    /// <summary>For MNIST-like data sets in the same layout (FashionMNIST).</summary>
    protected MNIST(string? root, bool train, Transform? transform, Transform? targetTransform, bool download,
        DownloadSource source, bool bundled)
    {
        ArgumentNullException.ThrowIfNull(source);
        Root = root;
        Train = train;
        Transform = transform;
        TargetTransform = targetTransform;
        var (imagesName, labelsName) = train ? (FileNames[0], FileNames[1]) : (FileNames[2], FileNames[3]);
        IdxArray images, labels;
        if (root is null)
        {
            if (!bundled) throw new ArgumentException($"{GetType().Name}: no bundled copy; pass root (and download: true to fetch it)", nameof(root));
            if (download) throw new ArgumentException($"{GetType().Name}: download needs a root folder (root null means the bundled copy)", nameof(download));
            (images, labels) = (ReadResource(imagesName), ReadResource(labelsName));
        }
        else
        {
            if (download)
                foreach (var (file, md5) in source.Files)
                    Downloader.Fetch(source.Mirrors, file, md5, RawFolder);
            var (imagesPath, labelsPath) = (Find(imagesName), Find(labelsName));
            (imagesName, labelsName) = (Path.GetFileName(imagesPath), Path.GetFileName(labelsPath));
            (images, labels) = (Idx.ReadFile(imagesPath), Idx.ReadFile(labelsPath));
        }
        if (images.Shape.Length != 3) throw new InvalidDataException($"IDX file '{imagesName}': images need 3 dims (count, rows, columns), the file has {images.Shape.Length} (magic 0x000008{images.Shape.Length:X2}, expected 0x00000803)");
        if (labels.Shape.Length != 1) throw new InvalidDataException($"IDX file '{labelsName}': labels need 1 dim, the file has {labels.Shape.Length} (magic 0x000008{labels.Shape.Length:X2}, expected 0x00000801)");
        if (images.Shape[0] != labels.Shape[0])
            throw new InvalidDataException($"{GetType().Name}: '{imagesName}' holds {images.Shape[0]} images but '{labelsName}' holds {labels.Shape[0]} labels");
        _labels = new long[labels.Data.Length];
        for (var i = 0; i < _labels.Length; i++)
        {
            if (labels.Data[i] >= Classes.Count)
                throw new InvalidDataException($"IDX file '{labelsName}': label {labels.Data[i]} at index {i} is outside 0–{Classes.Count - 1}");
            _labels[i] = labels.Data[i];
        }
        Data = Torch.FromArray(images.Data, images.Shape);
        Targets = Torch.FromArray((long[])_labels.Clone(), _labels.Length);
    }

    /// <summary>The folder given, or null for the bundled copy.</summary>
    public string? Root { get; }

    /// <summary>Whether this is the training split.</summary>
    public bool Train { get; }

    /// <summary>The image transform, if any.</summary>
    public Transform? Transform { get; }

    /// <summary>The label transform, if any.</summary>
    public Transform? TargetTransform { get; }

    /// <summary>All images of the split, (N, 28, 28) uint8.</summary>
    public Tensor Data { get; }

    /// <summary>All labels of the split, (N) int64.</summary>
    public Tensor Targets { get; }

    /// <summary>Class names, by label (torchvision's).</summary>
    public virtual IReadOnlyList<string> Classes { get; } =
        ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine"];

    /// <summary>Where downloads go and files are looked for first: root/ClassName/raw.</summary>
    public string RawFolder => Path.Combine(Root ?? ".", GetType().Name, "raw");

    /// <inheritdoc/>
    public override int Count => _labels.Length;

    /// <inheritdoc/>
    public override (Tensor Image, Tensor Label) this[int index]
    {
        get
        {
            CheckIndex(index);
            var image = Data.Select(0, index);
            var label = Torch.Tensor(_labels[index]);
            return (Transform?.Apply(image) ?? image, TargetTransform?.Apply(label) ?? label);
        }
    }

    string Find(string fileName)
    {
        var plain = fileName.EndsWith(".gz", StringComparison.Ordinal) ? fileName[..^3] : fileName;
        string[] candidates = [Path.Combine(RawFolder, fileName), Path.Combine(RawFolder, plain), Path.Combine(Root!, fileName), Path.Combine(Root!, plain)];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{GetType().Name}: dataset not found: no {fileName} (or {plain}) in {RawFolder} or {Root}. You can use download: true to download it.", fileName);
    }

    static IdxArray ReadResource(string fileName)
    {
        var name = ResourceName(fileName);
        using var stream = typeof(MNIST).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"MNIST: the bundled data is not embedded in this build of Hybrid (no resource '{name}'); pass root: a folder with the MNIST files");
        return Idx.Read(stream, fileName);
    }
}

/// <summary>
/// Zalando's Fashion-MNIST (torchvision.datasets.FashionMNIST): MNIST's layout with ten
/// clothing classes. There is no bundled copy: pass a root (and download: true to fetch it).
/// </summary>
public class FashionMNIST : MNIST
{
    /// <summary>torchvision's mirror and MD5s of Fashion-MNIST.</summary>
    public static new DownloadSource DefaultSource { get; } = new(
        ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"],
        [
            ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
            ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
            ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
            ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
        ]);

    /// <summary>Loads a split of Fashion-MNIST from root/FashionMNIST/raw/ (or root/).</summary>
    public FashionMNIST(string root, bool train = true, Transform? transform = null, Transform? targetTransform = null,
        bool download = false, DownloadSource? source = null)
        : base(root ?? throw new ArgumentNullException(nameof(root)), train, transform, targetTransform, download, source ?? DefaultSource, bundled: false)
    {
    }

    /// <summary>The ten clothing classes, by label.</summary>
    public override IReadOnlyList<string> Classes { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
}
