using System.IO.Compression;
using System.Xml.Linq;
using Xunit;

namespace Hybrid.Unit.Packaging;

/// <summary>
/// The NuGet packages as a user gets them: <c>dotnet pack</c> (of the outputs already built) into a
/// folder feed, then a new C# console project and a new F# console project that reference the
/// packages from that feed only, built and run. Their programs are README.md's C# and F#
/// examples, so those stay true: each <c>// tensor(...)</c> comment on a printing line must be
/// what that line prints. Their dependencies (FSharp.Core,
/// System.Numerics.Tensors, FsCheck, ...) come from the local NuGet cache used as an offline
/// source, and restore into a private packages folder, so no stale Hybrid 0.1.0 from an earlier
/// run is ever picked up and nothing reaches the network.
/// </summary>
public sealed class PackAndConsumeTests : IDisposable
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    static readonly string[] Packages = { "Hybrid", "Hybrid.Core", "Hybrid.Backends", "Hybrid.Backends.Gpu", "Hybrid.Testing" };

    readonly string _work = Path.Combine(Path.GetTempPath(), "hybrid-pack-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        try { Directory.Delete(_work, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    [Fact]
    [Trait("Category", "Packaging")]
    public void Packages_from_a_local_feed_build_and_run_in_new_CSharp_and_FSharp_projects()
    {
        var feed = Path.Combine(_work, "feed");
        var version = Pack(feed);
        CheckPackageContents(feed, version);

        // Isolation from the repository: its Directory.Build.* and Paket must not apply here.
        File.WriteAllText(Path.Combine(_work, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(_work, "Directory.Build.targets"), "<Project />");
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(_work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="hybrid-feed" value="{feed}" />
                <add key="offline-cache" value="{cache}" />
              </packageSources>
            </configuration>
            """);
        var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "packages") };

        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        var csharp = CodeBlock(readme, "csharp");
        var fsharp = CodeBlock(readme, "fsharp");

        var cs = Consumer("cs", "App.csproj", CSharpProject(version), "Program.cs", csharp);
        var csOut = Run(cs, env);
        ExpectPrinted(csharp, csOut);
        Assert.Matches(@"step 300: loss \d+\.\d{4}", csOut);
        AssertHybridGcSetting(cs);

        var fs = Consumer("fs", "App.fsproj", FSharpProject(version), "Program.fs", fsharp);
        var fsOut = Run(fs, env);
        ExpectPrinted(fsharp, fsOut);
        Assert.Contains("Ok, passed 100 tests.", fsOut);
        AssertHybridGcSetting(fs);

        // The consumers resolved Hybrid from the feed into their own packages folder.
        foreach (var id in Packages)
            Assert.True(Directory.Exists(Path.Combine(_work, "packages", id.ToLowerInvariant(), version)), $"{id} {version} was not restored from the feed");
    }

    /// <summary>Hybrid.Backends' buildTransitive props reached a program that references Hybrid directly or through another package.</summary>
    static void AssertHybridGcSetting(string project)
    {
        var runtimeConfig = File.ReadAllText(Path.Combine(project, "bin", "Release", "net10.0", "App.runtimeconfig.json"));
        Assert.Contains("\"System.GC.LOHThreshold\": 33554432", runtimeConfig);
    }

    /// <summary>Packs every packable project of the solution, as built, into feed; returns the version.</summary>
    string Pack(string feed)
    {
        var (code, output) = Repo.Dotnet(Repo.Root,
            $"pack Hybrid.sln -c {Repo.Configuration} --no-build --no-restore -nodeReuse:false -nologo -p:PackageOutputPath=\"{feed}\"", Timeout);
        Assert.True(code == 0, $"dotnet pack failed ({code}):\n{output}");
        var main = Directory.GetFiles(feed, "Hybrid.Core.*.nupkg").Single(f => !f.EndsWith(".snupkg"));
        return Path.GetFileNameWithoutExtension(main)["Hybrid.Core.".Length..];
    }

    static void CheckPackageContents(string feed, string version)
    {
        foreach (var id in Packages)
        {
            var nupkg = Path.Combine(feed, $"{id}.{version}.nupkg");
            Assert.True(File.Exists(nupkg), $"missing {nupkg}; feed has {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}");
            using (var zip = ZipFile.OpenRead(nupkg))
            {
                var names = zip.Entries.Select(e => e.FullName).ToHashSet();
                Assert.Contains($"lib/net10.0/{id}.dll", names);
                Assert.Contains($"lib/net10.0/{id}.xml", names);   // XML docs
                Assert.Contains("README.md", names);
                using var nuspecStream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec")).Open();
                var meta = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
                string? Meta(string name) => meta.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
                Assert.Equal("MIT", Meta("license"));
                Assert.Equal("README.md", Meta("readme"));
                Assert.False(string.IsNullOrWhiteSpace(Meta("description")));
                var repo = meta.Elements().Single(e => e.Name.LocalName == "repository");
                Assert.False(string.IsNullOrEmpty(repo.Attribute("commit")?.Value), $"{id}: no commit in <repository>");
                // Build-only packages (SourceLink) are not dependencies; versions are lower bounds, not pins.
                var deps = meta.Descendants().Where(e => e.Name.LocalName == "dependency").ToList();
                Assert.DoesNotContain(deps, d => d.Attribute("id")!.Value.StartsWith("Microsoft.SourceLink") || d.Attribute("id")!.Value.StartsWith("Microsoft.Build.Tasks.Git"));
                Assert.DoesNotContain(deps, d => d.Attribute("version")!.Value.StartsWith("["));
            }
            var snupkg = Path.Combine(feed, $"{id}.{version}.snupkg");
            Assert.True(File.Exists(snupkg), $"missing symbols package {snupkg}");
            using (var zip = ZipFile.OpenRead(snupkg))
            {
                var pdb = zip.Entries.Single(e => e.FullName == $"lib/net10.0/{id}.pdb");
                using var s = pdb.Open();
                using var ms = new MemoryStream();
                s.CopyTo(ms);
                // Portable PDB with a SourceLink JSON pointing at the repository.
                var text = System.Text.Encoding.UTF8.GetString(ms.ToArray());
                Assert.StartsWith("BSJB", text);
                Assert.Contains("raw.githubusercontent.com", text);
            }
        }
    }

    /// <summary>The first ```lang block of a markdown text.</summary>
    static string CodeBlock(string markdown, string lang)
    {
        var start = markdown.IndexOf("```" + lang + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no ```{lang} block");
        start += lang.Length + 4;
        var end = markdown.IndexOf("\n```", start, StringComparison.Ordinal);
        return markdown[start..end] + "\n";
    }

    /// <summary>Every "// tensor(...)" comment on a printing line of the code appears in the output.</summary>
    static void ExpectPrinted(string code, string output)
    {
        var expected = code.Split('\n')
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"(?:Console\.WriteLine|printfn).*//\s*(tensor\(.*\))\s*$"))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .ToList();
        Assert.NotEmpty(expected);
        foreach (var e in expected)
            Assert.True(output.Contains(e), $"expected the output to contain {e}; it was:\n{output}");
    }

    string Consumer(string dir, string projectFile, string project, string sourceFile, string source)
    {
        var path = Path.Combine(_work, dir);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, projectFile), project);
        File.WriteAllText(Path.Combine(path, sourceFile), source);
        return path;
    }

    static string Run(string dir, IReadOnlyDictionary<string, string> env)
    {
        var (code, output) = Repo.Dotnet(dir, "run -c Release -nodeReuse:false", Timeout, env);
        Assert.True(code == 0, $"dotnet run in {dir} failed ({code}):\n{output}");
        return output;
    }

    static string CSharpProject(string version) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <ImplicitUsings>enable</ImplicitUsings>
            <Nullable>enable</Nullable>
            <UseAppHost>false</UseAppHost>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Hybrid" Version="{version}" />
          </ItemGroup>
        </Project>
        """;

    // FSharp.Core comes from Hybrid.Core's dependency, not the SDK's implicit (possibly older) one.
    static string FSharpProject(string version) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <UseAppHost>false</UseAppHost>
            <DisableImplicitFSharpCoreReference>true</DisableImplicitFSharpCoreReference>
          </PropertyGroup>
          <ItemGroup>
            <Compile Include="Program.fs" />
          </ItemGroup>
          <ItemGroup>
            <PackageReference Include="Hybrid.Core" Version="{version}" />
            <PackageReference Include="Hybrid.Testing" Version="{version}" />
          </ItemGroup>
        </Project>
        """;
}
