using System.Diagnostics;
using System.Text;

namespace Hybrid.Unit.Packaging;

/// <summary>The repository checkout this test assembly was built from, and a way to run dotnet in it.</summary>
internal static class Repo
{
    /// <summary>The folder holding Hybrid.sln, found upwards from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The configuration this assembly was built with (bin/&lt;Configuration&gt;/net10.0): the one whose outputs are packed.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Hybrid.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"Hybrid.sln not found above {AppContext.BaseDirectory}");
    }

    /// <summary>
    /// Runs <c>dotnet args</c> in workDir and returns its exit code and interleaved output. MSBuild's
    /// variables inherited from <c>dotnet test</c> are removed, so the child is a fresh CLI session.
    /// </summary>
    public static (int ExitCode, string Output) Dotnet(string workDir, string args, TimeSpan timeout,
                                                       IReadOnlyDictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo("dotnet", args)
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in psi.Environment.Keys.ToList())
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                psi.Environment.Remove(key);
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        psi.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        if (env is not null)
            foreach (var (k, v) in env) psi.Environment[k] = v;

        var output = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            lock (output) return (-1, $"timed out after {timeout.TotalSeconds} s: dotnet {args}\n{output}");
        }
        p.WaitForExit();   // drains the asynchronous readers
        lock (output) return (p.ExitCode, output.ToString());
    }
}
