namespace Hybrid.IO;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file in the same folder,
/// is flushed to disk, and is then renamed over the target (a rename within one file system
/// is atomic), so readers and crashes see the old file or the new one, never a mix.
/// A crash may leave a hidden ".name.*.tmp" file behind; it is never read.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> atomically with <paramref name="write"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no folder", nameof(path));
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Parent directory {folder} does not exist.");
        var temp = TempPath(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>The temp file name used for <paramref name="fullPath"/>: ".name.&lt;random&gt;.tmp" beside it.</summary>
    public static string TempPath(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
}
