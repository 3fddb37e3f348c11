/// Runs the Expecto tests standalone (`dotnet run`) and exposes each one to `dotnet test` as an
/// xunit theory case, so one `dotnet test Hybrid.sln` runs every project.
module Hybrid.Properties.Main

open Expecto
open Xunit

let allTests =
    testList "Hybrid" [
        GradientProperties.tests
        DeviceProperties.tests
        DagProperty.tests
        Laws.tests
        TransformTests.tests
        LinalgProperties.tests
    ]

let private flat = lazy (Test.toTestCodeList allTests |> List.map (fun t -> String.concat "/" t.name, t.test) |> dict)

/// One xunit case per Expecto test: the test's body runs directly, so a failure (with FsCheck's
/// shrunk counterexample) becomes the xunit failure message.
type ExpectoTests() =
    static member Names : obj[] seq = flat.Value.Keys |> Seq.sort |> Seq.map (fun n -> [| box n |])

    [<Theory; MemberData("Names")>]
    member _.Run(name: string) =
        match flat.Value.[name] with
        | Sync f -> f ()
        | SyncWithCancel f -> f System.Threading.CancellationToken.None
        | Async a -> Async.RunSynchronously a
        | AsyncFsCheck(config, _, f) -> Async.RunSynchronously(f (defaultArg config FsCheckConfig.defaultConfig))

[<EntryPoint>]
let main argv = runTestsWithCLIArgs [] argv allTests
