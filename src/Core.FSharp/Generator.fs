namespace Hybrid

open System.Threading

/// A seeded source of random numbers. Numbers come from a counter-based generator
/// (element i of a draw is a pure function of seed and position), so a draw gives the same
/// values whatever the thread count or device; the generator only hands out counter ranges.
[<AllowNullLiteral>]
type Generator(seed: uint64) =
    let mutable seed = seed
    let mutable offset = 0L

    /// The generator used when none is given; Torch.ManualSeed reseeds it.
    static member val Default = Generator(67280421310721UL)

    /// The seed.
    member _.Seed = seed

    /// How many counters have been used since seeding (part of the state for checkpoints).
    member _.Offset = uint64 offset

    /// Restarts the stream from `s` (PyTorch's manual_seed).
    member this.ManualSeed(s: int64) =
        lock this (fun () ->
            seed <- uint64 s
            offset <- 0L)
        this

    /// Restores a state captured by (Seed, Offset).
    member this.SetState(s: uint64, o: uint64) =
        lock this (fun () ->
            seed <- s
            offset <- int64 o)

    /// Reserves `count` counters and returns (seed, first counter).
    member internal this.Take(count: int) =
        lock this (fun () ->
            let start = offset
            offset <- offset + int64 count
            seed, uint64 start)
