using System.Runtime.InteropServices;
using Hybrid.Data;
using Hybrid.Vision.Transforms;
using SkiaSharp;

namespace Hybrid.Vision.Datasets;

/// <summary>
/// Images arranged one folder per class (torchvision.datasets.ImageFolder):
/// <c>root/dog/xxx.png</c>, <c>root/dog/sub/xxy.jpg</c>, <c>root/cat/123.png</c>, … Item i is
/// (image, label): the image a (H, W, 3) uint8 RGB tensor (as PIL's <c>convert("RGB")</c>), or
/// what the transform makes of it (ToTensor gives (3, H, W) float32 in [0, 1]); the label the
/// class index as an int64 scalar.
/// </summary>
/// <remarks>
/// As torchvision does: classes are the sub-folders of root sorted by name (code-point order),
/// and the samples of each class are its files with an image extension, found by walking the
/// class folder recursively (following links), folders in path order and files by name.
/// Files are only opened when their item is read. The default loader (<see cref="LoadImage"/>)
/// decodes PNG, JPEG, BMP, GIF (first frame) and WebP with SkiaSharp, without colour management
/// or EXIF rotation (as PIL), and treats files as untrusted: images larger than
/// <see cref="MaxImageSide"/> or <see cref="DefaultMaxImagePixels"/> are refused before they
/// are decoded, and truncated or corrupt files raise <see cref="InvalidDataException"/>.
/// </remarks>
public class ImageFolder : Dataset<(Tensor Image, Tensor Label)>
{
    /// <summary>The file extensions the default loader decodes (compared case-insensitively).</summary>
    public static IReadOnlyList<string> ImgExtensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"];

    /// <summary>The largest width or height <see cref="LoadImage"/> accepts.</summary>
    public const int MaxImageSide = 16384;

    /// <summary>The largest pixel count (width × height) <see cref="LoadImage"/> accepts by default.</summary>
    public const long DefaultMaxImagePixels = (long)MaxImageSide * MaxImageSide;

    readonly (string Path, int ClassIndex)[] _samples;
    readonly int[] _targets;

    /// <summary>Indexes the image files under <paramref name="root"/>.</summary>
    /// <param name="root">The folder holding one sub-folder per class.</param>
    /// <param name="transform">Applied to each image (a (H, W, 3) uint8 tensor with the default loader).</param>
    /// <param name="targetTransform">Applied to each label (an int64 scalar).</param>
    /// <param name="loader">Reads a file into a tensor; default <see cref="LoadImage"/>.</param>
    /// <param name="isValidFile">Decides which files are samples (given a path); default: the
    /// files whose extension is one of <see cref="ImgExtensions"/>.</param>
    /// <param name="allowEmpty">Allow class folders without a valid file (else an error).</param>
    public ImageFolder(string root, Transform? transform = null, Transform? targetTransform = null,
        Func<string, Tensor>? loader = null, Func<string, bool>? isValidFile = null, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(root);
        Root = root;
        Transform = transform;
        TargetTransform = targetTransform;
        Loader = loader ?? (path => LoadImage(path));
        Extensions = isValidFile is null ? ImgExtensions : null;
        var (classes, classToIdx) = FindClasses(root);
        Classes = classes;
        ClassToIdx = classToIdx;
        _samples = MakeDataset(root, classToIdx, Extensions, isValidFile, allowEmpty).ToArray();
        _targets = _samples.Select(s => s.ClassIndex).ToArray();
    }

    /// <summary>The folder given.</summary>
    public string Root { get; }

    /// <summary>The image transform, if any.</summary>
    public Transform? Transform { get; }

    /// <summary>The label transform, if any.</summary>
    public Transform? TargetTransform { get; }

    /// <summary>Reads a sample's file into a tensor.</summary>
    public Func<string, Tensor> Loader { get; }

    /// <summary>The extensions that select samples; null when a custom isValidFile was given.</summary>
    public IReadOnlyList<string>? Extensions { get; }

    /// <summary>Class names (the sub-folder names), sorted; a label indexes this list.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Class name → label.</summary>
    public IReadOnlyDictionary<string, int> ClassToIdx { get; }

    /// <summary>Every sample: its file path (root joined with the relative path) and class index.</summary>
    public IReadOnlyList<(string Path, int ClassIndex)> Samples => _samples;

    /// <summary>The class index of every sample.</summary>
    public IReadOnlyList<int> Targets => _targets;

    /// <inheritdoc/>
    public override int Count => _samples.Length;

    /// <inheritdoc/>
    public override (Tensor Image, Tensor Label) this[int index]
    {
        get
        {
            CheckIndex(index);
            var (path, classIndex) = _samples[index];
            var image = Loader(path);
            var label = Torch.Tensor((long)classIndex);
            return (Transform?.Apply(image) ?? image, TargetTransform?.Apply(label) ?? label);
        }
    }

    /// <summary>
    /// The class folders of <paramref name="directory"/> (torchvision's find_classes): the names
    /// of its sub-folders in code-point order, and name → index.
    /// </summary>
    public static (IReadOnlyList<string> Classes, IReadOnlyDictionary<string, int> ClassToIdx) FindClasses(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"ImageFolder: no such directory: '{directory}'");
        var classes = Directory.EnumerateDirectories(directory, "*", AllEntries)
            .Select(d => Path.GetFileName(d)).ToList();
        classes.Sort(CodePointComparer.Instance);
        if (classes.Count == 0)
            throw new FileNotFoundException($"Couldn't find any class folder in {directory}.");
        var classToIdx = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < classes.Count; i++) classToIdx[classes[i]] = i;
        return (classes, classToIdx);
    }

    /// <summary>
    /// The samples under <paramref name="directory"/> (torchvision's make_dataset): for each class
    /// in name order, the files of root/class and its sub-folders (recursively, following links)
    /// that pass <paramref name="isValidFile"/> or, when it is null, whose extension is one of
    /// <paramref name="extensions"/>; folders in path order, files by name. Exactly one of
    /// extensions and isValidFile must be given.
    /// </summary>
    /// <exception cref="FileNotFoundException">A class has no valid file (unless allowEmpty).</exception>
    public static List<(string Path, int ClassIndex)> MakeDataset(string directory, IReadOnlyDictionary<string, int> classToIdx,
        IReadOnlyList<string>? extensions = null, Func<string, bool>? isValidFile = null, bool allowEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(classToIdx);
        if ((extensions is null) == (isValidFile is null))
            throw new ArgumentException("Both extensions and is_valid_file cannot be None or not None at the same time");
        var isValid = isValidFile ?? (path => HasFileAllowedExtension(path, extensions!));
        var samples = new List<(string, int)>();
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var targetClass in classToIdx.Keys.Order(CodePointComparer.Instance))
        {
            var classIndex = classToIdx[targetClass];
            var targetDir = Path.Combine(directory, targetClass);
            if (!Directory.Exists(targetDir)) continue;
            foreach (var folder in Walk(targetDir))
                foreach (var path in folder.Files)
                    if (isValid(path))
                    {
                        samples.Add((path, classIndex));
                        found.Add(targetClass);
                    }
        }
        var empty = classToIdx.Keys.Where(c => !found.Contains(c)).Order(CodePointComparer.Instance).ToList();
        if (empty.Count > 0 && !allowEmpty)
        {
            var message = $"Found no valid file for the classes {string.Join(", ", empty)}. ";
            if (extensions is not null) message += $"Supported extensions are: {string.Join(", ", extensions)}";
            throw new FileNotFoundException(message);
        }
        return samples;
    }

    /// <summary>Whether the file name ends with one of the extensions, ignoring case.</summary>
    public static bool HasFileAllowedExtension(string path, IReadOnlyList<string> extensions)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(extensions);
        return extensions.Any(e => path.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Decodes an image file (PNG, JPEG, BMP, GIF's first frame, WebP) into a (H, W, 3) uint8 RGB
    /// tensor, as PIL's <c>Image.open(path).convert("RGB")</c>: grey and palette images are
    /// expanded, alpha is dropped (not composited), no colour profile or EXIF orientation is
    /// applied. The size is checked before decoding.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="maxPixels">The largest width × height accepted (at most <see cref="DefaultMaxImagePixels"/>).</param>
    /// <exception cref="InvalidDataException">The file is not a decodable image, is truncated or corrupt, or is too large.</exception>
    public static Tensor LoadImage(string path, long maxPixels = DefaultMaxImagePixels)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (maxPixels <= 0) throw new ArgumentOutOfRangeException(nameof(maxPixels), maxPixels, "maxPixels must be positive");
        maxPixels = Math.Min(maxPixels, DefaultMaxImagePixels);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        // SKCodec.Create takes the stream over (and disposes it), or fails and leaves it to us.
        using var codec = SKCodec.Create(file, out var created);
        if (codec is null)
        {
            file.Dispose();
            throw new InvalidDataException($"ImageFolder: cannot identify image file '{path}' ({Describe(created)})");
        }
        var (w, h) = (codec.Info.Width, codec.Info.Height);
        if (w <= 0 || h <= 0)
            throw new InvalidDataException($"ImageFolder: image file '{path}' declares an empty size {w}×{h}");
        if (w > MaxImageSide || h > MaxImageSide || (long)w * h > maxPixels)
            throw new InvalidDataException($"ImageFolder: image file '{path}' is {w}×{h} pixels, over the limit of {MaxImageSide} per side and {maxPixels} pixels (refused before decoding)");
        // No colour space: Skia converts nothing (PIL applies no ICC profile). Unpremultiplied:
        // colour values as stored, whatever the alpha.
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var pixels = (long)w * h;
        var rgba = GC.AllocateUninitializedArray<byte>(checked((int)(pixels * 4)));
        var handle = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult decoded;
        try { decoded = codec.GetPixels(info, handle.AddrOfPinnedObject()); }
        finally { handle.Free(); }
        if (decoded != SKCodecResult.Success)
            throw new InvalidDataException($"ImageFolder: image file '{path}' is {(decoded == SKCodecResult.IncompleteInput ? "truncated" : "corrupt")} ({Describe(decoded)})");
        var rgb = GC.AllocateUninitializedArray<byte>(checked((int)(pixels * 3)));
        for (long i = 0, j = 0; i < rgba.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
        return Torch.FromArray(rgb, h, w, 3);
    }

    static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput => "incomplete input",
        SKCodecResult.ErrorInInput => "error in input",
        SKCodecResult.Unimplemented => "unsupported format or feature",
        SKCodecResult.InvalidInput => "invalid input",
        _ => result.ToString(),
    };

    // Every entry, hidden ones included (os.scandir's view); errors are raised, not skipped.
    static readonly EnumerationOptions AllEntries = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        MatchType = MatchType.Simple,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    /// <summary>
    /// os.walk(top, followlinks=True) sorted by folder path, each folder's files sorted by name.
    /// Sub-folders that cannot be read are skipped, as os.walk does; a link back to a folder
    /// already on the current path is not followed again (os.walk would loop).
    /// </summary>
    static IEnumerable<(string Path, List<string> Files)> Walk(string top)
    {
        var folders = new List<(string Path, List<string> Files)>();
        void Visit(string dir, string realDir, HashSet<string> ancestors, bool isTop)
        {
            List<string> files, subdirs;
            try
            {
                files = Directory.EnumerateFiles(dir, "*", AllEntries).ToList();
                subdirs = Directory.EnumerateDirectories(dir, "*", AllEntries).ToList();
            }
            catch (Exception e) when (!isTop && e is IOException or UnauthorizedAccessException)
            {
                return;
            }
            files.Sort(CodePointComparer.Instance);
            folders.Add((dir, files));
            foreach (var sub in subdirs)
            {
                var realSub = RealPath(sub, Path.Combine(realDir, Path.GetFileName(sub)));
                if (!ancestors.Add(realSub)) continue;
                Visit(sub, realSub, ancestors, false);
                ancestors.Remove(realSub);
            }
        }
        var realTop = RealPath(top, Path.GetFullPath(top));
        Visit(top, realTop, new HashSet<string>(StringComparer.Ordinal) { realTop }, true);
        folders.Sort((a, b) => CodePointComparer.Instance.Compare(a.Path, b.Path));
        return folders;
    }

    // The link's final target if the folder is a link, else the folder under its real parent.
    static string RealPath(string dir, string fallback)
    {
        try
        {
            var target = new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? fallback : Path.TrimEndingDirectorySeparator(Path.GetFullPath(target.FullName));
        }
        catch (IOException)
        {
            return fallback;
        }
    }

    /// <summary>Python's str order: by Unicode code point (UTF-16 ordinal order differs above U+D7FF).</summary>
    sealed class CodePointComparer : IComparer<string>
    {
        public static readonly CodePointComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            if (ReferenceEquals(x, y)) return 0;
            if (x is null) return -1;
            if (y is null) return 1;
            var n = Math.Min(x.Length, y.Length);
            for (var i = 0; i < n; i++)
                if (x[i] != y[i]) return Fix(x[i]).CompareTo(Fix(y[i]));
            return x.Length.CompareTo(y.Length);
        }

        // Surrogates (U+D800–DFFF, i.e. code points ≥ U+10000) sort after U+E000–FFFF.
        static int Fix(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
    }
}
