namespace Hybrid

/// How many threads the CPU kernels may use (torch.set_num_threads / torch.get_num_threads).
/// Results never depend on it: reductions run in fixed blocks, and every output element is
/// computed by one thread in a fixed order.
module CpuThreads =
    /// The threads the CPU kernels may use, the calling thread included; the processor count by default.
    let get () = Hybrid.Cpu.CpuParallel.MaxThreads

    /// Sets the threads the CPU kernels may use; 1 keeps every kernel on the calling thread.
    let set (threads: int) =
        let most = Hybrid.Cpu.CpuParallel.MostThreads
        if threads < 1 || threads > most then
            invalidArg (nameof threads) $"set_num_threads(): expected a number of threads between 1 and {most}, but got {threads}"
        Hybrid.Cpu.CpuParallel.MaxThreads <- threads
