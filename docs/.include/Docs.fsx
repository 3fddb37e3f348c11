// Shared by the docs pages (#load-ed in a hidden block): references to the built assemblies
// (docs/build.sh builds them first, in Release) and helpers that take C# from the examples.
#r "../../src/Api.CSharp/bin/Release/net10.0/Hybrid.Backends.dll"
#r "../../src/Api.CSharp/bin/Release/net10.0/Hybrid.Core.dll"
#r "../../src/Api.CSharp/bin/Release/net10.0/Hybrid.dll"
#r "../../src/Api.CSharp/bin/Release/net10.0/ILGPU.dll"
#r "../../src/Api.CSharp/bin/Release/net10.0/ILGPU.Algorithms.dll"
#r "../../src/Api.CSharp/bin/Release/net10.0/Hybrid.Backends.Gpu.dll"
#r "../../src/Testing.FSharp/bin/Release/net10.0/Hybrid.Testing.dll"
#r "../../src/Testing.FSharp/bin/Release/net10.0/FsCheck.dll"

namespace Hybrid.Docs

open System
open System.Diagnostics
open System.IO
open System.Net

module Docs =
    /// The repository root.
    let root = Path.GetFullPath(Path.Combine(__SOURCE_DIRECTORY__, "..", ".."))

    let private html (code: string) = WebUtility.HtmlEncode code

    /// The lines between `#region name` and its `#endregion` in a C# file (path from the
    /// repository root), without their common indentation. Fails the build when missing.
    let region (file: string) (name: string) =
        let lines = File.ReadAllLines(Path.Combine(root, file))
        let start = lines |> Array.tryFindIndex (fun l -> l.Trim() = "#region " + name)
        match start with
        | None -> failwithf "docs: no '#region %s' in %s" name file
        | Some s ->
            let body = lines.[s + 1 ..] |> Array.takeWhile (fun l -> l.Trim() <> "#endregion")
            if s + 1 + body.Length >= lines.Length then failwithf "docs: '#region %s' in %s has no #endregion" name file
            let indent =
                body |> Array.filter (fun l -> l.Trim() <> "") |> Array.map (fun l -> l.Length - l.TrimStart().Length)
                |> fun a -> if a.Length = 0 then 0 else Array.min a
            body |> Array.map (fun l -> if l.Length >= indent then l.Substring indent else l.TrimStart()) |> String.concat "\n"

    /// A whole C# file (path from the repository root).
    let file (path: string) = File.ReadAllText(Path.Combine(root, path)).TrimEnd()

    /// HTML for a block of C# taken from an example (its source named under it).
    let csharpCode (source: string) (code: string) =
        sprintf "<pre class=\"csharp\"><code class=\"language-csharp\">%s</code></pre>\n<p class=\"source\">From <code>%s</code>, compiled and run by the test suite.</p>" (html code) source

    /// A region of a C# file, as HTML.
    let csharp (path: string) (name: string) = csharpCode path (region path name)

    /// A whole C# file, as HTML.
    let csharpFile (path: string) = csharpCode path (file path)

    /// Runs a built example (examples/NAME/bin/Release/net10.0/NAME.dll) with args and returns
    /// what it printed; a failing run fails the docs build.
    let run (example: string) (args: string) =
        let dll = Path.Combine(root, "examples", example, "bin", "Release", "net10.0", example + ".dll")
        if not (File.Exists dll) then failwithf "docs: %s is not built (dotnet build -c Release)" dll
        let psi = ProcessStartInfo("dotnet", sprintf "\"%s\" %s" dll args, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root)
        use p = Process.Start psi
        let err = p.StandardError.ReadToEndAsync()
        let out = p.StandardOutput.ReadToEnd()
        p.WaitForExit()
        if p.ExitCode <> 0 then failwithf "docs: %s %s exited with %d:\n%s\n%s" example args p.ExitCode out err.Result
        out.TrimEnd()

    /// The site's output folder (docs/build.sh sets HYBRID_DOCS_OUTPUT; else output/), for files
    /// a page makes at build time, such as plots.
    let outputDir =
        match Environment.GetEnvironmentVariable "HYBRID_DOCS_OUTPUT" with
        | null | "" -> Path.Combine(root, "output")
        | dir -> Path.GetFullPath dir

    /// HTML for what a program printed.
    let output (text: string) = sprintf "<pre class=\"output\"><code>%s</code></pre>" (html text)
