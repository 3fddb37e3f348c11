using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Hybrid.Vision.Datasets;

/// <summary>Where a data set's files come from: mirror base URLs and each file's MD5.</summary>
/// <param name="Mirrors">Base URLs tried in order; a file's URL is mirror + file name.</param>
/// <param name="Files">File names with their expected MD5 (lower-case hex).</param>
public sealed record DownloadSource(IReadOnlyList<string> Mirrors, IReadOnlyList<(string File, string Md5)> Files);

/// <summary>
/// Downloads files over HTTP(S) with MD5 checks (torchvision.datasets.utils.download_url).
/// A file is written to a temporary file in the target folder, flushed to disk, checked,
/// and only then renamed into place, so a failed, corrupted or interrupted download never
/// leaves a file under the final name.
/// </summary>
public static class Downloader
{
    static readonly Lazy<HttpClient> SharedClient = new(() =>
    {
        var client = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("hybrid", "1.0"));
        return client;
    });

    /// <summary>The default bound on a downloaded file's size (1 GiB).</summary>
    public const long DefaultMaxBytes = 1L << 30;

    /// <summary>
    /// Makes sure <c>folder/fileName</c> exists with the given MD5: keeps a present file whose
    /// MD5 matches, else fetches mirror + fileName from each mirror in turn until one gives
    /// the right bytes. Throws <see cref="IOException"/> listing every mirror's failure
    /// (HTTP error, MD5 mismatch, oversized body) when none does.
    /// </summary>
    /// <returns>The path of the file.</returns>
    public static string Fetch(IReadOnlyList<string> mirrors, string fileName, string md5, string folder,
        HttpClient? client = null, long maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(mirrors);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        ArgumentException.ThrowIfNullOrEmpty(md5);
        ArgumentNullException.ThrowIfNull(folder);
        if (fileName != Path.GetFileName(fileName) || fileName is "." or "..")
            throw new ArgumentException($"Downloader: '{fileName}' is not a plain file name", nameof(fileName));
        client ??= SharedClient.Value;
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, fileName);
        if (File.Exists(target) && string.Equals(Md5OfFile(target), md5, StringComparison.OrdinalIgnoreCase)) return target;
        var failures = new List<string>();
        foreach (var mirror in mirrors)
        {
            var url = mirror.TrimEnd('/') + "/" + fileName;
            var temp = Path.Combine(folder, $".{fileName}.{Guid.NewGuid():N}.part");
            try
            {
                var actual = DownloadTo(client, url, temp, maxBytes);
                if (!string.Equals(actual, md5, StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{url}: MD5 mismatch (expected {md5.ToLowerInvariant()}, got {actual})");
                    continue;
                }
                File.Move(temp, target, overwrite: true);
                return target;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or InvalidDataException or UriFormatException)
            {
                failures.Add($"{url}: {e.Message}");
            }
            finally
            {
                try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { }
            }
        }
        throw new IOException($"Downloading {fileName} failed from every mirror:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", failures));
    }

    /// <summary>The MD5 of a file as lower-case hex.</summary>
    public static string Md5OfFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }

    // Streams the body into a new temp file, hashing on the way; returns the MD5 (hex).
    static string DownloadTo(HttpClient client, string url, string temp, long maxBytes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = client.Send(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        if (response.Content.Headers.ContentLength > maxBytes)
            throw new InvalidDataException($"the body of {response.Content.Headers.ContentLength} bytes exceeds the limit of {maxBytes}");
        using var body = response.Content.ReadAsStream();
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var buffer = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = body.Read(buffer)) > 0)
            {
                total += n;
                if (total > maxBytes) throw new InvalidDataException($"the body exceeds the limit of {maxBytes} bytes");
                md5.AppendData(buffer, 0, n);
                file.Write(buffer, 0, n);
            }
            file.Flush(flushToDisk: true);
        }
        return Convert.ToHexStringLower(md5.GetHashAndReset());
    }
}
