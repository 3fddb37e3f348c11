using Hybrid.IO;

namespace Hybrid;

public static partial class Torch
{
    /// <summary>
    /// Saves tensors (a model's StateDict()) as a safetensors file, readable by
    /// safetensors.torch.load_file. The write is atomic: a temp file in the same folder,
    /// flushed to disk, then renamed over <paramref name="path"/>.
    /// </summary>
    public static void Save(IReadOnlyDictionary<string, Tensor> tensors, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.WriteFile(path, tensors, metadata);

    /// <summary>
    /// Loads the tensors of a safetensors file (e.g. for Module.LoadStateDict). The file is
    /// treated as untrusted: a malformed one throws <see cref="InvalidDataException"/>.
    /// F16 and BF16 tensors load as float32.
    /// </summary>
    public static Dictionary<string, Tensor> Load(string path) => SafeTensors.ReadFile(path).Tensors;

    /// <summary>Loads the tensors of safetensors data from a stream; see <see cref="Load(string)"/>.</summary>
    public static Dictionary<string, Tensor> Load(Stream stream) => SafeTensors.Read(stream).Tensors;
}
