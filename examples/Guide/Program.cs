// The C# side of the docs: one section per page, run by name (`dotnet Guide.dll losses`) or all
// in order with no argument.
using Hybrid.Examples.Guide;

var sections = new (string Name, Action Run)[]
{
    ("modules", Modules.Run),
    ("custom-function", CustomFunction.Run),
    ("losses", Losses.Run),
    ("data", Data.Run),
    ("devices", Devices.Run),
    ("saving", Saving.Run),
};

var wanted = args.Length == 0 ? sections.Select(s => s.Name).ToArray() : args;
foreach (var name in wanted)
{
    var section = sections.FirstOrDefault(s => s.Name == name);
    if (section.Run is null)
    {
        Console.Error.WriteLine($"unknown section '{name}'; sections: {string.Join(", ", sections.Select(s => s.Name))}");
        return 2;
    }
    if (args.Length == 0) Console.WriteLine($"== {name} ==");
    section.Run();
}
return 0;
