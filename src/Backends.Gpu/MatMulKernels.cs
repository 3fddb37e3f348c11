using System.Runtime.CompilerServices;
using ILGPU;

namespace Hybrid.Gpu;

/// <summary>
/// Four consecutive elements: a quarter of a thread's register block, read from shared memory
/// as one access (one 16-byte load for float32, so a warp needs few shared-memory requests).
/// </summary>
internal struct Quad<T> where T : unmanaged
{
    public T X, Y, Z, W;
}

/// <summary>
/// The GEMM tile geometry as a type, so that ILGPU compiles it in as constants (shifts, masks
/// and shared-memory offsets fold into the instructions, and the k loop has a fixed count).
/// A group of Side×Side threads computes a Tile×Tile block of C (Tile = 8·Side, each thread
/// 8×8), stepping through k Depth at a time (Depth = Side/2, so each thread moves exactly four
/// elements of A and four of B per step). <see cref="GemmTiling"/> picks one per accelerator.
/// </summary>
internal interface IGemmShape
{
    /// <summary>log2 of Side.</summary>
    int LogSide { get; }
}

internal struct Side2 : IGemmShape { public readonly int LogSide => 1; }
internal struct Side4 : IGemmShape { public readonly int LogSide => 2; }
internal struct Side8 : IGemmShape { public readonly int LogSide => 3; }
internal struct Side16 : IGemmShape { public readonly int LogSide => 4; }

/// <summary>
/// A thread's 8×8 block of C, in registers: C{row}{L|R}, rows 0–3 at 4·ty + row and 4–7 half a
/// tile lower; L the four columns at 4·tx, R the four half a tile to the right.
/// </summary>
internal struct Block<T> where T : unmanaged
{
    public Quad<T> C0L, C0R, C1L, C1R, C2L, C2R, C3L, C3R, C4L, C4R, C5L, C5R, C6L, C6R, C7L, C7R;
}

/// <summary>One batched product C = A·B as the GEMM kernel sees it (all in elements).</summary>
internal struct GemmArgs
{
    public int M, N, K;
    /// <summary>A's strides along m and k, B's along k and n: any strides, transposed operands included.</summary>
    public int ARow, ACol, BRow, BCol;
    /// <summary>1 when consecutive threads should load along k (k is the operand's contiguous dim), else 0.</summary>
    public int AKFast, BKFast;
    /// <summary>Tiles of C along m and n; the grid's X runs over TilesM·TilesN.</summary>
    public int TilesM, TilesN;
    /// <summary>The batch of the grid's Y = 0 (the grid's Y is limited, so large batches take several launches).</summary>
    public int BatchStart;
}

/// <summary>
/// General matrix multiply on a GPU, the classic shared-memory scheme: each group stages a
/// Depth-deep slice of A's row block and of B's column block in shared memory, and each thread
/// accumulates an 8×8 block of C in registers, so every element read from shared memory feeds
/// eight multiply-adds. The thread's 8×8 block is split in four 4×4 quarters, Tile/2 apart in
/// each direction (rows 4·ty.. and Tile/2 + 4·ty.., columns likewise): a warp then reads each
/// shared row as contiguous 16-byte quads, free of bank conflicts. Shared memory holds two
/// buffers: the next slice is loaded from global memory into registers while the current one
/// is multiplied, and stored to the other buffer afterwards, so one barrier per slice suffices
/// and global latency hides behind arithmetic. Tiles are visited in groups of
/// <see cref="GroupRows"/> tile rows so that groups running together share A and B in the L2 cache.
/// </summary>
internal static class MatMulKernels
{
    /// <summary>
    /// Thin products (m or n under <see cref="Gemm.ThinSide"/>: matrix-vector products, a few
    /// filters over many pixels): one thread per element of C, summing over k in order. A tile
    /// of 128 rows for 6 of them would leave most threads idle.
    /// </summary>
    public static void Thin<T, N>(Index1D thread, Elements elements, ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, GemmArgs g, ViewLayout batchA, ViewLayout batchB)
        where T : unmanaged where N : struct, INumeric<T>
    {
        var n = default(N);
        for (int e = thread; e < elements.Count; e += elements.Stride)
        {
            int j = e % g.N, rest = e / g.N, i = rest % g.M, batch = rest / g.M;
            int at = batchA.At(batch) + i * g.ARow, bt = batchB.At(batch) + j * g.BCol;
            var sum = n.FromLong(0);
            for (var k = 0; k < g.K; k++) sum = n.Add(sum, n.Mul(a[at + k * g.ACol], b[bt + k * g.BRow]));
            c[e] = sum;
        }
    }

    /// <summary>
    /// Padding of each shared row (elements). It keeps rows 16-byte aligned and shifts
    /// consecutive rows by four banks, so the transposing stores of a k-contiguous operand
    /// (eight k of four rows per warp) hit 32 different banks.
    /// </summary>
    public const int Pad = 4;

    /// <summary>Tile rows visited together (grouped ordering for L2 reuse).</summary>
    const int GroupRows = 8;

    public static void Gemm<T, N, S>(ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, GemmArgs g, ViewLayout batchA, ViewLayout batchB)
        where T : unmanaged where N : struct, INumeric<T> where S : struct, IGemmShape
    {
        // The geometry, all compile-time constants.
        int logSide = default(S).LogSide, side = 1 << logSide, logTile = logSide + 3, tileSize = 1 << logTile;
        int logDepth = logSide - 1, depth = 1 << logDepth;
        int stride = tileSize + Pad, bufSize = 2 * depth * stride, halfQuads = tileSize >> 3, strideQuads = stride >> 2;

        var shared = SharedMemory.GetDynamic<T>();
        var quads = shared.Cast<Quad<T>>();
        int t = Group.IdxX, tx = t & (side - 1), ty = t >> logSide;

        // Grouped tile order: consecutive groups walk down GroupRows tile rows before moving
        // right, so the blocks of A and B in flight at once stay few.
        int perGroup = GroupRows * g.TilesN, tile = Grid.IdxX;
        int firstRow = tile / perGroup * GroupRows, inGroup = tile - firstRow * g.TilesN;
        int rows = Math.Min(g.TilesM - firstRow, GroupRows);
        int row0 = (firstRow + inGroup % rows) << logTile, col0 = inGroup / rows << logTile;

        int z = g.BatchStart + Grid.IdxY;
        int aBase = batchA.At(z), bBase = batchB.At(z);
        int slices = (g.K + depth - 1) >> logDepth;

        // Shared layout of one buffer: A's slice as depth rows of tileSize (+Pad) elements, m
        // along a row, then B's likewise, n along a row.
        T a0 = LoadA<T, S>(a, g, aBase, row0, 0, t, 0), a1 = LoadA<T, S>(a, g, aBase, row0, 0, t, 1),
          a2 = LoadA<T, S>(a, g, aBase, row0, 0, t, 2), a3 = LoadA<T, S>(a, g, aBase, row0, 0, t, 3);
        T b0 = LoadB<T, S>(b, g, bBase, col0, 0, t, 0), b1 = LoadB<T, S>(b, g, bBase, col0, 0, t, 1),
          b2 = LoadB<T, S>(b, g, bBase, col0, 0, t, 2), b3 = LoadB<T, S>(b, g, bBase, col0, 0, t, 3);
        Store<T, S>(shared, g.AKFast, 0, t, a0, a1, a2, a3);
        Store<T, S>(shared, g.BKFast, depth * stride, t, b0, b1, b2, b3);
        Group.Barrier();

        var c8 = default(Block<T>);
        for (var s = 0; s < slices; s++)
        {
            int current = (s & 1) * bufSize;
            var more = s + 1 < slices;
            if (more)
            {
                // Issued now, used after the multiply: the loads' latency hides behind it.
                var k0 = (s + 1) << logDepth;
                a0 = LoadA<T, S>(a, g, aBase, row0, k0, t, 0); a1 = LoadA<T, S>(a, g, aBase, row0, k0, t, 1);
                a2 = LoadA<T, S>(a, g, aBase, row0, k0, t, 2); a3 = LoadA<T, S>(a, g, aBase, row0, k0, t, 3);
                b0 = LoadB<T, S>(b, g, bBase, col0, k0, t, 0); b1 = LoadB<T, S>(b, g, bBase, col0, k0, t, 1);
                b2 = LoadB<T, S>(b, g, bBase, col0, k0, t, 2); b3 = LoadB<T, S>(b, g, bBase, col0, k0, t, 3);
            }
            // Quad positions of this thread's rows of A and columns of B in the slice's first k row.
            int qa = (current >> 2) + ty, qb = ((current + depth * stride) >> 2) + tx;
            if (depth >= 4)
            {
                // Unrolled by four (depth is a constant): the quads' offsets become constants.
                for (var kk = 0; kk < depth; kk += 4, qa += 4 * strideQuads, qb += 4 * strideQuads)
                {
                    c8 = Step<T, N>(c8, quads, qa, qb, halfQuads);
                    c8 = Step<T, N>(c8, quads, qa + strideQuads, qb + strideQuads, halfQuads);
                    c8 = Step<T, N>(c8, quads, qa + 2 * strideQuads, qb + 2 * strideQuads, halfQuads);
                    c8 = Step<T, N>(c8, quads, qa + 3 * strideQuads, qb + 3 * strideQuads, halfQuads);
                }
            }
            else
            {
                for (var kk = 0; kk < depth; kk++, qa += strideQuads, qb += strideQuads)
                    c8 = Step<T, N>(c8, quads, qa, qb, halfQuads);
            }
            if (more)
            {
                // The other buffer was last read in the previous slice, before its barrier.
                var next = bufSize - current;
                Store<T, S>(shared, g.AKFast, next, t, a0, a1, a2, a3);
                Store<T, S>(shared, g.BKFast, next + depth * stride, t, b0, b1, b2, b3);
            }
            Group.Barrier();
        }

        int cBase = z * g.M * g.N, up = row0 + 4 * ty, down = up + (tileSize >> 1);
        int left = col0 + 4 * tx, right = left + (tileSize >> 1);
        StoreRow(c, g, cBase, up, left, right, c8.C0L, c8.C0R);
        StoreRow(c, g, cBase, up + 1, left, right, c8.C1L, c8.C1R);
        StoreRow(c, g, cBase, up + 2, left, right, c8.C2L, c8.C2R);
        StoreRow(c, g, cBase, up + 3, left, right, c8.C3L, c8.C3R);
        StoreRow(c, g, cBase, down, left, right, c8.C4L, c8.C4R);
        StoreRow(c, g, cBase, down + 1, left, right, c8.C5L, c8.C5R);
        StoreRow(c, g, cBase, down + 2, left, right, c8.C6L, c8.C6R);
        StoreRow(c, g, cBase, down + 3, left, right, c8.C7L, c8.C7R);
    }

    /// <summary>
    /// One k of the slice: reads the thread's eight elements of A's k row (quads at
    /// <paramref name="qa"/> and half a tile further) and eight of B's, and adds their outer
    /// product to the block.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Block<T> Step<T, N>(Block<T> c, ArrayView<Quad<T>> quads, int qa, int qb, int halfQuads)
        where T : unmanaged where N : struct, INumeric<T>
    {
        Quad<T> x0 = quads[qa], x1 = quads[qa + halfQuads];
        Quad<T> y0 = quads[qb], y1 = quads[qb + halfQuads];
        c.C0L = Fma<T, N>(c.C0L, x0.X, y0); c.C0R = Fma<T, N>(c.C0R, x0.X, y1);
        c.C1L = Fma<T, N>(c.C1L, x0.Y, y0); c.C1R = Fma<T, N>(c.C1R, x0.Y, y1);
        c.C2L = Fma<T, N>(c.C2L, x0.Z, y0); c.C2R = Fma<T, N>(c.C2R, x0.Z, y1);
        c.C3L = Fma<T, N>(c.C3L, x0.W, y0); c.C3R = Fma<T, N>(c.C3R, x0.W, y1);
        c.C4L = Fma<T, N>(c.C4L, x1.X, y0); c.C4R = Fma<T, N>(c.C4R, x1.X, y1);
        c.C5L = Fma<T, N>(c.C5L, x1.Y, y0); c.C5R = Fma<T, N>(c.C5R, x1.Y, y1);
        c.C6L = Fma<T, N>(c.C6L, x1.Z, y0); c.C6R = Fma<T, N>(c.C6R, x1.Z, y1);
        c.C7L = Fma<T, N>(c.C7L, x1.W, y0); c.C7R = Fma<T, N>(c.C7R, x1.W, y1);
        return c;
    }

    /// <summary>c + a·b for each of the four lanes of b.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Quad<T> Fma<T, N>(Quad<T> c, T a, Quad<T> b) where T : unmanaged where N : struct, INumeric<T>
    {
        var n = default(N);
        c.X = n.Add(c.X, n.Mul(a, b.X));
        c.Y = n.Add(c.Y, n.Mul(a, b.Y));
        c.Z = n.Add(c.Z, n.Mul(a, b.Z));
        c.W = n.Add(c.W, n.Mul(a, b.W));
        return c;
    }

    /// <summary>
    /// Where load <paramref name="p"/> (0–3) of thread t falls in a depth×tileSize slice:
    /// element e = t + p·threads, taken along k first when <paramref name="kFast"/> (k is the
    /// operand's contiguous dim: a warp reads whole 32-byte runs of k) else along m or n.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Place<S>(int kFast, int t, int p, out int outer, out int kk) where S : struct, IGemmShape
    {
        var logSide = default(S).LogSide;
        var e = t + (p << (2 * logSide));
        if (kFast != 0) { kk = e & ((1 << (logSide - 1)) - 1); outer = e >> (logSide - 1); }
        else { outer = e & ((1 << (logSide + 3)) - 1); kk = e >> (logSide + 3); }
    }

    /// <summary>Load p of A's slice starting at k0 (zero outside the matrix).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static T LoadA<T, S>(ArrayView<T> a, GemmArgs g, int aBase, int row0, int k0, int t, int p) where T : unmanaged where S : struct, IGemmShape
    {
        Place<S>(g.AKFast, t, p, out var r, out var kk);
        int row = row0 + r, k = k0 + kk;
        return row < g.M && k < g.K ? a[aBase + row * g.ARow + k * g.ACol] : default;
    }

    /// <summary>Load p of B's slice starting at k0 (zero outside the matrix).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static T LoadB<T, S>(ArrayView<T> b, GemmArgs g, int bBase, int col0, int k0, int t, int p) where T : unmanaged where S : struct, IGemmShape
    {
        Place<S>(g.BKFast, t, p, out var col, out var kk);
        int column = col0 + col, k = k0 + kk;
        return column < g.N && k < g.K ? b[bBase + k * g.BRow + column * g.BCol] : default;
    }

    /// <summary>Writes a thread's four loaded elements of an operand to their places in the shared slice at <paramref name="at"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store<T, S>(ArrayView<T> shared, int kFast, int at, int t, T v0, T v1, T v2, T v3) where T : unmanaged where S : struct, IGemmShape
    {
        var stride = (8 << default(S).LogSide) + Pad;
        Place<S>(kFast, t, 0, out var outer, out var kk); shared[at + kk * stride + outer] = v0;
        Place<S>(kFast, t, 1, out outer, out kk); shared[at + kk * stride + outer] = v1;
        Place<S>(kFast, t, 2, out outer, out kk); shared[at + kk * stride + outer] = v2;
        Place<S>(kFast, t, 3, out outer, out kk); shared[at + kk * stride + outer] = v3;
    }

    /// <summary>Writes one row of a thread's block: four columns from <paramref name="left"/>, four from <paramref name="right"/>, inside C only.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow<T>(ArrayView<T> c, GemmArgs g, int cBase, int row, int left, int right, Quad<T> l, Quad<T> r) where T : unmanaged
    {
        if (row >= g.M) return;
        var at = cBase + row * g.N;
        if (left < g.N) c[at + left] = l.X;
        if (left + 1 < g.N) c[at + left + 1] = l.Y;
        if (left + 2 < g.N) c[at + left + 2] = l.Z;
        if (left + 3 < g.N) c[at + left + 3] = l.W;
        if (right < g.N) c[at + right] = r.X;
        if (right + 1 < g.N) c[at + right + 1] = r.Y;
        if (right + 2 < g.N) c[at + right + 2] = r.Z;
        if (right + 3 < g.N) c[at + right + 3] = r.W;
    }
}
