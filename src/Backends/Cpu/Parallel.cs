using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Hybrid.Cpu;

/// <summary>
/// A job run by a team of workers at once (SPMD style): every member calls
/// <see cref="Execute"/> with its index, and the job divides the work itself, preferably by
/// claiming pieces from its own counters. The calling thread is worker 0 and always takes
/// part; helpers join only if they arrive in time, so a job must produce the same result
/// whatever the team's size, and must not wait for a member it doesn't know has joined:
/// <see cref="Barrier"/> handles that (the team is closed at worker 0's first barrier).
/// </summary>
internal abstract class ParallelJob
{
    const long Closed = 1L << 31;

    long team;        // run id << 32 | Closed | members
    int capacity;     // most members of the current run
    int finished;     // helpers of this run that are done
    int arrived, generation;

    /// <summary>Does worker <paramref name="worker"/>'s share (0 ≤ worker &lt; workers; fewer than <paramref name="workers"/> may take part).</summary>
    public abstract void Execute(int worker, int workers);

    /// <summary>Run by the last worker to reach a <see cref="Barrier"/>, before any leaves it (reset claim counters here).</summary>
    protected virtual void BetweenPhases() { }

    /// <summary>
    /// How long (in <see cref="Stopwatch"/> ticks) worker 0 waits at its first barrier for
    /// helpers that were called but have not joined yet. A helper that had gone to sleep can
    /// take a millisecond or more to wake on a busy VM, and a team closed without it runs every
    /// later phase on worker 0 alone: sgemm2048 took twice as long in about one call of 25.
    /// </summary>
    protected long JoinWait { get; set; }

    /// <summary>
    /// Waits until every member of the team has reached this point. Worker 0's first call
    /// closes the team (after waiting up to <see cref="JoinWait"/> for helpers still on their
    /// way), so a helper that has not joined by then never will.
    /// </summary>
    protected void Barrier(int worker)
    {
        var phase = Volatile.Read(ref generation);
        if (worker == 0)
        {
            AwaitLateHelpers();
            Close();
        }
        var count = Interlocked.Increment(ref arrived);
        var t = Volatile.Read(ref team);
        // Until worker 0 arrives the team may still grow, but then this is not the last arrival anyway.
        if ((t & Closed) != 0 && count == (int)(t & 0xFFFF))
        {
            arrived = 0;
            BetweenPhases();
            Volatile.Write(ref generation, phase + 1);
            return;
        }
        var spin = new SpinWait();
        while (Volatile.Read(ref generation) == phase) spin.SpinOnce(sleep1Threshold: -1);
    }

    /// <summary>While the team is open and short of its capacity, spins until it fills or <see cref="JoinWait"/> has passed.</summary>
    void AwaitLateHelpers()
    {
        if (JoinWait <= 0) return;
        var until = Stopwatch.GetTimestamp() + JoinWait;
        var spin = new SpinWait();
        for (long t; ((t = Volatile.Read(ref team)) & Closed) == 0 && (int)(t & 0xFFFF) < capacity && Stopwatch.GetTimestamp() < until;)
            spin.SpinOnce(sleep1Threshold: -1);
    }

    /// <summary>Starts run <paramref name="run"/> with worker 0 as the only member; <paramref name="closed"/> keeps helpers out.</summary>
    internal void Open(uint run, bool closed, int workers)
    {
        capacity = workers;
        finished = 0;
        arrived = 0;
        Volatile.Write(ref team, (long)run << 32 | (closed ? Closed : 0) | 1);
    }

    /// <summary>Joins run <paramref name="run"/> if it is still open; gives the new member's index.</summary>
    internal bool TryJoin(uint run, out int index)
    {
        while (true)
        {
            var t = Volatile.Read(ref team);
            if ((uint)(t >> 32) != run || (t & Closed) != 0 || (t & 0xFFFF) >= capacity)
            {
                index = 0;
                return false;
            }
            if (Interlocked.CompareExchange(ref team, t + 1, t) == t)
            {
                index = (int)(t & 0xFFFF);
                return true;
            }
        }
    }

    /// <summary>Closes the team; returns its size (worker 0 included).</summary>
    internal int Close()
    {
        while (true)
        {
            var t = Volatile.Read(ref team);
            if ((t & Closed) != 0 || Interlocked.CompareExchange(ref team, t | Closed, t) == t) return (int)(t & 0xFFFF);
        }
    }

    internal void Finished() => Interlocked.Increment(ref finished);

    internal int FinishedHelpers => Volatile.Read(ref finished);
}

/// <summary>
/// The CPU backend's one scheduler: a few long-lived helper threads that run a
/// <see cref="ParallelJob"/> together with the calling thread. It is deliberately small:
/// no queue, no nesting (a job started while another runs, from any thread, runs on its
/// caller alone), no allocation per job. Helpers poll for a while after a job so that
/// back-to-back kernels (a training step) start them in about a microsecond, then block
/// (a wake-up from there costs tens of microseconds, which the caller doesn't wait for:
/// it starts at once and closes the team when it needs to know it, waiting for late helpers
/// only as long as the job's <see cref="ParallelJob.JoinWait"/>).
/// </summary>
internal static class CpuParallel
{
    /// <summary>Work (in flops, or an equivalent count) below which a job stays on the calling thread.</summary>
    public const double MinWorkPerWorker = 5e5;

    /// <summary>How long an idle helper polls for the next job before blocking.</summary>
    const double PollMicroseconds = 300;

    /// <summary>The most threads one job may use.</summary>
    public const int MostThreads = 64;

    static int maxThreads = Math.Min(Environment.ProcessorCount, MostThreads);

    /// <summary>
    /// Most threads a job may use, the caller included (1 forces every kernel onto the
    /// calling thread). Results never depend on it. Defaults to the processor count; more
    /// is allowed (tests oversubscribe to check that results don't change).
    /// </summary>
    public static int MaxThreads
    {
        get => maxThreads;
        set => maxThreads = Math.Clamp(value, 1, MostThreads);
    }

    /// <summary>How many workers <paramref name="work"/> units deserve: at least <paramref name="minWorkPerWorker"/> each, at most <see cref="MaxThreads"/>.</summary>
    public static int WorkersFor(double work, double minWorkPerWorker = MinWorkPerWorker) =>
        (int)Math.Clamp(Math.Floor(work / minWorkPerWorker), 1, MaxThreads);

    static readonly object gate = new();
    static Helper[] helpers = [];
    static int running;   // 1 while a job owns the helpers
    static uint runs;     // run ids, so that a late helper can't join a later run of the same job by mistake
    static Exception? failure;

    /// <summary>
    /// Runs <paramref name="job"/> with up to <paramref name="workers"/> workers, the calling
    /// thread being worker 0, and returns when every member is done. Runs it on the caller
    /// alone when the helpers are busy with another job.
    /// </summary>
    public static void Run(ParallelJob job, int workers)
    {
        workers = Math.Min(workers, MaxThreads);
        if (workers <= 1 || Interlocked.CompareExchange(ref running, 1, 0) != 0)
        {
            job.Open(0, closed: true, 1);
            job.Execute(0, 1);
            return;
        }
        try
        {
            var h = Helpers(workers - 1);
            var run = ++runs;
            failure = null;
            job.Open(run, closed: false, workers);
            for (var i = 0; i < workers - 1; i++) h[i].Start(job, run, workers);
            try
            {
                job.Execute(0, workers);
            }
            finally
            {
                var helpersInTeam = job.Close() - 1;
                var spin = new SpinWait();
                while (job.FinishedHelpers != helpersInTeam) spin.SpinOnce(sleep1Threshold: -1);
            }
            if (failure is { } e) throw new AggregateException("a CPU kernel failed on a helper thread", e);
        }
        finally
        {
            Volatile.Write(ref running, 0);
        }
    }

    static Helper[] Helpers(int count)
    {
        if (helpers.Length >= count) return helpers;
        lock (gate)
        {
            if (helpers.Length < count)
            {
                var grown = new Helper[count];
                helpers.CopyTo(grown, 0);
                for (var i = helpers.Length; i < count; i++) grown[i] = new Helper(i + 1);
                helpers = grown;
            }
            return helpers;
        }
    }

    sealed class Helper
    {
        readonly SemaphoreSlim signal = new(0);
        ParallelJob? job;
        uint run;
        int workers;

        public Helper(int index)
        {
            var thread = new Thread(Loop) { IsBackground = true, Name = $"Hybrid CPU worker {index}" };
            thread.Start();
        }

        public void Start(ParallelJob j, uint r, int count)
        {
            run = r;
            workers = count;
            Volatile.Write(ref job, j);
            signal.Release();
        }

        void Loop()
        {
            var pollTicks = (long)(PollMicroseconds * Stopwatch.Frequency / 1e6);
            while (true)
            {
                // Poll first: a job that follows soon after the last one starts without a futex wake-up.
                var until = Stopwatch.GetTimestamp() + pollTicks;
                while (Volatile.Read(ref job) is null && Stopwatch.GetTimestamp() < until) Thread.SpinWait(30);
                signal.Wait();
                // A torn (job, run) pair, or a run that closed before this thread woke up, just fails to join.
                var j = Interlocked.Exchange(ref job, null);
                if (j is null || !j.TryJoin(run, out var index)) continue;
                try
                {
                    j.Execute(index, workers);
                }
                catch (Exception e)
                {
                    failure = e;
                }
                finally
                {
                    j.Finished();
                }
            }
        }
    }
}

/// <summary>
/// A parallel loop over <c>count</c> independent items, claimed one at a time from a shared
/// counter (so any team size gives the same per-item work; a result is deterministic as long
/// as each item writes only its own outputs).
/// </summary>
internal sealed class ForJob(int count, Action<int> body) : ParallelJob
{
    int next;

    public override void Execute(int worker, int workers)
    {
        for (int t; (t = Interlocked.Increment(ref next) - 1) < count;) body(t);
    }

    /// <summary>Runs body(0 … count−1), in parallel when <paramref name="work"/> deserves more than one worker.</summary>
    public static void Run(int count, double work, Action<int> body)
    {
        var workers = Math.Min(CpuParallel.WorkersFor(work), count);
        if (workers <= 1)
        {
            for (var t = 0; t < count; t++) body(t);
            return;
        }
        CpuParallel.Run(new ForJob(count, body), workers);
    }
}
