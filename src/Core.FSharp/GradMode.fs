namespace Hybrid

open System
open System.Threading

/// Whether ops record the graph. Async-local, so a NoGrad scope flows into the tasks it
/// starts and never leaks into unrelated ones.
module GradMode =
    let private disabled = AsyncLocal<bool>()

    /// True unless inside a no-grad scope.
    let isEnabled () = not disabled.Value

    /// Sets grad mode until the returned scope is disposed, then restores the previous mode.
    let set (enabled: bool) : IDisposable =
        let previous = disabled.Value
        disabled.Value <- not enabled
        { new IDisposable with
            member _.Dispose() = disabled.Value <- previous }

    /// Runs f with graph recording off (PyTorch's `with torch.no_grad():`).
    let noGrad (f: unit -> 'T) : 'T =
        use _ = set false
        f ()

    /// Runs f with graph recording on, even inside a no-grad scope.
    let enableGrad (f: unit -> 'T) : 'T =
        use _ = set true
        f ()

/// Forward-mode levels: each jvp call perturbs its input under a level id of its own; a level is
/// frozen (its tangents ignored) while the tangent of that level is being computed.
module ForwardLevels =
    let mutable private next = 0
    let private frozenLevels = AsyncLocal<int list>()

    /// A level id no other jvp call has.
    let fresh () = Interlocked.Increment(&next)

    /// True while `level`'s own tangent rule is running.
    let isFrozen (level: int) =
        let ls = frozenLevels.Value
        not (isNull (box ls)) && List.contains level ls

    /// Runs f with `level` frozen.
    let frozen (level: int) (f: unit -> 'T) : 'T =
        let previous = frozenLevels.Value
        frozenLevels.Value <- level :: (if isNull (box previous) then [] else previous)
        try f () finally frozenLevels.Value <- previous
