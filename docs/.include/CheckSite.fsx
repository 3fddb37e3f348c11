// Checks the built site (docs/build.sh runs it): every local link and image in output/ resolves,
// and the API reference has a page for every public type of the four packages.
//   dotnet fsi docs/.include/CheckSite.fsx [output-folder] [site-root]
#load "Docs.fsx"

open System
open System.IO
open System.Reflection
open System.Text.RegularExpressions
open Hybrid.Docs

let args = fsi.CommandLineArgs |> Array.skip 1
let output = Path.GetFullPath(if args.Length > 0 then args.[0] else Docs.outputDir)
let siteRoot = if args.Length > 1 then args.[1] else "/"
let problems = ResizeArray<string>()

// ---- links ----

let attribute = Regex("""\b(?:href|src)\s*=\s*["']([^"']*)["']""", RegexOptions.IgnoreCase)
let external = Regex("^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
let pages = Directory.GetFiles(output, "*.html", SearchOption.AllDirectories)
let mutable checkedLinks = 0

/// The file a local link names: relative to the page, or to the site root when it starts with '/'.
let target (page: string) (link: string) =
    let path = Uri.UnescapeDataString(link.Split('#', '?').[0])
    if path.StartsWith "/" then
        let rooted = if path.StartsWith siteRoot then path.Substring siteRoot.Length else path.TrimStart('/')
        Path.GetFullPath(Path.Combine(output, rooted))
    else Path.GetFullPath(Path.Combine(Path.GetDirectoryName page, path))

for page in pages do
    let text = File.ReadAllText page
    for m in attribute.Matches text do
        let link = Net.WebUtility.HtmlDecode m.Groups.[1].Value
        if link <> "" && not (link.StartsWith "#") && not (external.IsMatch link) then
            checkedLinks <- checkedLinks + 1
            let file = target page link
            let exists = File.Exists file || (Directory.Exists file && File.Exists(Path.Combine(file, "index.html")))
            if not exists then
                problems.Add(sprintf "broken link in %s: %s" (Path.GetRelativePath(output, page)) link)

// ---- API reference coverage ----

/// fsdocs' page of a type: namespace and name lowercased, '.' and '+' as '-', generic arity kept.
let pageOf (t: Type) = t.FullName.Replace('.', '-').Replace('+', '-').Replace('`', '-').ToLowerInvariant() + ".html"

/// Public types a reader can use: not compiler-generated, and not the nested case classes and
/// Tags of F# unions (fsdocs documents those cases on the union's page).
let documentable (t: Type) =
    let generated = t.GetCustomAttributes(false) |> Array.exists (fun a -> a.GetType().Name = "CompilerGeneratedAttribute")
    let unionPart =
        t.IsNested
        && t.DeclaringType.GetCustomAttributes(false)
           |> Array.exists (fun a ->
               a.GetType().Name = "CompilationMappingAttribute"
               && (string (a.GetType().GetProperty("SourceConstructFlags").GetValue a)).Contains "SumType")
    not generated && not unionPart && not (t.Name.StartsWith "<")

let bin project = Path.Combine(Docs.root, "src", project, "bin", "Release", "net10.0")
let assemblies =
    [ bin "Api.CSharp", "Hybrid.Backends"; bin "Api.CSharp", "Hybrid.Core"; bin "Api.CSharp", "Hybrid"; bin "Testing.FSharp", "Hybrid.Testing" ]
    |> List.map (fun (dir, name) -> Assembly.LoadFrom(Path.Combine(dir, name + ".dll")))

let mutable publicTypes = 0
for assembly in assemblies do
    for t in assembly.GetExportedTypes() |> Array.filter documentable do
        publicTypes <- publicTypes + 1
        if not (File.Exists(Path.Combine(output, "reference", pageOf t))) then
            problems.Add(sprintf "no API reference page for %s (%s): expected reference/%s" t.FullName (assembly.GetName().Name) (pageOf t))

let distinct = problems |> Seq.distinct |> Array.ofSeq
for p in Array.truncate 100 distinct do eprintfn "%s" p
if distinct.Length > 100 then eprintfn "... and %d more" (distinct.Length - 100)
printfn "site check: %d pages, %d local links checked, %d public types in %d assemblies, %d problems"
    pages.Length checkedLinks publicTypes assemblies.Length distinct.Length
if distinct.Length > 0 then exit 1
