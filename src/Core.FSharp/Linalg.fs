namespace Hybrid

open System
open System.Runtime.InteropServices
open MathNet.Numerics.LinearAlgebra

/// PyTorch's torch.linalg.LinAlgError: the input has the right shape but cannot be factorized
/// (a singular matrix, one that is not positive-definite).
type LinAlgException(message: string) =
    inherit ArgumentException(message)

/// (sign, log |det|) of linalg.slogdet; the sign is ±1, or 0 for a singular matrix.
type SlogDetResult =
    { Sign: Tensor
      LogAbsDet: Tensor }
    member this.Deconstruct(sign: outref<Tensor>, logAbsDet: outref<Tensor>) =
        sign <- this.Sign
        logAbsDet <- this.LogAbsDet

/// Q (orthonormal columns) and R (upper triangular) of linalg.qr.
type QrResult =
    { Q: Tensor
      R: Tensor }
    member this.Deconstruct(q: outref<Tensor>, r: outref<Tensor>) =
        q <- this.Q
        r <- this.R

/// A = U·diag(S)·Vh, singular values in descending order.
type SvdResult =
    { U: Tensor
      S: Tensor
      Vh: Tensor }
    member this.Deconstruct(u: outref<Tensor>, s: outref<Tensor>, vh: outref<Tensor>) =
        u <- this.U
        s <- this.S
        vh <- this.Vh

/// A = V·diag(eigenvalues)·Vᵀ, eigenvalues in ascending order, eigenvectors as columns.
type EighResult =
    { Eigenvalues: Tensor
      Eigenvectors: Tensor }
    member this.Deconstruct(eigenvalues: outref<Tensor>, eigenvectors: outref<Tensor>) =
        eigenvalues <- this.Eigenvalues
        eigenvectors <- this.Eigenvectors

/// linalg.lstsq's results: the solution, the squared residuals ‖AX − B‖² per column (only when
/// m > n and every matrix has full rank, else empty), the ranks (Int64), and the singular
/// values (for the "gelsd" and "gelss" drivers, else empty).
type LstsqResult =
    { Solution: Tensor
      Residuals: Tensor
      Rank: Tensor
      SingularValues: Tensor }
    member this.Deconstruct(solution: outref<Tensor>, residuals: outref<Tensor>, rank: outref<Tensor>, singularValues: outref<Tensor>) =
        solution <- this.Solution
        residuals <- this.Residuals
        rank <- this.Rank
        singularValues <- this.SingularValues

/// Moving matrices between tensors and MathNet: each matrix of the batch is copied into a
/// MathNet Matrix<double> (column-major), factorized there, and copied back. Float32 tensors are
/// computed in double and rounded once. Tensors on other devices pass through the CPU.
module internal LinalgCpu =
    let scalarTypeName (d: DType) =
        match d with
        | DType.Float32 -> "Float"
        | DType.Float64 -> "Double"
        | DType.Int64 -> "Long"
        | DType.Int32 -> "Int"
        | DType.UInt8 -> "Byte"
        | _ -> "Bool"

    let checkFloating (name: string) (x: Tensor) =
        if not (x.DType.IsFloating()) then
            Prim.Fail(sprintf "%s: Expected a floating point or complex tensor as input. Got %s" name (scalarTypeName x.DType))

    let checkMatrix (name: string) (x: Tensor) =
        checkFloating name x
        if x.Dim < 2 then Prim.Fail(sprintf "%s: The input tensor A must have at least 2 dimensions." name)

    let checkSquare (name: string) (x: Tensor) =
        checkMatrix name x
        let m, n = x.shape.[x.Dim - 2], x.shape.[x.Dim - 1]
        if m <> n then Prim.Fail(sprintf "%s: A must be batches of square matrices, but they are %d by %d matrices" name m n)

    let batchShape (x: Tensor) = x.shape.[.. x.Dim - 3]

    /// "(Batch element b): " for batched input, as PyTorch prefixes its errors.
    let prefix (batched: bool) (b: int) = if batched then sprintf "(Batch element %d): " b else ""

    /// The elements as float64, row-major (a copy).
    let values (x: Tensor) : float[] =
        match x.backend.ToArray x.strided with
        | :? (float[]) as d -> d
        | :? (float32[]) as d -> Array.map float d
        | other -> Prim.Fail(sprintf "linalg: unsupported element type %s" (other.GetType().Name))

    /// Storage of like's dtype and device holding `data`.
    let storage (like: Tensor) (data: float[]) : Storage =
        if like.DType = DType.Float32 then like.backend.FromArray(Array.map float32 data) else like.backend.FromArray data

    let plain (like: Tensor) (data: float[]) (shape: int[]) = Prim.Plain(storage like data, shape)

    /// Rows × cols matrix from row-major data at offset.
    let read (data: float[]) (offset: int) (rows: int) (cols: int) : Matrix<float> =
        let a = Array.zeroCreate (rows * cols)
        for i in 0 .. rows - 1 do
            for j in 0 .. cols - 1 do
                a.[j * rows + i] <- data.[offset + i * cols + j]
        Matrix<float>.Build.Dense(rows, cols, a)

    /// Writes m row-major into dst at offset.
    let write (m: Matrix<float>) (dst: float[]) (offset: int) =
        let rows, cols = m.RowCount, m.ColumnCount
        let a = m.ToColumnMajorArray()
        for i in 0 .. rows - 1 do
            for j in 0 .. cols - 1 do
                dst.[offset + i * cols + j] <- a.[j * rows + i]

    /// Parity (±1) of the row permutation of an LU factorization.
    let parity (p: MathNet.Numerics.Permutation) =
        let n = p.Dimension
        let seen = Array.zeroCreate n
        let mutable sign = 1.0
        for i in 0 .. n - 1 do
            if not seen.[i] then
                let mutable j = i
                let mutable length = 0
                while not seen.[j] do
                    seen.[j] <- true
                    j <- p.[j]
                    length <- length + 1
                if length % 2 = 0 then sign <- -sign
        sign

    /// The first zero on U's diagonal (1-based, as LAPACK's info), or 0 when none.
    let zeroPivot (lu: Factorization.LU<float>) =
        let u = lu.U
        let mutable k = 0
        let mutable i = 0
        while k = 0 && i < u.RowCount do
            if u.[i, i] = 0.0 then k <- i + 1
            i <- i + 1
        k

/// Small differentiable helpers the linalg functions and their derivative rules share: matrix
/// transpose, triangles and diagonals through constant masks, and the packing of multi-output
/// decompositions.
///
/// Packing: the Op union records one output per node, so QR, SVD and eigh are each one
/// primitive whose output holds all their results flattened along the last dim (QR: Q then R;
/// SVD: S, U, Vh; eigh: eigenvalues, eigenvectors), and the public functions return Narrow +
/// Reshape views of it. The views' own rules route the gradient of each result into the packed
/// tensor (zeros where a result is unused), where the decomposition's rule unpacks it the same
/// way. One node, one factorization, and no cache to keep in sync.
module internal LinalgOps =
    let mT (x: Tensor) = x.Transpose(-1, -2)

    /// A constant n×n matrix of x's dtype and device with entries f i j.
    let constant (n: int) (like: Tensor) (f: int -> int -> float) =
        let values = Array.init (n * n) (fun k -> f (k / n) (k % n))
        let t = Create.FromArray(values, [| n; n |], device = Nullable like.Device)
        if like.DType = DType.Float64 then t else Prim.Cast(t, like.DType)

    let eye (n: int) (like: Tensor) = constant n like (fun i j -> if i = j then 1.0 else 0.0)
    /// Entries on or below the k-th diagonal (square matrices).
    let tril (k: int) (x: Tensor) = let n = x.shape.[x.Dim - 1] in x * constant n x (fun i j -> if j <= i + k then 1.0 else 0.0)
    /// Entries on or above the k-th diagonal (square matrices).
    let triu (k: int) (x: Tensor) = let n = x.shape.[x.Dim - 1] in x * constant n x (fun i j -> if j >= i + k then 1.0 else 0.0)
    /// The lower triangle with its diagonal halved (Φ of the Cholesky rules).
    let phi (x: Tensor) = let n = x.shape.[x.Dim - 1] in x * constant n x (fun i j -> if j < i then 1.0 elif j = i then 0.5 else 0.0)
    /// The diagonal of square matrices: (…, n, n) → (…, n).
    let diagonal (x: Tensor) = (x * eye x.shape.[x.Dim - 1] x).Sum(-1)
    /// Diagonal matrices from vectors: (…, n) → (…, n, n).
    let diagEmbed (v: Tensor) = v.Unsqueeze(-1) * eye v.shape.[v.Dim - 1] v
    /// F_ij = 1/(λ_j − λ_i) from a vector λ (…, n), with 0 where λ_i = λ_j (the diagonal, and
    /// exact ties, whose terms cancel for any function that does not depend on the arbitrary
    /// basis of a repeated eigenspace).
    let gapInverse (lam: Tensor) =
        let diff = lam.Unsqueeze(-2) - lam.Unsqueeze(-1)
        let tie = diff.Eq 0.0
        tie.Where(Prim.Scalar(0.0, diff), 1.0 / tie.Where(Prim.Scalar(1.0, diff), diff))

    /// The parts (already shaped batch @ part shape) flattened and joined along the last dim.
    let pack (batch: int[]) (parts: Tensor list) =
        Join.Cat(parts |> List.map (fun (t: Tensor) -> t.Reshape(Array.append batch [| t.shape.[batch.Length ..] |> Array.fold (*) 1 |])) |> List.toArray, -1)

    /// Views of a packed tensor: the given (rows, cols) blocks in order (cols = 0 for a vector).
    let unpack (p: Tensor) (blocks: (int * int) list) =
        let batch = p.shape.[.. p.Dim - 2]
        let mutable start = 0
        [ for rows, cols in blocks ->
            let size = if cols = 0 then rows else rows * cols
            let part = p.Narrow(-1, start, size)
            start <- start + size
            if cols = 0 then part else part.Reshape(Array.append batch [| rows; cols |]) ]

    /// Q (m×k) and R (k×n) of a packed QR.
    let unpackQr (m: int) (n: int) (p: Tensor) =
        let k = min m n
        match unpack p [ m, k; k, n ] with
        | [ q; r ] -> q, r
        | _ -> failwith "unreachable"

    /// S (k), U (m×k) and Vh (k×n) of a packed SVD.
    let unpackSvd (m: int) (n: int) (p: Tensor) =
        let k = min m n
        match unpack p [ k, 0; m, k; k, n ] with
        | [ s; u; vh ] -> s, u, vh
        | _ -> failwith "unreachable"

    /// Eigenvalues (n) and eigenvectors (n×n) of a packed eigh.
    let unpackEigh (n: int) (p: Tensor) =
        match unpack p [ n, 0; n, n ] with
        | [ l; v ] -> l, v
        | _ -> failwith "unreachable"

    /// `t` recorded as a node whose backward refuses with `message` (results PyTorch computes
    /// but cannot differentiate, e.g. the complete QR of a tall matrix).
    let nonDifferentiable (name: string) (message: string) (inputs: Tensor[]) (t: Tensor) =
        let fn = { Name = name; Backward = fun _ -> raise (InvalidOperationException message) }
        Prim.Record(Custom fn, inputs, t.storage, t.shape, t.strides, t.offset)

/// torch.linalg: inverses, determinants, solves and decompositions of (batches of) matrices,
/// computed with MathNet.Numerics on the CPU, differentiable to any order through the
/// derivative table (Inv, Det, SlogDet, Solve, Cholesky, QR, SVD and eigh are primitives; the
/// norms, Pinv, MatrixRank and Lstsq are built from them). The leading dims are batch dims.
[<AbstractClass; Sealed>]
type Linalg =
    // ---- primitives ----

    /// The inverse of square matrices (…, n, n); LinAlgException for a singular one.
    static member Inv(a: Tensor) =
        LinalgCpu.checkSquare "linalg.inv" a
        let n = a.shape.[a.Dim - 1]
        let data = LinalgCpu.values a
        let out = Array.zeroCreate data.Length
        let count = if n = 0 then 0 else data.Length / (n * n)
        for b in 0 .. count - 1 do
            let lu = (LinalgCpu.read data (b * n * n) n n).LU()
            let k = LinalgCpu.zeroPivot lu
            if k > 0 then
                raise (LinAlgException(sprintf "linalg.inv: %sThe diagonal element %d is zero, the inversion could not be completed because the input matrix is singular." (LinalgCpu.prefix (a.Dim > 2) b) k))
            LinalgCpu.write (lu.Inverse()) out (b * n * n)
        Prim.Result(LinalgInv, [| a |], LinalgCpu.storage a out, a.Shape)

    /// The determinant of square matrices: (…, n, n) → (…).
    static member Det(a: Tensor) =
        LinalgCpu.checkSquare "linalg.det" a
        let n = a.shape.[a.Dim - 1]
        let batch = LinalgCpu.batchShape a
        let data = LinalgCpu.values a
        let out = Array.init (Shape.count batch) (fun b -> if n = 0 then 1.0 else (LinalgCpu.read data (b * n * n) n n).Determinant())
        Prim.Result(LinalgDet, [| a |], LinalgCpu.storage a out, batch)

    /// The sign and the log of the absolute value of the determinant (stable where det itself
    /// would overflow); sign 0 and log |det| = −∞ for a singular matrix.
    static member SlogDet(a: Tensor) =
        LinalgCpu.checkSquare "linalg.slogdet" a
        let n = a.shape.[a.Dim - 1]
        let batch = LinalgCpu.batchShape a
        let data = LinalgCpu.values a
        let count = Shape.count batch
        let signs, logs = Array.create count 1.0, Array.zeroCreate count
        if n > 0 then
            for b in 0 .. count - 1 do
                let lu = (LinalgCpu.read data (b * n * n) n n).LU()
                let mutable sign = LinalgCpu.parity lu.P
                let mutable log = 0.0
                for i in 0 .. n - 1 do
                    let d = lu.U.[i, i]
                    sign <- sign * float (Math.Sign d)
                    log <- log + Math.Log(abs d)
                signs.[b] <- sign
                logs.[b] <- log
        { Sign = LinalgCpu.plain a signs batch
          LogAbsDet = Prim.Result(LinalgSlogDet, [| a |], LinalgCpu.storage a logs, batch) }

    /// X with A·X = B (left) or X·A = B (left = false): A (…, n, n); B (…, n, k), or (…, n)
    /// (or (n)) for a batch of vectors; batch dims broadcast.
    static member Solve(a: Tensor, b: Tensor, [<Optional; DefaultParameterValue(true)>] left: bool) =
        let name = "linalg.solve"
        LinalgCpu.checkSquare name a
        LinalgCpu.checkFloating name b
        if a.DType <> b.DType then
            Prim.Fail(sprintf "%s: Expected A and B to have the same dtype, but found A of type %s and B of type %s instead" name (LinalgCpu.scalarTypeName a.DType) (LinalgCpu.scalarTypeName b.DType))
        Prim.SameDevice(name, [| a; b |])
        if not left then
            if b.Dim < 2 then Prim.Fail(sprintf "%s: Vector broadcasting of the left hand side is not supported for left=False. In this case linalg.solve is equivalent to B / A.squeeze(-1)" name)
            LinalgOps.mT (Linalg.SolveLeft(LinalgOps.mT a, LinalgOps.mT b))
        else Linalg.SolveLeft(a, b)

    static member private SolveLeft(a: Tensor, b: Tensor) =
        let name = "linalg.solve"
        let n = a.shape.[a.Dim - 1]
        let vector = b.Dim = 1 || (b.Dim = a.Dim - 1 && b.shape = a.shape.[.. a.Dim - 2])
        let b2 = if vector then b.Unsqueeze(-1) else b
        if b2.shape.[b2.Dim - 2] <> n then
            Prim.Fail(sprintf "%s: Incompatible shapes of A and B for the equation AX = B (%dx%d and %dx%d)" name n n b2.shape.[b2.Dim - 2] b2.shape.[b2.Dim - 1])
        let k = b2.shape.[b2.Dim - 1]
        let batch = Shape.broadcast name (LinalgCpu.batchShape a) (LinalgCpu.batchShape b2)
        let ae = a.Expand(Array.append batch [| n; n |])
        let be = b2.Expand(Array.append batch [| n; k |])
        let da, db = LinalgCpu.values ae, LinalgCpu.values be
        let out = Array.zeroCreate db.Length
        if n > 0 && k > 0 then
            for i in 0 .. Shape.count batch - 1 do
                let lu = (LinalgCpu.read da (i * n * n) n n).LU()
                if LinalgCpu.zeroPivot lu > 0 then
                    raise (LinAlgException(sprintf "%s: %sThe solver failed because the input matrix is singular." name (LinalgCpu.prefix (batch.Length > 0) i)))
                LinalgCpu.write (lu.Solve(LinalgCpu.read db (i * n * k) n k)) out (i * n * k)
        let x = Prim.Result(LinalgSolve, [| ae; be |], LinalgCpu.storage a out, Array.append batch [| n; k |])
        if vector then x.Squeeze(-1) else x

    /// The Cholesky factor of symmetric positive-definite matrices, computed from the lower
    /// triangle: A = L·Lᵀ with L lower triangular (or U = Lᵀ with upper = true). The gradient is
    /// the symmetric one (as PyTorch), for inputs that are symmetric by construction.
    static member Cholesky(a: Tensor, [<Optional; DefaultParameterValue(false)>] upper: bool) =
        let struct (l, info) = Linalg.CholeskyEx(a, upper, true)
        ignore info
        l

    /// Cholesky without raising: (factor, info) where info (Int32, batch shape) is 0 on success
    /// or the order of the leading minor that is not positive-definite (the factor is then
    /// undefined). With checkErrors it raises as Cholesky does.
    static member CholeskyEx(a: Tensor, [<Optional; DefaultParameterValue(false)>] upper: bool, [<Optional; DefaultParameterValue(false)>] checkErrors: bool) =
        let name = "linalg.cholesky"
        LinalgCpu.checkSquare name a
        let n = a.shape.[a.Dim - 1]
        let batch = LinalgCpu.batchShape a
        let data = LinalgCpu.values a
        let out = Array.zeroCreate data.Length
        let infos = Array.zeroCreate (Shape.count batch)
        if n > 0 then
            for b in 0 .. infos.Length - 1 do
                let m = LinalgCpu.read data (b * n * n) n n
                let factor = try Some(m.Cholesky().Factor) with :? ArgumentException -> None
                match factor with
                | Some l -> LinalgCpu.write l out (b * n * n)
                | None ->
                    // The first leading minor that fails, as LAPACK's info reports it.
                    let failing =
                        seq { 1 .. n } |> Seq.tryFind (fun k ->
                            try m.SubMatrix(0, k, 0, k).Cholesky() |> ignore; false with :? ArgumentException -> true)
                    let order = defaultArg failing n
                    infos.[b] <- order
                    if checkErrors then
                        raise (LinAlgException(sprintf "%s: %sThe factorization could not be completed because the input is not positive-definite (the leading minor of order %d is not positive-definite)." name (LinalgCpu.prefix (batch.Length > 0) b) order))
                    for k in 0 .. n * n - 1 do out.[b * n * n + k] <- nan
        let l = Prim.Result(LinalgCholesky, [| a |], LinalgCpu.storage a out, a.Shape)
        let info = Prim.Plain(a.backend.FromArray(infos), batch)
        struct ((if upper then LinalgOps.mT l else l), info)

    /// The QR decomposition A = Q·R. mode "reduced" (default): Q (…, m, k), R (…, k, n) with
    /// k = min(m, n); "complete": Q (…, m, m), R (…, m, n) (not differentiable when m > n);
    /// "r": R only (Q is empty).
    static member Qr(a: Tensor, [<Optional; DefaultParameterValue("reduced")>] mode: string) =
        let name = "linalg.qr"
        LinalgCpu.checkMatrix name a
        if mode <> "reduced" && mode <> "complete" && mode <> "r" then
            Prim.Fail(sprintf "%s: qr received unrecognized mode '%s' but expected one of 'reduced' (default), 'r', or 'complete'" name mode)
        if mode = "complete" && a.shape.[a.Dim - 2] > a.shape.[a.Dim - 1] then Linalg.QrComplete a else Linalg.QrReduced(a, mode)

    /// The complete QR of a tall matrix: computed, but (as in PyTorch) not differentiable.
    static member private QrComplete(a: Tensor) =
        let m, n = a.shape.[a.Dim - 2], a.shape.[a.Dim - 1]
        let batch = LinalgCpu.batchShape a
        let count = Shape.count batch
        let data = LinalgCpu.values a
        let qs, rs = Array.zeroCreate (count * m * m), Array.zeroCreate (count * m * n)
        for b in 0 .. count - 1 do
            let qr = (LinalgCpu.read data (b * m * n) m n).QR(Factorization.QRMethod.Full)
            LinalgCpu.write qr.Q qs (b * m * m)
            LinalgCpu.write (qr.R.UpperTriangle()) rs (b * m * n)
        let message = "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
        { Q = LinalgOps.nonDifferentiable "LinalgQr" message [| a |] (LinalgCpu.plain a qs (Array.append batch [| m; m |]))
          R = LinalgOps.nonDifferentiable "LinalgQr" message [| a |] (LinalgCpu.plain a rs (Array.append batch [| m; n |])) }

    static member private QrReduced(a: Tensor, mode: string) =
        let m, n = a.shape.[a.Dim - 2], a.shape.[a.Dim - 1]
        let batch = LinalgCpu.batchShape a
        let count = Shape.count batch
        let data = LinalgCpu.values a
        let k = min m n
        let size = m * k + k * n
        let out = Array.zeroCreate (count * size)
        if k > 0 then
            for b in 0 .. count - 1 do
                let full = LinalgCpu.read data (b * m * n) m n
                // MathNet factors tall matrices only: for m < n, A = Q·[R₁ | Qᵀ·A₂] with A₁ = Q·R₁
                // the QR of the leading m×m block (the same Q Householder gives for all of A).
                let qr = (if m >= n then full else full.SubMatrix(0, m, 0, m)).QR(Factorization.QRMethod.Thin)
                let r = if m >= n then qr.R.UpperTriangle() else qr.R.UpperTriangle().Append(qr.Q.TransposeThisAndMultiply(full.SubMatrix(0, m, m, n - m)))
                LinalgCpu.write qr.Q out (b * size)
                LinalgCpu.write r out (b * size + m * k)
        let packed = Prim.Result(LinalgQr, [| a |], LinalgCpu.storage a out, Array.append batch [| size |])
        let q, r = LinalgOps.unpackQr m n packed
        if mode = "r" then { Q = Prim.Plain(a.backend.Full(a.DType, 0, 0.0), [| 0 |]); R = r } else { Q = q; R = r }

    /// The singular value decomposition A = U·diag(S)·Vh, singular values descending. Reduced
    /// by default (U (…, m, k), Vh (…, k, n), k = min(m, n)) — PyTorch defaults to full
    /// matrices; fullMatrices gives U (…, m, m) and Vh (…, n, n), differentiable only when m = n.
    /// Gradients through U and Vh need distinct singular values (and nonzero ones when m ≠ n).
    static member Svd(a: Tensor, [<Optional; DefaultParameterValue(false)>] fullMatrices: bool) =
        let name = "linalg.svd"
        LinalgCpu.checkMatrix name a
        let m, n = a.shape.[a.Dim - 2], a.shape.[a.Dim - 1]
        let k = min m n
        let batch = LinalgCpu.batchShape a
        let count = Shape.count batch
        let data = LinalgCpu.values a
        let full = fullMatrices && m <> n
        let ucols, vrows = (if full then m else k), (if full then n else k)
        let size = k + m * ucols + vrows * n
        let out = Array.zeroCreate (count * size)
        if k > 0 then
            for b in 0 .. count - 1 do
                let svd = (LinalgCpu.read data (b * m * n) m n).Svd(true)
                let s = svd.S.ToArray()
                Array.blit s 0 out (b * size) k
                LinalgCpu.write (svd.U.SubMatrix(0, m, 0, ucols)) out (b * size + k)
                LinalgCpu.write (svd.VT.SubMatrix(0, vrows, 0, n)) out (b * size + k + m * ucols)
        if full then
            let packed = LinalgCpu.plain a out (Array.append batch [| size |])
            let packed = LinalgOps.nonDifferentiable "LinalgSvd" "linalg.svd: The derivative of linalg.svd is not implemented when fullMatrices is true and m != n; use fullMatrices: false" [| a |] packed
            match LinalgOps.unpack packed [ k, 0; m, ucols; vrows, n ] with
            | [ s; u; vh ] -> { U = u; S = s; Vh = vh }
            | _ -> failwith "unreachable"
        else
            let packed = Prim.Result(LinalgSvd, [| a |], LinalgCpu.storage a out, Array.append batch [| size |])
            let s, u, vh = LinalgOps.unpackSvd m n packed
            { U = u; S = s; Vh = vh }

    /// The singular values (descending) alone; differentiable for any singular values.
    static member Svdvals(a: Tensor) = (Linalg.Svd a).S

    /// Eigenvalues (ascending) and orthonormal eigenvectors (columns) of symmetric matrices,
    /// computed from the lower triangle (uplo "L") or the upper one ("U"). Gradients through
    /// the eigenvectors need distinct eigenvalues; the gradient is the symmetric one.
    static member Eigh(a: Tensor, [<Optional; DefaultParameterValue("L")>] uplo: string) =
        let name = "linalg.eigh"
        LinalgCpu.checkSquare name a
        if uplo <> "L" && uplo <> "U" then Prim.Fail(sprintf "%s: Expected UPLO argument to be 'L' or 'U', but got %s" name uplo)
        let n = a.shape.[a.Dim - 1]
        let batch = LinalgCpu.batchShape a
        let count = Shape.count batch
        let data = LinalgCpu.values a
        let size = n + n * n
        let out = Array.zeroCreate (count * size)
        if n > 0 then
            for b in 0 .. count - 1 do
                let at i j = data.[b * n * n + i * n + j]
                let sym = Matrix<float>.Build.Dense(n, n, fun i j ->
                    if uplo = "L" then at (max i j) (min i j) else at (min i j) (max i j))
                let evd = sym.Evd(Symmetricity.Symmetric)
                let values = evd.EigenValues.ToArray() |> Array.map (fun c -> c.Real)
                let order = Array.init n id |> Array.sortBy (fun i -> struct (values.[i], i))
                let vectors = evd.EigenVectors
                for j in 0 .. n - 1 do
                    out.[b * size + j] <- values.[order.[j]]
                    for i in 0 .. n - 1 do
                        out.[b * size + n + i * n + j] <- vectors.[i, order.[j]]
        let packed = Prim.Result(LinalgEigh, [| a |], LinalgCpu.storage a out, Array.append batch [| size |])
        let l, v = LinalgOps.unpackEigh n packed
        { Eigenvalues = l; Eigenvectors = v }

    /// The eigenvalues (ascending) of symmetric matrices; differentiable for any eigenvalues.
    static member Eigvalsh(a: Tensor, [<Optional; DefaultParameterValue("L")>] uplo: string) = (Linalg.Eigh(a, uplo)).Eigenvalues

    // ---- built from the primitives ----

    /// The diagonal of the last two dims (offset > 0 above the main diagonal, < 0 below).
    static member Diagonal(a: Tensor, [<Optional; DefaultParameterValue(0)>] offset: int) =
        if a.Dim < 2 then Prim.Fail(sprintf "linalg.diagonal: expected a tensor with at least 2 dimensions, got %d" a.Dim)
        let m, n = a.shape.[a.Dim - 2], a.shape.[a.Dim - 1]
        let rows = if offset >= 0 then m else m + offset
        let cols = if offset >= 0 then n - offset else n
        let k = max 0 (min rows cols)
        let shifted = if offset >= 0 then a.Narrow(-1, min offset n, k) else a.Narrow(-2, min -offset m, k)
        let square = (if offset >= 0 then shifted.Narrow(-2, 0, k) else shifted.Narrow(-1, 0, k))
        if k = 0 then Prim.Plain(a.backend.Full(a.DType, 0, 0.0), Array.append (LinalgCpu.batchShape a) [| 0 |])
        else LinalgOps.diagonal square

    /// ∂det/∂A, the cofactor matrix: det·A⁻ᵀ when every matrix is invertible, else through the
    /// SVD, det(U)·det(V)·U·diag(Πⱼ≠ᵢ sⱼ)·Vᵀ, which holds for singular matrices too.
    static member internal DetGradient(a: Tensor, det: Tensor) =
        let singular = GradMode.noGrad (fun () -> (LinalgCpu.values det) |> Array.exists (fun d -> d = 0.0))
        if not singular then det.Unsqueeze(-1).Unsqueeze(-1) * LinalgOps.mT (Linalg.Inv a)
        else
            let svd = Linalg.Svd a
            let n = a.shape.[a.Dim - 1]
            let sign = GradMode.noGrad (fun () -> Linalg.Det(svd.U.Detach()) * Linalg.Det(svd.Vh.Detach()))
            let others =
                Join.Stack([| for i in 0 .. n - 1 ->
                                let parts = [| if i > 0 then yield svd.S.Narrow(-1, 0, i)
                                               if i < n - 1 then yield svd.S.Narrow(-1, i + 1, n - 1 - i) |]
                                if parts.Length = 0 then Create.FullLike(svd.S.Narrow(-1, 0, 1), 1.0).Squeeze(-1)
                                else Join.Cat(parts, -1).Prod(-1) |], -1)
            sign.Unsqueeze(-1).Unsqueeze(-1) * svd.U.MatMul(LinalgOps.diagEmbed others).MatMul(svd.Vh)

    /// Vector norms over dims (all when null): ord 2 (default), any p > 0, 1, ∞ (max |x|),
    /// −∞ (min |x|), 0 (count of nonzeros). The gradient at the zero vector is 0.
    static member VectorNorm(x: Tensor, [<Optional; DefaultParameterValue(2.0)>] ord: float,
                             [<Optional; DefaultParameterValue(null: int[])>] dims: int[],
                             [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        LinalgCpu.checkFloating "linalg.vector_norm" x
        let dims = if isNull dims || dims.Length = 0 then Array.init x.Dim id else Shape.normDims "linalg.vector_norm" x.Dim dims
        let reduce (t: Tensor) = if dims.Length = 0 then t else t.Sum(dims, keepdim)
        /// s^(1/p) with gradient 0 (not ∞) where s = 0.
        let root (p: float) (s: Tensor) =
            let zero = s.Eq 0.0
            let safe = zero.Where(Prim.Scalar(1.0, s), s)
            zero.Where(Prim.Scalar(0.0, s), (if p = 2.0 then safe.Sqrt() else safe.Pow(1.0 / p)))
        if Double.IsPositiveInfinity ord then (if dims.Length = 0 then x.Abs() else x.Abs().Amax(dims, keepdim))
        elif Double.IsNegativeInfinity ord then (if dims.Length = 0 then x.Abs() else -((-(x.Abs())).Amax(dims, keepdim)))
        elif ord = 0.0 then reduce (x.Ne(0.0).To x.DType)
        elif ord = 1.0 then reduce (x.Abs())
        elif ord = 2.0 then root 2.0 (reduce (x * x))
        elif ord > 0.0 then root ord (reduce (x.Abs().Pow ord))
        else Prim.Fail(sprintf "linalg.vector_norm: ord must be positive, 0 or ±inf, got %g" ord)

    /// Moves the two matrix dims to the end (for norms over other dims) and back for keepdim.
    static member private MatrixDims(name: string, a: Tensor, dims: int[]) =
        if a.Dim < 2 then Prim.Fail(sprintf "%s: The input tensor A must have at least 2 dimensions." name)
        let dims = if isNull dims then [| -2; -1 |] else dims
        if dims.Length <> 2 then Prim.Fail(sprintf "%s: dim must be a 2-tuple. Got %s" name (Shape.show dims))
        let d0, d1 = Shape.normDim name a.Dim dims.[0], Shape.normDim name a.Dim dims.[1]
        if d0 = d1 then Prim.Fail(sprintf "%s: dims must be different. Got (%d, %d)" name d0 d1)
        let rest = [| for i in 0 .. a.Dim - 1 do if i <> d0 && i <> d1 then yield i |]
        a.Permute(Array.append rest [| d0; d1 |]), (min d0 d1, max d0 d1)

    static member private KeepDims(r: Tensor, (lo: int, hi: int), keepdim: bool) =
        if keepdim then r.Unsqueeze(lo).Unsqueeze(hi) else r

    /// Matrix norms of the last two dims (or `dims`): ord "fro" (default) or "nuc".
    static member MatrixNorm(a: Tensor, [<Optional; DefaultParameterValue("fro")>] ord: string,
                             [<Optional; DefaultParameterValue(null: int[])>] dims: int[],
                             [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        let name = "linalg.matrix_norm"
        LinalgCpu.checkFloating name a
        let moved, where = Linalg.MatrixDims(name, a, dims)
        let r =
            match ord with
            | "fro" -> Linalg.VectorNorm(moved, 2.0, [| -2; -1 |])
            | "nuc" -> (Linalg.Svdvals moved).Sum(-1)
            | other -> Prim.Fail(sprintf "%s: Order %s not supported." name other)
        Linalg.KeepDims(r, where, keepdim)

    /// Matrix norms of the last two dims (or `dims`): ord 1 / −1 (max / min column sum of |a|),
    /// ∞ / −∞ (max / min row sum), 2 / −2 (largest / smallest singular value).
    static member MatrixNorm(a: Tensor, ord: float,
                             [<Optional; DefaultParameterValue(null: int[])>] dims: int[],
                             [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        let name = "linalg.matrix_norm"
        LinalgCpu.checkFloating name a
        let moved, where = Linalg.MatrixDims(name, a, dims)
        let maxOrMin (isMax: bool) (t: Tensor) = if isMax then t.Amax([| -1 |]) else -((-t).Amax([| -1 |]))
        let r =
            if abs ord = 1.0 then maxOrMin (ord > 0.0) (moved.Abs().Sum(-2))
            elif Double.IsInfinity ord then maxOrMin (ord > 0.0) (moved.Abs().Sum(-1))
            elif ord = 2.0 then (Linalg.Svdvals moved).Select(-1, 0)
            elif ord = -2.0 then let s = Linalg.Svdvals moved in s.Select(-1, s.shape.[s.Dim - 1] - 1)
            else Prim.Fail(sprintf "%s: Order %g not supported." name ord)
        Linalg.KeepDims(r, where, keepdim)

    /// The 2-norm of all elements (PyTorch's linalg.norm with no ord and no dim).
    static member Norm(x: Tensor) = Linalg.VectorNorm(x, 2.0)

    /// linalg.norm with a numeric ord: a vector norm over one dim (or of a 1-D x), a matrix
    /// norm over two dims (or of a 2-D x).
    static member Norm(x: Tensor, ord: float, [<Optional; DefaultParameterValue(null: int[])>] dims: int[], [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        let rank = if isNull dims then x.Dim else dims.Length
        match rank with
        | 1 -> Linalg.VectorNorm(x, ord, dims, keepdim)
        | 2 -> Linalg.MatrixNorm(x, ord, dims, keepdim)
        | _ -> Prim.Fail(sprintf "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got %dD." x.Dim)

    /// linalg.norm with a matrix ord ("fro", "nuc") over two dims (or of a 2-D x).
    static member Norm(x: Tensor, ord: string, [<Optional; DefaultParameterValue(null: int[])>] dims: int[], [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        if isNull dims && x.Dim <> 2 then Prim.Fail(sprintf "linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got %dD." x.Dim)
        Linalg.MatrixNorm(x, ord, dims, keepdim)

    /// The singular-value cutoff max(atol, rtol·σ₁) per matrix, with PyTorch's defaults
    /// (rtol = eps·max(m, n) when neither is given; rtol = 0 when only atol is).
    static member private Tolerance(a: Tensor, s: Tensor, atol: Nullable<float>, rtol: Nullable<float>) =
        let m, n = a.shape.[a.Dim - 2], a.shape.[a.Dim - 1]
        let eps = if a.DType = DType.Float32 then 1.1920928955078125e-07 else 2.220446049250313e-16
        let rtol = if rtol.HasValue then rtol.Value elif atol.HasValue && atol.Value > 0.0 then 0.0 else eps * float (max m n)
        let atol = if atol.HasValue then atol.Value else 0.0
        let smax = if s.shape.[s.Dim - 1] = 0 then Create.FullLike(s.Sum(-1, true), 0.0) else s.Abs().Amax([| -1 |], true)
        (smax * rtol).Maximum(Prim.Scalar(atol, smax))

    /// The numerical rank (Int64, batch shape): the singular values (|eigenvalues| when
    /// hermitian) above max(atol, rtol·σ₁).
    static member MatrixRank(a: Tensor, [<Optional; DefaultParameterValue(Nullable<float>())>] atol: Nullable<float>,
                             [<Optional; DefaultParameterValue(Nullable<float>())>] rtol: Nullable<float>,
                             [<Optional; DefaultParameterValue(false)>] hermitian: bool) =
        LinalgCpu.checkMatrix "linalg.matrix_rank" a
        GradMode.noGrad (fun () ->
            let a = a.Detach()
            let s = if hermitian then (Linalg.Eigvalsh a).Abs() else Linalg.Svdvals a
            s.Gt(Linalg.Tolerance(a, s, atol, rtol)).Long().Sum(-1))

    /// The Moore–Penrose pseudo-inverse through the SVD (eigh when hermitian), dropping singular
    /// values at or below max(atol, rtol·σ₁); differentiable where the SVD is.
    static member Pinv(a: Tensor, [<Optional; DefaultParameterValue(Nullable<float>())>] atol: Nullable<float>,
                       [<Optional; DefaultParameterValue(Nullable<float>())>] rtol: Nullable<float>,
                       [<Optional; DefaultParameterValue(false)>] hermitian: bool) =
        LinalgCpu.checkMatrix "linalg.pinv" a
        let invertKept (s: Tensor) (cut: Tensor) =
            let keep = s.Abs().Gt(cut)
            keep.Where(1.0 / keep.Where(s, Prim.Scalar(1.0, s)), Prim.Scalar(0.0, s))
        if hermitian then
            let e = Linalg.Eigh a
            let inv = invertKept e.Eigenvalues (GradMode.noGrad (fun () -> Linalg.Tolerance(a, e.Eigenvalues.Detach(), atol, rtol)))
            e.Eigenvectors.MatMul(inv.Unsqueeze(-1) * LinalgOps.mT e.Eigenvectors)
        else
            let svd = Linalg.Svd a
            let inv = invertKept svd.S (GradMode.noGrad (fun () -> Linalg.Tolerance(a, svd.S.Detach(), atol, rtol)))
            LinalgOps.mT(svd.Vh).MatMul(inv.Unsqueeze(-1) * LinalgOps.mT svd.U)

    /// The least-squares solution of A·X ≈ B (minimum-norm when underdetermined): A (…, m, n),
    /// B (…, m, k) or (…, m); batch dims broadcast. Full-rank matrices go through QR (of A, or of
    /// Aᵀ when m < n), rank-deficient ones through the pseudo-inverse with cutoff rcond (as
    /// LAPACK's gelsd); both are differentiable. driver: "gelsy" (default), "gels", "gelsd",
    /// "gelss" — it only decides whether singular values are returned (gelsd, gelss).
    static member Lstsq(a: Tensor, b: Tensor, [<Optional; DefaultParameterValue(Nullable<float>())>] rcond: Nullable<float>,
                        [<Optional; DefaultParameterValue(null: string)>] driver: string) =
        let name = "linalg.lstsq"
        LinalgCpu.checkMatrix name a
        LinalgCpu.checkFloating name b
        if a.DType <> b.DType then
            Prim.Fail(sprintf "%s: Expected input and other to have the same dtype, but got input's dtype %s and other's dtype %s" name (LinalgCpu.scalarTypeName a.DType) (LinalgCpu.scalarTypeName b.DType))
        let driver = if isNull driver then "gelsy" else driver
        if not (List.contains driver [ "gels"; "gelsy"; "gelsd"; "gelss" ]) then
            Prim.Fail(sprintf "%s: parameter `driver` should be one of (gels, gelsy, gelsd, gelss), got %s" name driver)
        let m, n = a.shape.[a.Dim - 2], a.shape.[a.Dim - 1]
        let vector = b.Dim = a.Dim - 1 && b.Dim >= 1 && b.shape.[b.Dim - 1] = m && (b.Dim = 1 || b.shape.[.. b.Dim - 2] = a.shape.[.. a.Dim - 3])
        let b2 = if vector then b.Unsqueeze(-1) else b
        if b2.Dim < 2 || b2.shape.[b2.Dim - 2] <> m then
            Prim.Fail(sprintf "%s: input.size(-2) should match other.size(-2) (A is %s, B is %s)" name (Shape.show a.shape) (Shape.show b.shape))
        let k = b2.shape.[b2.Dim - 1]
        let batch = Shape.broadcast name (LinalgCpu.batchShape a) (LinalgCpu.batchShape b2)
        let a = a.Expand(Array.append batch [| m; n |])
        let b2 = b2.Expand(Array.append batch [| m; k |])
        let rank = Linalg.MatrixRank(a, Nullable(), rcond)
        let fullRank = GradMode.noGrad (fun () -> rank.ToArray<int64>() |> Array.forall (fun r -> r = int64 (min m n)))
        let x =
            if fullRank && m >= n then
                let qr = Linalg.Qr a
                Linalg.Solve(qr.R, LinalgOps.mT(qr.Q).MatMul b2)
            elif fullRank then
                let qr = Linalg.Qr(LinalgOps.mT a)      // Aᵀ = QR, so A = Rᵀ·Qᵀ
                qr.Q.MatMul(Linalg.Solve(LinalgOps.mT qr.R, b2))
            else Linalg.Pinv(a, Nullable(), rcond).MatMul b2
        let residuals =
            if fullRank && m > n then
                let r = a.MatMul(x) - b2
                (r * r).Sum(-2)
            else Prim.Plain(a.backend.Full(a.DType, 0, 0.0), [| 0 |])
        let singular =
            if driver = "gelsd" || driver = "gelss" then GradMode.noGrad (fun () -> Linalg.Svdvals(a.Detach()))
            else Prim.Plain(a.backend.Full(a.DType, 0, 0.0), [| 0 |])
        { Solution = (if vector then x.Squeeze(-1) else x)
          Residuals = (if vector && residuals.NumEl > 0 then residuals.Squeeze(-1) else residuals)
          Rank = rank
          SingularValues = singular }

/// torch.linalg for F#: `linalg.inv a`, `linalg.qr a`, ...
/// x.Norm(), as torch.norm and Tensor.norm: a vector norm (Linalg.VectorNorm).
[<System.Runtime.CompilerServices.Extension; AbstractClass; Sealed>]
type NormExtensions =
    /// The p-norm over dims (all when none): x.Norm(), x.Norm(1), x.Norm(2, [1], keepdim: true).
    [<System.Runtime.CompilerServices.Extension>]
    static member Norm(x: Tensor, [<Optional; DefaultParameterValue(2.0)>] p: float,
                       [<Optional; DefaultParameterValue(null: int[])>] dims: int[],
                       [<Optional; DefaultParameterValue(false)>] keepdim: bool) =
        Linalg.VectorNorm(x, p, dims, keepdim)

[<RequireQualifiedAccess>]
module linalg =
    let inv (a: Tensor) = Linalg.Inv a
    let det (a: Tensor) = Linalg.Det a
    let slogdet (a: Tensor) = Linalg.SlogDet a
    /// X with A·X = B.
    let solve (a: Tensor) (b: Tensor) = Linalg.Solve(a, b)
    let cholesky (a: Tensor) = Linalg.Cholesky a
    let qr (a: Tensor) = Linalg.Qr a
    /// The reduced SVD.
    let svd (a: Tensor) = Linalg.Svd a
    let svdvals (a: Tensor) = Linalg.Svdvals a
    let eigh (a: Tensor) = Linalg.Eigh a
    let eigvalsh (a: Tensor) = Linalg.Eigvalsh a
    let diagonal (a: Tensor) = Linalg.Diagonal a
    /// The 2-norm of all elements.
    let norm (x: Tensor) = Linalg.Norm x
    let vectorNorm (ord: float) (dims: int list) (x: Tensor) = Linalg.VectorNorm(x, ord, List.toArray dims)
    let matrixNorm (ord: string) (a: Tensor) = Linalg.MatrixNorm(a, ord)
    let matrixRank (a: Tensor) = Linalg.MatrixRank a
    let pinv (a: Tensor) = Linalg.Pinv a
    let lstsq (a: Tensor) (b: Tensor) = Linalg.Lstsq(a, b)
