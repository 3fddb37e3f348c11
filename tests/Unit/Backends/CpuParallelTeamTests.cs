using System.Diagnostics;
using Hybrid.Cpu;
using Xunit;

namespace Hybrid.Unit.Backends;

/// <summary>
/// The scheduler's team: a job whose phases are separated by barriers waits, at worker 0's
/// first barrier, for a helper that is still waking up, instead of running every later phase
/// alone. Runs in the collection that owns the global thread count.
/// </summary>
[Collection(CpuGemmCollection.Name)]
public class CpuParallelTeamTests
{
    /// <summary>Worker 0 reaches its barrier at once; records who ran the phase after it.</summary>
    sealed class TwoPhases : ParallelJob
    {
        public int AfterBarrier;

        public TwoPhases(long joinWait) => JoinWait = joinWait;

        public override void Execute(int worker, int workers)
        {
            Barrier(worker);
            Interlocked.Increment(ref AfterBarrier);
        }
    }

    [Fact]
    public void A_helper_woken_from_sleep_still_joins_a_job_that_waits_for_it()
    {
        var saved = CpuParallel.MaxThreads;
        CpuParallel.MaxThreads = 2;
        try
        {
            for (var run = 0; run < 5; run++)
            {
                // Longer than the helper polls after a job (300 µs): it is asleep when the job starts,
                // and wakes far later than worker 0 reaches the barrier.
                Thread.Sleep(20);
                var job = new TwoPhases(joinWait: Stopwatch.Frequency);   // up to 1 s
                CpuParallel.Run(job, 2);
                Assert.Equal(2, job.AfterBarrier);
            }
        }
        finally
        {
            CpuParallel.MaxThreads = saved;
        }
    }
}
