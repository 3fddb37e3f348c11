using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

/// <summary>Pinned, 64-byte-aligned scratch for packed panels, one per thread, grown on demand and reused.</summary>
internal sealed unsafe class PackBuffers<T> where T : unmanaged
{
    [ThreadStatic] static PackBuffers<T>? current;

    /// <summary>The calling thread's buffers.</summary>
    public static PackBuffers<T> Current => current ??= new();

    T[]? aArray, bArray;
    T* a, b;
    nint aLength, bLength;

    /// <summary>Room for <paramref name="length"/> elements of packed A.</summary>
    public T* A(nint length)
    {
        if (length > aLength) a = Grow(ref aArray, ref aLength, length);
        return a;
    }

    /// <summary>Room for <paramref name="length"/> elements of packed B.</summary>
    public T* B(nint length)
    {
        if (length > bLength) b = Grow(ref bArray, ref bLength, length);
        return b;
    }

    static T* Grow(ref T[]? array, ref nint capacity, nint length)
    {
        // Grow geometrically so that a sequence of slightly larger products doesn't reallocate each time.
        var size = Math.Max(length, capacity + capacity / 2);
        // (On the pinned heap: the pointer stays valid while the array is referenced here.)
        array = GC.AllocateUninitializedArray<T>(checked((int)size) + 64 / sizeof(T), pinned: true);
        capacity = size;
        var at = (nint)Unsafe.AsPointer(ref array[0]);
        return (T*)((at + 63) & ~(nint)63);
    }
}

/// <summary>One batched product, planned on the calling thread and run by one or more workers.</summary>
internal sealed unsafe class GemmJob<T> : ParallelJob where T : unmanaged
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

    /// <summary>
    /// The packed panels of A's rows [i0, i0 + mc) and depths [p0, p0 + depth): packed into
    /// <paramref name="buffer"/> now, or, when A came packed, found in place.
    /// </summary>
    T* PanelsOfA(T* pa, int i0, int p0, int mc, int depth, T* buffer)
    {
        if (aPrepacked) return pa + (nint)i0 * depth;
        PackA(kernel.MR, pa + i0 * aRow + p0 * aCol, aRow, aCol, mc, depth, buffer);
        return buffer;
    }

    /// <summary>
    /// Packs rows of A (mc × depth at <paramref name="src"/>, strides rs/cs) into MR-row
    /// panels laid out [p][i], the last one zero-padded.
    /// </summary>
    public static void PackA(int mr, T* src, nint rs, nint cs, int mc, int depth, T* dst)
    {
        for (var i0 = 0; i0 < mc; i0 += mr, dst += (nint)mr * depth)
        {
            var rows = Math.Min(mr, mc - i0);
            var panel = src + i0 * rs;
            if (cs == 1) GatherLines(panel, rs, rows, depth, mr, dst);
            else if (rs == 1) CopyRuns(panel, cs, rows, depth, mr, dst);
            else Scalar(panel, rs, cs, rows, 0, depth, mr, dst);
        }
    }

    /// <summary>
    /// Packs columns of B (depth × nc at <paramref name="src"/>, strides bRow/bCol) into
    /// NR-column panels laid out [p][j], the last one zero-padded.
    /// </summary>
    void PackB(T* src, int depth, int nc, T* dst)
    {
        var nr = kernel.NR;
        nint rs = bRow, cs = bCol;
        for (var j0 = 0; j0 < nc; j0 += nr, dst += (nint)nr * depth)
        {
            var cols = Math.Min(nr, nc - j0);
            var panel = src + j0 * cs;
            if (cs == 1) CopyRuns(panel, rs, cols, depth, nr, dst);
            else if (rs == 1) GatherLines(panel, cs, cols, depth, nr, dst);
            else Scalar(panel, cs, rs, cols, 0, depth, nr, dst);
        }
    }

    /// <summary>
    /// dst[p·width + i] = line i's element p (line i at src + i·lineStride, elements p·step
    /// apart) for i &lt; count and p0 ≤ p &lt; depth, and 0 for count ≤ i &lt; width.
    /// </summary>
    static void Scalar(T* src, nint lineStride, nint step, int count, int p0, int depth, int width, T* dst)
    {
        for (nint p = p0; p < depth; p++)
        {
            var d = dst + p * width;
            var s = src + p * step;
            nint i = 0;
            for (; i < count; i++) d[i] = s[i * lineStride];
            for (; i < width; i++) d[i] = default;
        }
    }

    /// <summary>
    /// dst[p·width + i] = src[i·stride + p] (and 0 for count ≤ i &lt; width): each source line is
    /// contiguous in p (a row of row-major A, a column of column-major B), so this is a
    /// transpose, done 16×16 in registers where AVX-512 is available.
    /// </summary>
    static void GatherLines(T* src, nint stride, int count, int depth, int width, T* dst)
    {
        var p0 = 0;
        if (typeof(T) == typeof(float) && Avx512F.IsSupported && depth > 16)
        {
            // A width that is not a multiple of 16 spills from each row into the next: leave
            // at least one row to the scalar loop, so the last spill lands inside this panel
            // (other threads may be packing the next one).
            p0 = (width % 16 == 0 ? depth : depth - 1) & ~15;
            Transposes((float*)src, stride, count, p0, width, (float*)dst);
        }
        if (p0 < depth) Scalar(src, stride, 1, count, p0, depth, width, dst);
    }

    /// <summary>
    /// Lines [g, g+16) × p [p0, p0+16) at a time: 16 loads, a 16×16 transpose in registers
    /// (a butterfly of 4 stages × 16 two-source permutes), 16 stores. Stores are full vectors:
    /// with width 14 a store spills 2 lanes into the next p's slot, which the next store (or
    /// the next block, or the scalar tail, or the next panel) overwrites; the buffers have
    /// slack for the very last one.
    /// </summary>
    static void Transposes(float* src, nint stride, int count, int depth, int width, float* dst)
    {
        Vector512<int> lo8, hi8, lo4, hi4, lo2, hi2, lo1, hi1;
        (lo8, hi8) = TransposeIndices(8);
        (lo4, hi4) = TransposeIndices(4);
        (lo2, hi2) = TransposeIndices(2);
        (lo1, hi1) = TransposeIndices(1);
        for (var g = 0; g < width; g += 16)
        {
            var lines = Math.Min(16, count - g);
            var line = src + g * stride;
            for (nint p0 = 0; p0 < depth; p0 += 16)
            {
                Vector512<float> x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15, t;
                if (lines == 16)
                {
                    x0 = Vector512.Load(line + 0 * stride + p0);
                    x1 = Vector512.Load(line + 1 * stride + p0);
                    x2 = Vector512.Load(line + 2 * stride + p0);
                    x3 = Vector512.Load(line + 3 * stride + p0);
                    x4 = Vector512.Load(line + 4 * stride + p0);
                    x5 = Vector512.Load(line + 5 * stride + p0);
                    x6 = Vector512.Load(line + 6 * stride + p0);
                    x7 = Vector512.Load(line + 7 * stride + p0);
                    x8 = Vector512.Load(line + 8 * stride + p0);
                    x9 = Vector512.Load(line + 9 * stride + p0);
                    x10 = Vector512.Load(line + 10 * stride + p0);
                    x11 = Vector512.Load(line + 11 * stride + p0);
                    x12 = Vector512.Load(line + 12 * stride + p0);
                    x13 = Vector512.Load(line + 13 * stride + p0);
                    x14 = Vector512.Load(line + 14 * stride + p0);
                    x15 = Vector512.Load(line + 15 * stride + p0);
                }
                else
                {
                    x0 = lines > 0 ? Vector512.Load(line + 0 * stride + p0) : default;
                    x1 = lines > 1 ? Vector512.Load(line + 1 * stride + p0) : default;
                    x2 = lines > 2 ? Vector512.Load(line + 2 * stride + p0) : default;
                    x3 = lines > 3 ? Vector512.Load(line + 3 * stride + p0) : default;
                    x4 = lines > 4 ? Vector512.Load(line + 4 * stride + p0) : default;
                    x5 = lines > 5 ? Vector512.Load(line + 5 * stride + p0) : default;
                    x6 = lines > 6 ? Vector512.Load(line + 6 * stride + p0) : default;
                    x7 = lines > 7 ? Vector512.Load(line + 7 * stride + p0) : default;
                    x8 = lines > 8 ? Vector512.Load(line + 8 * stride + p0) : default;
                    x9 = lines > 9 ? Vector512.Load(line + 9 * stride + p0) : default;
                    x10 = lines > 10 ? Vector512.Load(line + 10 * stride + p0) : default;
                    x11 = lines > 11 ? Vector512.Load(line + 11 * stride + p0) : default;
                    x12 = lines > 12 ? Vector512.Load(line + 12 * stride + p0) : default;
                    x13 = lines > 13 ? Vector512.Load(line + 13 * stride + p0) : default;
                    x14 = lines > 14 ? Vector512.Load(line + 14 * stride + p0) : default;
                    x15 = lines > 15 ? Vector512.Load(line + 15 * stride + p0) : default;
                }
                t = Avx512F.PermuteVar16x32x2(x0, lo8, x8); x8 = Avx512F.PermuteVar16x32x2(x0, hi8, x8); x0 = t;
                t = Avx512F.PermuteVar16x32x2(x1, lo8, x9); x9 = Avx512F.PermuteVar16x32x2(x1, hi8, x9); x1 = t;
                t = Avx512F.PermuteVar16x32x2(x2, lo8, x10); x10 = Avx512F.PermuteVar16x32x2(x2, hi8, x10); x2 = t;
                t = Avx512F.PermuteVar16x32x2(x3, lo8, x11); x11 = Avx512F.PermuteVar16x32x2(x3, hi8, x11); x3 = t;
                t = Avx512F.PermuteVar16x32x2(x4, lo8, x12); x12 = Avx512F.PermuteVar16x32x2(x4, hi8, x12); x4 = t;
                t = Avx512F.PermuteVar16x32x2(x5, lo8, x13); x13 = Avx512F.PermuteVar16x32x2(x5, hi8, x13); x5 = t;
                t = Avx512F.PermuteVar16x32x2(x6, lo8, x14); x14 = Avx512F.PermuteVar16x32x2(x6, hi8, x14); x6 = t;
                t = Avx512F.PermuteVar16x32x2(x7, lo8, x15); x15 = Avx512F.PermuteVar16x32x2(x7, hi8, x15); x7 = t;
                t = Avx512F.PermuteVar16x32x2(x0, lo4, x4); x4 = Avx512F.PermuteVar16x32x2(x0, hi4, x4); x0 = t;
                t = Avx512F.PermuteVar16x32x2(x1, lo4, x5); x5 = Avx512F.PermuteVar16x32x2(x1, hi4, x5); x1 = t;
                t = Avx512F.PermuteVar16x32x2(x2, lo4, x6); x6 = Avx512F.PermuteVar16x32x2(x2, hi4, x6); x2 = t;
                t = Avx512F.PermuteVar16x32x2(x3, lo4, x7); x7 = Avx512F.PermuteVar16x32x2(x3, hi4, x7); x3 = t;
                t = Avx512F.PermuteVar16x32x2(x8, lo4, x12); x12 = Avx512F.PermuteVar16x32x2(x8, hi4, x12); x8 = t;
                t = Avx512F.PermuteVar16x32x2(x9, lo4, x13); x13 = Avx512F.PermuteVar16x32x2(x9, hi4, x13); x9 = t;
                t = Avx512F.PermuteVar16x32x2(x10, lo4, x14); x14 = Avx512F.PermuteVar16x32x2(x10, hi4, x14); x10 = t;
                t = Avx512F.PermuteVar16x32x2(x11, lo4, x15); x15 = Avx512F.PermuteVar16x32x2(x11, hi4, x15); x11 = t;
                t = Avx512F.PermuteVar16x32x2(x0, lo2, x2); x2 = Avx512F.PermuteVar16x32x2(x0, hi2, x2); x0 = t;
                t = Avx512F.PermuteVar16x32x2(x1, lo2, x3); x3 = Avx512F.PermuteVar16x32x2(x1, hi2, x3); x1 = t;
                t = Avx512F.PermuteVar16x32x2(x4, lo2, x6); x6 = Avx512F.PermuteVar16x32x2(x4, hi2, x6); x4 = t;
                t = Avx512F.PermuteVar16x32x2(x5, lo2, x7); x7 = Avx512F.PermuteVar16x32x2(x5, hi2, x7); x5 = t;
                t = Avx512F.PermuteVar16x32x2(x8, lo2, x10); x10 = Avx512F.PermuteVar16x32x2(x8, hi2, x10); x8 = t;
                t = Avx512F.PermuteVar16x32x2(x9, lo2, x11); x11 = Avx512F.PermuteVar16x32x2(x9, hi2, x11); x9 = t;
                t = Avx512F.PermuteVar16x32x2(x12, lo2, x14); x14 = Avx512F.PermuteVar16x32x2(x12, hi2, x14); x12 = t;
                t = Avx512F.PermuteVar16x32x2(x13, lo2, x15); x15 = Avx512F.PermuteVar16x32x2(x13, hi2, x15); x13 = t;
                t = Avx512F.PermuteVar16x32x2(x0, lo1, x1); x1 = Avx512F.PermuteVar16x32x2(x0, hi1, x1); x0 = t;
                t = Avx512F.PermuteVar16x32x2(x2, lo1, x3); x3 = Avx512F.PermuteVar16x32x2(x2, hi1, x3); x2 = t;
                t = Avx512F.PermuteVar16x32x2(x4, lo1, x5); x5 = Avx512F.PermuteVar16x32x2(x4, hi1, x5); x4 = t;
                t = Avx512F.PermuteVar16x32x2(x6, lo1, x7); x7 = Avx512F.PermuteVar16x32x2(x6, hi1, x7); x6 = t;
                t = Avx512F.PermuteVar16x32x2(x8, lo1, x9); x9 = Avx512F.PermuteVar16x32x2(x8, hi1, x9); x8 = t;
                t = Avx512F.PermuteVar16x32x2(x10, lo1, x11); x11 = Avx512F.PermuteVar16x32x2(x10, hi1, x11); x10 = t;
                t = Avx512F.PermuteVar16x32x2(x12, lo1, x13); x13 = Avx512F.PermuteVar16x32x2(x12, hi1, x13); x12 = t;
                t = Avx512F.PermuteVar16x32x2(x14, lo1, x15); x15 = Avx512F.PermuteVar16x32x2(x14, hi1, x15); x14 = t;
                var d = dst + p0 * width + g;
                x0.Store(d + 0 * width);
                x1.Store(d + 1 * width);
                x2.Store(d + 2 * width);
                x3.Store(d + 3 * width);
                x4.Store(d + 4 * width);
                x5.Store(d + 5 * width);
                x6.Store(d + 6 * width);
                x7.Store(d + 7 * width);
                x8.Store(d + 8 * width);
                x9.Store(d + 9 * width);
                x10.Store(d + 10 * width);
                x11.Store(d + 11 * width);
                x12.Store(d + 12 * width);
                x13.Store(d + 13 * width);
                x14.Store(d + 14 * width);
                x15.Store(d + 15 * width);
            }
        }
    }

    // For the butterfly stage of block size s: x'[r] takes columns c with (c & s) = 0 from x[r]
    // and the others from x[r+s] shifted down by s; x'[r+s] takes the remaining halves.
    static (Vector512<int> Low, Vector512<int> High) TransposeIndices(int s)
    {
        var lo = stackalloc int[16];
        var hi = stackalloc int[16];
        for (var c = 0; c < 16; c++)
        {
            lo[c] = (c & s) == 0 ? c : 16 + c - s;
            hi[c] = (c & s) == 0 ? c + s : 16 + c;
        }
        return (Vector512.Load(lo), Vector512.Load(hi));
    }

    /// <summary>
    /// dst[p·width + i] = src[p·stride + i] (and 0 for count ≤ i &lt; width): each step of p
    /// copies a contiguous run (a row of row-major B, a column of column-major A).
    /// </summary>
    static void CopyRuns(T* src, nint stride, int count, int depth, int width, T* dst)
    {
        var bytes = count * sizeof(T);
        if (bytes == 128 && Vector512.IsHardwareAccelerated)
        {
            for (nint p = 0; p < depth; p++)
            {
                var s = (byte*)(src + p * stride);
                var d = (byte*)(dst + p * width);
                Vector512.Store(Vector512.Load(s), d);
                Vector512.Store(Vector512.Load(s + 64), d + 64);
            }
            return;
        }
        if (bytes is >= 32 and <= 64 && Vector256.IsHardwareAccelerated)
        {
            // Two overlapping 32-byte moves cover 32 to 64 bytes (A's 14 floats, for one).
            for (nint p = 0; p < depth; p++)
            {
                var s = (byte*)(src + p * stride);
                var d = (byte*)(dst + p * width);
                var head = Vector256.Load(s);
                var tail = Vector256.Load(s + bytes - 32);
                head.Store(d);
                tail.Store(d + bytes - 32);
            }
        }
        else
            for (nint p = 0; p < depth; p++)
                Unsafe.CopyBlockUnaligned(dst + p * width, src + p * stride, (uint)bytes);
        if (count < width)
            for (nint p = 0; p < depth; p++)
                new Span<T>(dst + p * width + count, width - count).Clear();
    }
}
