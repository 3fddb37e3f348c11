using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Hybrid.Cpu;

/// <summary>
/// Packed, cache-blocked matrix product for float32 and float64 (BLIS loop order
/// jc → pc → ic → jr → ir). A is packed into zero-padded MR-row panels ([k][i]), B into
/// NR-column panels ([k][j]); the packing routines read any strides (transposed and
/// broadcast operands included), so no contiguous copy is ever made. A register-tiled
/// micro-kernel (<see cref="GemmKernels"/>) computes each MR×NR tile.
/// </summary>
/// <remarks>
/// Each element of C is one FMA chain over p = 0…k-1 in order (passes over k reload C
/// into the accumulators), so results depend neither on the blocking nor on the thread
/// count, and equal the reference kernel's bit for bit. Threads never split k: they
/// take whole products (batches of small ones), column chunks of C (each thread packing
/// all of A and its own B: nothing shared), or row blocks of C (when there are too few
/// columns, or A is too large to pack per thread; B packed by all together when large).
/// Which one, and the blocking, is chosen per call by <c>GemmJob.Plan</c>.
/// </remarks>
internal static class Gemm
{
    /// <summary>The float32 micro-kernel in use (tests swap it to exercise the fallbacks).</summary>
    public static GemmKernel<float> Float32 { get; set; } = GemmKernels.BestFloat32;

    /// <summary>The float64 micro-kernel in use.</summary>
    public static GemmKernel<double> Float64 { get; set; } = GemmKernels.BestFloat64;

    /// <summary>For tests and tuning: 0, 1 or 2 forces how products are split between threads (see <c>GemmJob.Mode</c>); -1 chooses.</summary>
    public static int ForceMode { get; set; } = -1;

    /// <summary>a (..., m, k) · b (..., k, n) → a new contiguous (..., m, n); both operands already of dtype <typeparamref name="T"/>.</summary>
    public static Storage Compute<T>(Strided a, Strided b) where T : unmanaged
    {
        var rank = a.Shape.Length;
        long count = (long)a.Shape[rank - 2] * b.Shape[rank - 1];
        for (var d = 0; d < rank - 2; d++) count *= a.Shape[d];
        if (count > int.MaxValue) throw new ArgumentException($"a matmul result of {count} elements is too large");
        var c = Storages.Uninitialized<T>((int)count);
        Multiply(a, b, c);
        return new CpuStorage<T>(c);
    }

    /// <summary>a (..., m, k) · b (..., k, n) written over <paramref name="c"/>, a contiguous (..., m, n).</summary>
    public static void Multiply<T>(Strided a, Strided b, T[] c) where T : unmanaged
    {
        var rank = a.Shape.Length;
        int m = a.Shape[rank - 2], k = a.Shape[rank - 1], n = b.Shape[rank - 1];
        var batches = 1;
        for (var d = 0; d < rank - 2; d++) batches *= a.Shape[d];
        if ((long)batches * m * n != c.Length) throw new ArgumentException("the result array doesn't match the product's shape");
        if (c.Length == 0) return;
        if (k == 0) Array.Clear(c);
        else Run(Kernel<T>(), a, b, c, batches, m, n, k);
    }

    /// <summary>
    /// c (m × n, rows ldc apart) = a · b, or c + a · b when <paramref name="accumulate"/> (each
    /// element's FMA chain then goes on from c's value), for one product given by pointers and
    /// element strides. Runs on the calling thread's team: serially when called from a parallel job.
    /// </summary>
    public static unsafe void Multiply<T>(T* a, nint aRow, nint aCol, T* b, nint bRow, nint bCol, T* c, nint ldc, int m, int n, int k, bool accumulate)
        where T : unmanaged =>
        Multiply(a, aRow, aCol, false, b, bRow, bCol, c, ldc, m, n, k, accumulate);

    /// <summary>As <see cref="Multiply{T}(T*, nint, nint, T*, nint, nint, T*, nint, int, int, int, bool)"/>, with A packed once by <see cref="PackA{T}"/>.</summary>
    public static unsafe void MultiplyPacked<T>(T* packedA, T* b, nint bRow, nint bCol, T* c, nint ldc, int m, int n, int k, bool accumulate)
        where T : unmanaged =>
        Multiply(packedA, 0, 0, true, b, bRow, bCol, c, ldc, m, n, k, accumulate);

    /// <summary>Whether an m × k A can be packed once for many products: the whole depth fits one pass.</summary>
    public static bool CanPackA<T>(int k) where T : unmanaged => k <= Kernel<T>().KC;

    /// <summary>Elements that <see cref="PackA{T}"/> writes for an m × k A (with the slack its vector stores need).</summary>
    public static int PackedALength<T>(int m, int k) where T : unmanaged
    {
        var mr = Kernel<T>().MR;
        return checked((m + mr - 1) / mr * mr * k + 16);
    }

    /// <summary>Packs a (m × k, element strides aRow, aCol) for <see cref="MultiplyPacked{T}"/>; needs <see cref="CanPackA{T}"/>.</summary>
    public static unsafe void PackA<T>(T* a, nint aRow, nint aCol, int m, int k, T* packed) where T : unmanaged =>
        GemmJob<T>.PackA(Kernel<T>().MR, a, aRow, aCol, m, k, packed);

    static unsafe void Multiply<T>(T* a, nint aRow, nint aCol, bool aPacked, T* b, nint bRow, nint bCol, T* c, nint ldc, int m, int n, int k, bool accumulate)
        where T : unmanaged
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (var i = 0; i < m; i++) new Span<T>(c + i * ldc, n).Clear();
            return;
        }
        var job = GemmJob<T>.Rent();
        try
        {
            var workers = job.Plan(Kernel<T>(), aRow, aCol, bRow, bCol, ldc, m, n, k, accumulate, aPacked);
            job.Bind(a, b, c);
            CpuParallel.Run(job, workers);
            job.Bind(null, null, null);
        }
        finally
        {
            GemmJob<T>.Return(job);
        }
    }

    static GemmKernel<T> Kernel<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? (GemmKernel<T>)(object)Float32
        : typeof(T) == typeof(double) ? (GemmKernel<T>)(object)Float64
        : throw new NotSupportedException($"no packed matmul for {typeof(T).Name}");

    static unsafe void Run<T>(GemmKernel<T> kernel, Strided a, Strided b, T[] c, int batches, int m, int n, int k) where T : unmanaged
    {
        var job = GemmJob<T>.Rent();
        try
        {
            var workers = job.Plan(kernel, a, b, batches, m, n, k);
            fixed (T* pa = Storages.Span<T>(a.Storage), pb = Storages.Span<T>(b.Storage), pc = c)
            {
                job.Bind(pa, pb, pc);
                CpuParallel.Run(job, workers);
                job.Bind(null, null, null);
            }
        }
        finally
        {
            GemmJob<T>.Return(job);
        }
    }
}

/// <summary>One batched product, planned on the calling thread and run by one or more workers.</summary>
internal sealed unsafe partial class GemmJob<T> : ParallelJob where T : unmanaged
{
    enum Mode
    {
        /// <summary>Whole products handed out to workers (also the one-worker path).</summary>
        Batches,
        /// <summary>One product at a time; workers take row blocks of C (few columns, or a large A).</summary>
        Rows,
        /// <summary>One product at a time; workers take column chunks of C, each packing all of A.</summary>
        Columns,
    }

    /// <summary>Below this many flops per product, batches are never split between threads.</summary>
    const double SmallProduct = 4e6;

    /// <summary>
    /// Read row-major B in place, unpacked, when it serves at most this many row panels of A
    /// (m ≤ 112 for 14-row panels): packing would cost as much as the reads it saves.
    /// </summary>
    const int DirectBMaxUses = 8;

    /// <summary>Most elements of packed A that each worker may hold in the Columns mode (8 MB of floats).</summary>
    const long MaxPrivateA = 2 << 20;

    /// <summary>Most elements of packed B that each worker packs for itself in the Rows mode (256 KB of floats).</summary>
    const long MaxPrivateB = 64 << 10;

    /// <summary>
    /// A low estimate of one thread's speed (flops per second), for how long worker 0 waits for
    /// a late helper: at most an eighth of the time it would need alone, so a helper that never
    /// comes costs little and one that comes later than that saves less than the wait.
    /// </summary>
    const double AloneFlopsPerSecond = 2e11;

    [ThreadStatic] static GemmJob<T>? cached;

    public static GemmJob<T> Rent()
    {
        var job = cached ?? new GemmJob<T>();
        cached = null;
        return job;
    }

    public static void Return(GemmJob<T> job) => cached = job;

    GemmKernel<T> kernel = null!;
    Mode mode;
    T* a, b, c;
    nint aOffset, bOffset, aRow, aCol, bRow, bCol;
    int m, n, k, batches, batchRank;
    nint ldc;               // C's row stride
    int[] batchShape = new int[4], aBatchStride = new int[4], bBatchStride = new int[4];

    // Blocking.
    int kc, passes;          // k is done in `passes` passes of kc (the last one shorter)
    int mPanels, mBlocks;    // Rows: C's row panels, grouped into mBlocks blocks
    int nPanels, chunkPanels, chunks; // Columns: C's column panels, grouped into chunks

    bool accumulateInto; // C's values start every element's chain (C += A·B)
    bool aPrepacked;     // A is already in MR-row panels of depth k (one pass, see Gemm.PackA)
    bool privateB;  // Rows: each worker packs all of B for itself (it is small)
    bool directB;   // Serial and Columns: B's whole panels are read in place, not packed
    int next;       // the next piece of work to claim in this phase
    T* sharedB;

    /// <summary>Chooses the mode and blocking; returns the number of workers to ask for.</summary>
    public int Plan(GemmKernel<T> kernel, Strided av, Strided bv, int batches, int m, int n, int k)
    {
        var rank = av.Shape.Length;
        aRow = av.Strides[rank - 2];
        aCol = av.Strides[rank - 1];
        bRow = bv.Strides[rank - 2];
        bCol = bv.Strides[rank - 1];
        aOffset = av.Offset;
        bOffset = bv.Offset;
        batchRank = rank - 2;
        if (batchShape.Length < batchRank)
        {
            batchShape = new int[batchRank];
            aBatchStride = new int[batchRank];
            bBatchStride = new int[batchRank];
        }
        for (var d = 0; d < batchRank; d++)
        {
            batchShape[d] = av.Shape[d];
            aBatchStride[d] = av.Strides[d];
            bBatchStride[d] = bv.Strides[d];
        }
        return Choose(kernel, batches, m, n, k, accumulate: false);
    }

    /// <summary>Plans one product of operands given by element strides (offsets are in the bound pointers).</summary>
    /// <remarks><paramref name="aPacked"/>: A comes packed (<see cref="Gemm.PackA{T}"/>), and its strides are unused.</remarks>
    public int Plan(GemmKernel<T> kernel, nint aRow, nint aCol, nint bRow, nint bCol, nint ldc, int m, int n, int k, bool accumulate, bool aPacked)
    {
        (this.aRow, this.aCol, this.bRow, this.bCol) = (aRow, aCol, bRow, bCol);
        aOffset = bOffset = 0;
        batchRank = 0;
        var workers = Choose(kernel, 1, m, n, k, accumulate);
        this.ldc = ldc;
        aPrepacked = aPacked;
        return workers;
    }

    int Choose(GemmKernel<T> kernel, int batches, int m, int n, int k, bool accumulate)
    {
        this.kernel = kernel;
        this.batches = batches;
        this.m = m;
        this.n = n;
        this.k = k;
        accumulateInto = accumulate;
        aPrepacked = false;
        ldc = n;
        int mr = kernel.MR, nr = kernel.NR;
        passes = (k + kernel.KC - 1) / kernel.KC;
        kc = (k + passes - 1) / passes;
        mPanels = (m + mr - 1) / mr;
        nPanels = (n + nr - 1) / nr;

        var flops = 2.0 * m * n * k;
        var workers = CpuParallel.WorkersFor(flops * batches);
        JoinWait = (long)(flops * batches / AloneFlopsPerSecond / 8 * Stopwatch.Frequency);
        next = 0;
        var forced = Gemm.ForceMode;
        // B read in place (no packing) pays when each of its panels serves few tiles.
        directB = bCol == 1 && mPanels <= DirectBMaxUses;
        if (forced < 0 && (workers == 1 || batches > 1 && (flops < SmallProduct || batches % workers == 0 || batches >= 4 * workers))
            || forced == (int)Mode.Batches)
        {
            mode = Mode.Batches;
            return Math.Min(workers, batches);
        }
        if (forced < 0 && nPanels >= 2 * workers && (long)mPanels * mr * kc <= MaxPrivateA || forced == (int)Mode.Columns)
        {
            // Sharing nothing between threads beats sharing packed B (which moves it between
            // the cores' L2s) unless A is too large to be packed whole by every worker.
            mode = Mode.Columns;
            chunkPanels = Math.Min((nPanels + 4 * workers - 1) / (4 * workers), kernel.NC / nr);
            chunks = (nPanels + chunkPanels - 1) / chunkPanels;
            return workers;
        }
        mode = Mode.Rows;
        var perBlock = kernel.MC / mr;
        mBlocks = (mPanels + perBlock - 1) / perBlock;
        var bElements = (long)Math.Min(nPanels * nr, kernel.NC) * kc;
        privateB = bElements <= MaxPrivateB;
        // Private B: finer blocks balance better and cost nothing; shared B: one block per worker per round.
        mBlocks = privateB ? Math.Min(mPanels, Math.Max(mBlocks, 4 * workers)) : Math.Min(mPanels, (mBlocks + workers - 1) / workers * workers);
        // Plan runs on the calling thread, which is worker 0: its B buffer is the shared one.
        if (!privateB) sharedB = PackBuffers<T>.Current.B((nint)bElements);
        return workers;
    }

    public void Bind(T* a, T* b, T* c)
    {
        this.a = a;
        this.b = b;
        this.c = c;
    }

    public override void Execute(int worker, int workers)
    {
        var buffers = PackBuffers<T>.Current;
        switch (mode)
        {
            case Mode.Batches:
                for (int batch; (batch = Interlocked.Increment(ref next) - 1) < batches;)
                {
                    Operands(batch, out var pa, out var pb, out var pc);
                    Serial(pa, pb, pc, buffers);
                }
                break;
            case Mode.Rows:
                for (var batch = 0; batch < batches; batch++)
                {
                    Operands(batch, out var pa, out var pb, out var pc);
                    Rows(pa, pb, pc, buffers, worker, workers, batch == batches - 1);
                }
                break;
            case Mode.Columns:
                for (var batch = 0; batch < batches; batch++)
                {
                    Operands(batch, out var pa, out var pb, out var pc);
                    Columns(pa, pb, pc, buffers, worker, batch == batches - 1);
                }
                break;
        }
    }

    void Operands(int batch, out T* pa, out T* pb, out T* pc)
    {
        nint ao = aOffset, bo = bOffset;
        var rest = batch;
        for (var d = batchRank - 1; d >= 0 && rest > 0; d--)
        {
            var i = rest % batchShape[d];
            rest /= batchShape[d];
            ao += (nint)i * aBatchStride[d];
            bo += (nint)i * bBatchStride[d];
        }
        pa = a + ao;
        pb = b + bo;
        pc = c + (nint)batch * m * n;
    }

    /// <summary>One product on one thread.</summary>
    void Serial(T* pa, T* pb, T* pc, PackBuffers<T> buffers)
    {
        int mr = kernel.MR, nr = kernel.NR, mcMax = kernel.MC, ncMax = kernel.NC;
        var packedB = buffers.B((nint)Math.Min(nPanels * nr, ncMax) * kc);
        var packedA = buffers.A((nint)Math.Min(mPanels * mr, mcMax) * kc);
        for (var j0 = 0; j0 < n; j0 += ncMax)
        {
            var nc = Math.Min(ncMax, n - j0);
            for (var pass = 0; pass < passes; pass++)
            {
                var p0 = pass * kc;
                var depth = Math.Min(kc, k - p0);
                var src = pb + p0 * bRow + j0 * bCol;
                if (directB)
                {
                    var whole = nc / nr * nr;
                    if (whole < nc) PackB(src + whole, depth, nc - whole, packedB + (nint)whole * depth);
                }
                else PackB(src, depth, nc, packedB);
                for (var i0 = 0; i0 < m; i0 += mcMax)
                {
                    var mc = Math.Min(mcMax, m - i0);
                    Macro(PanelsOfA(pa, i0, p0, mc, depth, packedA), directB ? src : null, packedB, pc + i0 * ldc + j0, mc, nc, depth, pass);
                }
            }
        }
    }

    /// <summary>
    /// One product, workers taking row blocks of C. A large B is packed once by all workers
    /// together (a barrier before it is read); a small one by each worker for itself, which
    /// spares the barrier and moving packed B between the cores' caches.
    /// </summary>
    void Rows(T* pa, T* pb, T* pc, PackBuffers<T> buffers, int worker, int workers, bool lastBatch)
    {
        int mr = kernel.MR, nr = kernel.NR, ncMax = kernel.NC;
        var blockPanels = (mPanels + mBlocks - 1) / mBlocks;
        var packedA = buffers.A((nint)blockPanels * mr * kc);
        var packedB = privateB ? buffers.B((nint)Math.Min(nPanels * nr, ncMax) * kc) : sharedB;
        for (var j0 = 0; j0 < n; j0 += ncMax)
        {
            var nc = Math.Min(ncMax, n - j0);
            var bPanels = (nc + nr - 1) / nr;
            var bChunk = Math.Max(1, (bPanels + 4 * workers - 1) / (4 * workers));
            var bChunks = (bPanels + bChunk - 1) / bChunk;
            for (var pass = 0; pass < passes; pass++)
            {
                var p0 = pass * kc;
                var depth = Math.Min(kc, k - p0);
                var src = pb + p0 * bRow + j0 * bCol;
                var packed = false;
                if (!privateB)
                {
                    for (int t; (t = Interlocked.Increment(ref next) - 1) < bChunks;)
                    {
                        var q0 = t * bChunk;
                        var cols = Math.Min(bChunk * nr, nc - q0 * nr);
                        PackB(src + q0 * nr * bCol, depth, cols, packedB + (nint)q0 * nr * depth);
                    }
                    Barrier(worker);
                    packed = true;
                }
                for (int t; (t = Interlocked.Increment(ref next) - 1) < mBlocks;)
                {
                    if (!packed) PackB(src, depth, nc, packedB);
                    packed = true;
                    // Block t covers row panels [t·P/B, (t+1)·P/B): sizes differ by at most one panel.
                    var first = (int)((long)t * mPanels / mBlocks);
                    var last = (int)((long)(t + 1) * mPanels / mBlocks);
                    var i0 = first * mr;
                    var mc = Math.Min(last * mr, m) - i0;
                    Macro(PanelsOfA(pa, i0, p0, mc, depth, packedA), null, packedB, pc + i0 * ldc + j0, mc, nc, depth, pass);
                }
                // Shared B is repacked next, and the next pass reads C written in this one: wait
                // for everyone (not needed after the very last phase).
                if (!lastBatch || pass < passes - 1 || j0 + ncMax < n) Barrier(worker);
            }
        }
    }

    /// <summary>
    /// One product, workers taking column chunks of C: each packs all of A (once per pass,
    /// when it first gets a chunk) and its chunks' B, so nothing packed is shared.
    /// </summary>
    void Columns(T* pa, T* pb, T* pc, PackBuffers<T> buffers, int worker, bool lastBatch)
    {
        int mr = kernel.MR, nr = kernel.NR;
        var buffer = aPrepacked ? null : buffers.A((nint)mPanels * mr * kc);
        var packedB = buffers.B((nint)chunkPanels * nr * kc);
        for (var pass = 0; pass < passes; pass++)
        {
            var p0 = pass * kc;
            var depth = Math.Min(kc, k - p0);
            T* packedA = null;
            for (int t; (t = Interlocked.Increment(ref next) - 1) < chunks;)
            {
                if (packedA == null) packedA = PanelsOfA(pa, 0, p0, m, depth, buffer);
                var j0 = t * chunkPanels * nr;
                var nc = Math.Min(chunkPanels * nr, n - j0);
                var src = pb + p0 * bRow + j0 * bCol;
                if (directB)
                {
                    // Only a last partial panel needs packing.
                    var whole = nc / nr * nr;
                    if (whole < nc) PackB(src + whole, depth, nc - whole, packedB + (nint)whole * depth);
                    Macro(packedA, src, packedB, pc + j0, m, nc, depth, pass);
                }
                else
                {
                    PackB(src, depth, nc, packedB);
                    Macro(packedA, null, packedB, pc + j0, m, nc, depth, pass);
                }
            }
            // The next pass (or product) hands out chunks anew and reads C written in this one.
            if (!lastBatch || pass < passes - 1) Barrier(worker);
        }
    }

    protected override void BetweenPhases() => next = 0;

    /// <summary>
    /// C block (mc×nc at <paramref name="pc"/>, row stride n) from packed A (mc rows) and B's
    /// nc columns: packed panels at <paramref name="packedB"/>, or, where <paramref name="direct"/>
    /// is not null, whole NR-column panels read in place (rows ldb = bRow apart; only a last
    /// partial panel is packed, at its place in <paramref name="packedB"/>).
    /// </summary>
    [SkipLocalsInit] // the edge tile is written before it is read
    void Macro(T* packedA, T* direct, T* packedB, T* pc, int mc, int nc, int depth, int pass)
    {
        int mr = kernel.MR, nr = kernel.NR;
        var micro = kernel.Kernel;
        var accumulate = pass > 0 || accumulateInto ? 1 : 0;
        var edge = stackalloc T[16 * 32];
        for (var jr = 0; jr < nc; jr += nr)
        {
            var cols = Math.Min(nr, nc - jr);
            var inPlace = direct != null && cols == nr;
            var bp = inPlace ? direct + jr : packedB + (nint)jr * depth;
            var ldb = inPlace ? bRow : nr;
            for (var ir = 0; ir < mc; ir += mr)
            {
                var rows = Math.Min(mr, mc - ir);
                var tile = pc + ir * ldc + jr;
                var following = ir + mr < mc ? tile + mr * ldc : pc + jr + nr;
                var ap = packedA + (nint)ir * depth;
                var run = micro;
                int computed = mr, width = nr;
                if (cols <= nr / 2 && kernel.HalfColumns != null)
                {
                    // (Few rows too: the edge tile takes them.)
                    run = kernel.HalfColumns;
                    width = nr / 2;
                }
                else if (rows <= 4 && kernel.Rows4 != null)
                {
                    run = kernel.Rows4;
                    computed = 4;
                }
                else if (rows <= 8 && kernel.Rows8 != null)
                {
                    run = kernel.Rows8;
                    computed = 8;
                }
                if (rows == computed && cols == width)
                {
                    run(depth, ap, bp, ldb, tile, ldc, accumulate, following);
                    continue;
                }
                // Edge tile: compute into a temporary and copy the valid part.
                if (accumulate != 0)
                    for (var i = 0; i < rows; i++) ShortCopy.Run(ref tile[i * ldc], ref edge[i * nr], cols);
                run(depth, ap, bp, ldb, edge, nr, accumulate, following);
                for (var i = 0; i < rows; i++) ShortCopy.Run(ref edge[i * nr], ref tile[i * ldc], cols);
            }
        }
    }
}
