# Prints the unrolled GEMM micro-kernels of src/Backends/Cpu/GemmKernels.cs (one FMA chain per C
# element in k order, accumulators held in locals so the JIT keeps them in registers): the packed
# GEMM's (GemmKernels.Generated.cs), or with the argument `offsets` the implicit GEMM's, whose B
# rows come through an offset table (GemmKernels.Offsets.Generated.cs).
import sys
def kernel(name, vec, elem, lanes, MR, NV, doc, AS=None, rows=False):
    # rows: B's row p starts at b + rows[p] (an offset table) instead of b + p·ldb.
    AS = AS or MR
    NR = lanes*NV
    L = []
    L.append(f"    /// <summary>{doc}</summary>")
    L.append(f"    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]")
    step = "int* rows" if rows else "nint ldb"
    # The packed GEMM's chains start from C (accumulate ≠ 0) or zero; the implicit GEMM's from a
    # value per row (the bias: start[i], where start is not null) or zero, so C is never read.
    start = f"{elem}* start" if rows else "int accumulate"
    L.append(f"    public static void {name}(nint kc, {elem}* a, {elem}* b, {step}, {elem}* c, nint ldc, {start}, {elem}* next)")
    L.append("    {")
    L.append(f"        if (Sse.IsSupported)")
    L.append(f"            for (nint r = 0; r < {MR}; r++)")
    L.append("            {")
    L.append(f"                Sse.Prefetch1(next + r * ldc);")
    L.append(f"                Sse.Prefetch1(next + r * ldc + {NR - 1});")
    L.append("            }")
    L.append(f"        {vec}<{elem}> " + ", ".join(f"c{i}_{v}" for i in range(MR) for v in range(NV)) + ";")
    L.append("        if (start != null)" if rows else "        if (accumulate != 0)")
    L.append("        {")
    for i in range(MR):
        row = "c" if i == 0 else f"c + {i} * ldc"
        if rows: L.append(f"            c{i}_0 = {vec}.Create(start[{i}]); " + " ".join(f"c{i}_{v} = c{i}_0;" for v in range(1, NV)))
        else: L.append("            " + " ".join(f"c{i}_{v} = {vec}.Load({row}{'' if v==0 else f' + {v*lanes}'});" for v in range(NV)))
    L.append("        }")
    L.append("        else")
    L.append("        {")
    for i in range(MR):
        L.append("            " + " ".join(f"c{i}_{v} = default;" for v in range(NV)))
    L.append("        }")
    L.append("        for (; kc > 0; kc--)")
    L.append("        {")
    row = "row" if rows else "b"
    if rows: L.append("            var row = b + *rows;")
    L.append("            " + " ".join(f"var b{v} = {vec}.Load({row}{'' if v==0 else f' + {v*lanes}'});" for v in range(NV)))
    L.append(f"            {vec}<{elem}> ai;")
    for i in range(MR):
        L.append(f"            ai = {vec}.Create(a[{i}]); " + " ".join(f"c{i}_{v} = {vec}.FusedMultiplyAdd(ai, b{v}, c{i}_{v});" for v in range(NV)))
    L.append(f"            a += {AS};")
    L.append("            rows++;" if rows else "            b += ldb;")
    L.append("        }")
    for i in range(MR):
        row = "c" if i == 0 else f"c + {i} * ldc"
        L.append("        " + " ".join(f"c{i}_{v}.Store({row}{'' if v==0 else f' + {v*lanes}'});" for v in range(NV)))
    L.append("    }")
    return "\n".join(L)

def scalar(name, elem, MR, NR, doc):
    fma = "MathF.FusedMultiplyAdd" if elem == "float" else "Math.FusedMultiplyAdd"
    L = []
    L.append(f"    /// <summary>{doc}</summary>")
    L.append(f"    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]")
    L.append(f"    public static void {name}(nint kc, {elem}* a, {elem}* b, nint ldb, {elem}* c, nint ldc, int accumulate, {elem}* next)")
    L.append("    {")
    L.append(f"        {elem} " + ", ".join(f"c{i}_{j} = 0" for i in range(MR) for j in range(NR)) + ";")
    L.append("        if (accumulate != 0)")
    L.append("        {")
    for i in range(MR):
        L.append("            " + " ".join(f"c{i}_{j} = c[{i} * ldc + {j}];" for j in range(NR)))
    L.append("        }")
    L.append("        for (; kc > 0; kc--)")
    L.append("        {")
    L.append("            " + " ".join(f"var b{j} = b[{j}];" for j in range(NR)))
    for i in range(MR):
        L.append(f"            var a{i} = a[{i}]; " + " ".join(f"c{i}_{j} = {fma}(a{i}, b{j}, c{i}_{j});" for j in range(NR)))
    L.append(f"            a += {MR};")
    L.append(f"            b += ldb;")
    L.append("        }")
    for i in range(MR):
        L.append("        " + " ".join(f"c[{i} * ldc + {j}] = c{i}_{j};" for j in range(NR)))
    L.append("    }")
    return "\n".join(L)

out = []
out.append(kernel("F32x512", "Vector512", "float", 16, 14, 2, "14×32 float tile, 28 Vector512 accumulators."))
out.append(kernel("F32x512Rows8", "Vector512", "float", 16, 8, 2, "The first 8 rows of a 14×32 float tile (A panels of 14 rows).", 14))
out.append(kernel("F32x512Rows4", "Vector512", "float", 16, 4, 2, "The first 4 rows of a 14×32 float tile (A panels of 14 rows).", 14))
out.append(kernel("F32x512Cols16", "Vector512", "float", 16, 14, 1, "The first 16 columns of a 14×32 float tile (a last B panel of at most 16 columns).", 14))
out.append(kernel("F32x256", "Vector256", "float", 8, 6, 2, "6×16 float tile, 12 Vector256 accumulators (fits AVX2's 16 registers)."))
out.append(kernel("F32x128", "Vector128", "float", 4, 6, 2, "6×8 float tile, 12 Vector128 accumulators (SSE's 16 registers, or NEON)."))
out.append(scalar("F32Scalar", "float", 4, 4, "4×4 float tile without SIMD (the portable fallback), 16 accumulators in locals."))
out.append(kernel("F64x512", "Vector512", "double", 8, 14, 2, "14×16 double tile, 28 Vector512 accumulators."))
out.append(kernel("F64x512Rows8", "Vector512", "double", 8, 8, 2, "The first 8 rows of a 14×16 double tile (A panels of 14 rows).", 14))
out.append(kernel("F64x512Rows4", "Vector512", "double", 8, 4, 2, "The first 4 rows of a 14×16 double tile (A panels of 14 rows).", 14))
out.append(kernel("F64x512Cols8", "Vector512", "double", 8, 14, 1, "The first 8 columns of a 14×16 double tile (a last B panel of at most 8 columns).", 14))
out.append(kernel("F64x256", "Vector256", "double", 4, 6, 2, "6×8 double tile, 12 Vector256 accumulators."))
out.append(kernel("F64x128", "Vector128", "double", 2, 6, 2, "6×4 double tile, 12 Vector128 accumulators (SSE's 16 registers, or NEON)."))
out.append(scalar("F64Scalar", "double", 4, 4, "4×4 double tile without SIMD (the portable fallback), 16 accumulators in locals."))
offsets = []
offsets.append(kernel("F32x512Offsets", "Vector512", "float", 16, 14, 2, "A 14×32 float tile whose B rows are found through an offset table (an implicit GEMM).", rows=True))
offsets.append(kernel("F32x512OffsetsRows8", "Vector512", "float", 16, 8, 2, "The first 8 rows of a 14×32 float tile whose B rows are found through an offset table.", 14, rows=True))
offsets.append(kernel("F32x512OffsetsRows4", "Vector512", "float", 16, 4, 2, "The first 4 rows of a 14×32 float tile whose B rows are found through an offset table.", 14, rows=True))
print("\n\n".join(offsets if sys.argv[1:] == ["offsets"] else out))
