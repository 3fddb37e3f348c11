// fsdocs documents the types of namespaces and F# modules, but not types nested in C# classes
// (Autograd.Function, Autograd.FunctionContext). docs/build.sh runs this after fsdocs: for each
// public nested C# type it writes reference/<page>.html in the layout of its declaring type's
// page (summary, then each public member with its summary, from the XML docs), and lists it
// on the declaring type's page.
//   dotnet fsi docs/.include/NestedTypes.fsx [output-folder]
#load "Docs.fsx"

open System
open System.IO
open System.Net
open System.Reflection
open System.Xml.Linq
open Hybrid.Docs

let output = Path.GetFullPath(if fsi.CommandLineArgs.Length > 1 then fsi.CommandLineArgs.[1] else Docs.outputDir)
let reference = Path.Combine(output, "reference")
let pageOf (t: Type) = t.FullName.Replace('.', '-').Replace('+', '-').Replace('`', '-').ToLowerInvariant() + ".html"
let enc (s: string) = WebUtility.HtmlEncode s

/// XML doc ids ("T:Hybrid.Autograd.Function") to their summaries, squeezed to one line.
let summaries (dll: string) =
    let xml = Path.ChangeExtension(dll, ".xml")
    if not (File.Exists xml) then Map.empty
    else
        XDocument.Load(xml).Descendants(XName.Get "member")
        |> Seq.map (fun m ->
            // "/// text" without tags is the member's whole text.
            let summary = m.Element(XName.Get "summary")
            let raw = if isNull summary then m.Value else summary.Value
            let text = String.Join(" ", raw.Split((null: char[]), StringSplitOptions.RemoveEmptyEntries))
            m.Attribute(XName.Get "name").Value, text)
        |> Map.ofSeq

// The C# assemblies (fsdocs documents the nested modules of the F# ones).
let dlls =
    [ "Hybrid.Backends"; "Hybrid" ]
    |> List.map (fun name -> Path.Combine(Docs.root, "src", "Api.CSharp", "bin", "Release", "net10.0", name + ".dll"))

let mutable written = 0
for dll in dlls do
    let assembly = Assembly.LoadFrom dll
    do
        let docs = summaries dll
        let nested = assembly.GetExportedTypes() |> Array.filter (fun t -> t.IsNested && not (t.Name.StartsWith "<"))
        for parents in nested |> Array.groupBy (fun t -> t.DeclaringType) do
            let parent, types = parents
            let parentPage = Path.Combine(reference, pageOf parent)
            if not (File.Exists parentPage) then failwithf "docs: no page for %s, the declaring type of %s" parent.FullName types.[0].FullName
            let template = File.ReadAllText parentPage
            let start = template.IndexOf("<div id=\"content\">")
            let finish = template.IndexOf("</main>")
            if start < 0 || finish < 0 then failwithf "docs: unexpected layout of %s" parentPage
            let docId (t: Type) = t.FullName.Replace('+', '.')
            for t in types do
                let kind = if t.IsEnum then "Enum" elif t.IsInterface then "Interface" elif t.IsValueType then "Struct" else "Type"
                let members =
                    // Public and protected (what a subclass overrides) members.
                    t.GetMembers(BindingFlags.Public ||| BindingFlags.NonPublic ||| BindingFlags.Instance ||| BindingFlags.Static ||| BindingFlags.DeclaredOnly)
                    |> Array.filter (fun m ->
                        match m with
                        | :? MethodBase as mb -> not mb.IsSpecialName && (mb.IsPublic || mb.IsFamily || mb.IsFamilyOrAssembly)
                        | :? PropertyInfo as p -> p.GetAccessors(true) |> Array.exists (fun a -> a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly)
                        | :? FieldInfo as f -> f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly
                        | _ -> false)
                    |> Array.sortBy (fun m -> m.Name)
                let summaryOf (m: MemberInfo) =
                    let prefix =
                        match m.MemberType with
                        | MemberTypes.Method | MemberTypes.Constructor -> "M:"
                        | MemberTypes.Property -> "P:"
                        | MemberTypes.Field -> "F:"
                        | MemberTypes.Event -> "E:"
                        | _ -> "T:"
                    let name = if m.MemberType = MemberTypes.Constructor then "#ctor" else m.Name
                    let key = prefix + docId t + "." + name
                    docs |> Map.tryPick (fun k v -> if k = key || k.StartsWith(key + "(") then Some v else None) |> Option.defaultValue ""
                let rows =
                    members
                    |> Array.map (fun m -> sprintf "<tr><td class=\"fsdocs-member-usage\"><code>%s</code></td><td class=\"fsdocs-member-xmldoc\">%s</td></tr>" (enc ((match m with :? MethodBase as mb when mb.IsFamily -> "protected " | _ -> "") + string m)) (enc (summaryOf m)))
                    |> String.concat "\n"
                let body =
                    sprintf """<div id="content">
<div>
  <h2>%s.%s %s</h2>
  <dl class="fsdocs-metadata">
    <dt>Namespace: <a href="%s">%s</a></dt>
    <dt>Declared in: <a href="%s">%s</a></dt>
    <dt>Assembly: %s.dll</dt>
  </dl>
  <div class="fsdocs-xmldoc"><p class="fsdocs-summary">%s</p></div>
  <h3>Members</h3>
  <table class="table outer-list fsdocs-member-list">
    <thead><tr><td class="fsdocs-member-list-header">Member</td><td class="fsdocs-member-list-header">Description</td></tr></thead>
    <tbody>
%s
    </tbody>
  </table>
</div>
</div>
"""
                        (enc parent.Name) (enc t.Name) kind
                        (t.Namespace.Replace('.', '-').ToLowerInvariant() + ".html") (enc t.Namespace)
                        (pageOf parent) (enc parent.Name) (assembly.GetName().Name)
                        (enc (docs |> Map.tryFind ("T:" + docId t) |> Option.defaultValue ""))
                        rows
                let page = template.Substring(0, start) + body + template.Substring(finish)
                File.WriteAllText(Path.Combine(reference, pageOf t), page.Replace("<title>" + parent.Name + " ", "<title>" + parent.Name + "." + t.Name + " "))
                written <- written + 1
            // List the nested types on the declaring type's page.
            let items =
                types
                |> Array.map (fun t -> sprintf "<li><a href=\"%s\">%s.%s</a>: %s</li>" (pageOf t) (enc parent.Name) (enc t.Name) (enc (docs |> Map.tryFind ("T:" + docId t) |> Option.defaultValue "")))
                |> String.concat "\n"
            let section = sprintf "<div class=\"fsdocs-nested-types\"><h3>Nested types</h3><ul>\n%s\n</ul></div>\n" items
            let endOfContent = template.LastIndexOf("</div>", finish)
            File.WriteAllText(parentPage, template.Substring(0, endOfContent) + section + template.Substring(endOfContent))

printfn "nested types: %d reference pages written" written
