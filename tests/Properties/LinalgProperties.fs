/// torch.linalg and the special functions: every decomposition against an independent check
/// (products, orthogonality, the singular values and eigenvalues the matrix was built from) on
/// generated well-conditioned batched matrices, and every derivative rule against finite
/// differences, first and second order.
module Hybrid.Properties.LinalgProperties

open System
open Expecto
open FsCheck
open FsCheck.FSharp
open Hybrid
open Hybrid.Testing
open Hybrid.Properties.Case
open Hybrid.Properties.OpTable

let private config = { FsCheckConfig.defaultConfig with maxTest = cases }

// ---- generated matrices with known structure ----

/// Row-major n×k times k×m.
let private mul (a: float[]) (b: float[]) (n: int) (k: int) (m: int) =
    Array.init (n * m) (fun idx ->
        let i, j = idx / m, idx % m
        let mutable s = 0.0
        for p in 0 .. k - 1 do s <- s + a.[i * k + p] * b.[p * m + j]
        s)

let private transpose (a: float[]) (n: int) (m: int) = Array.init (n * m) (fun idx -> let i, j = idx / n, idx % n in a.[j * m + i])

/// An n×n orthogonal matrix, a product of Householder reflections I − 2vvᵀ/vᵀv, and its
/// determinant (−1 per reflection).
let private orthogonal (n: int) : Gen<float[] * float> =
    gen {
        let! count = Gen.choose (1, max 1 n)
        let! vs = Gen.arrayOfLength count (Gen.arrayOfLength n (Gens.valueIn -1.0 1.0 [] 0.0))
        let mutable q = Array.init (n * n) (fun k -> if k / n = k % n then 1.0 else 0.0)
        let mutable det = 1.0
        for v in vs do
            let vv = v |> Array.sumBy (fun x -> x * x)
            if vv > 0.05 then
                let h = Array.init (n * n) (fun k -> (if k / n = k % n then 1.0 else 0.0) - 2.0 * v.[k / n] * v.[k % n] / vv)
                q <- mul q h n n n
                det <- -det
        return q, det
    }

/// k distinct values in [lo, hi], at least 0.15 apart, in random order.
let private distinctValues (k: int) (lo: float) (hi: float) : Gen<float[]> =
    gen {
        let slots = int ((hi - lo) / 0.2) + 1
        let! keys = Gen.arrayOfLength slots (Gen.choose (0, 1_000_000))
        let! jitter = Gen.arrayOfLength k (Gens.valueIn 0.0 0.05 [] 0.0)
        let order = keys |> Array.mapi (fun i key -> key, i) |> Array.sort |> Array.map snd
        return Array.init k (fun i -> lo + 0.2 * float order.[i] + jitter.[i] |> min hi)
    }

/// A generated batch: the float64 tensor, and per matrix its singular values (or eigenvalues)
/// in descending order and the sign of its determinant (square matrices).
type Built = { A: Tensor; Values: float[][]; DetSign: float[] }

let private stackBuilt (batch: int[]) (rows: int) (cols: int) (parts: (float[] * float[] * float)[]) =
    let data = parts |> Array.collect (fun (a, _, _) -> a)
    { A = Create.FromArray(data, Array.append batch [| rows; cols |])
      Values = parts |> Array.map (fun (_, s, _) -> s |> Array.sortDescending)
      DetSign = parts |> Array.map (fun (_, _, d) -> d) }

/// U·diag(s)·Vᵀ with random orthogonal U (m×m), V (n×n) and distinct singular values s in
/// [lo, hi] (condition number ≤ hi/lo).
let private withSingularValues (batch: int[]) (m: int) (n: int) (lo: float) (hi: float) : Gen<Built> =
    let k = min m n
    let one =
        gen {
            let! u, du = orthogonal m
            let! v, dv = orthogonal n
            let! s = distinctValues k lo hi
            let us = Array.init (m * n) (fun idx -> let i, j = idx / n, idx % n in if j < k then u.[i * m + j] * s.[j] else 0.0)
            return mul us (transpose v n n) m n n, s, du * dv
        }
    Gen.arrayOfLength (Shape.count batch) one |> Gen.map (stackBuilt batch m n)

/// Q·diag(λ)·Qᵀ with distinct λ in [lo, hi] (symmetric; positive-definite when lo > 0).
let private symmetric (batch: int[]) (n: int) (lo: float) (hi: float) : Gen<Built> =
    let one =
        gen {
            let! q, _ = orthogonal n
            let! l = distinctValues n lo hi
            let ql = Array.init (n * n) (fun idx -> q.[idx] * l.[idx % n])
            let a = mul ql (transpose q n n) n n n
            // Exactly symmetric (the product rounds the two triangles differently).
            let a = Array.init (n * n) (fun idx -> let i, j = idx / n, idx % n in 0.5 * (a.[i * n + j] + a.[j * n + i]))
            return a, l, (if Array.forall (fun x -> x > 0.0) l then 1.0 else float (Math.Sign(Array.fold (*) 1.0 l)))
        }
    Gen.arrayOfLength (Shape.count batch) one |> Gen.map (stackBuilt batch n n)

let private batchGen = Gen.elements [ [||]; [| 2 |]; [| 2; 1 |] ]
let private square lo hi = gen { let! b = batchGen in let! n = Gens.dim 1 4 in return! withSingularValues b n n lo hi }
let private rect lo hi = gen { let! b = batchGen in let! m, n = Gen.zip (Gens.dim 1 4) (Gens.dim 1 4) in return! withSingularValues b m n lo hi }
let private spd = gen { let! b = batchGen in let! n = Gens.dim 1 4 in return! symmetric b n 1.0 3.0 }
let private sym = gen { let! b = batchGen in let! n = Gens.dim 1 4 in return! symmetric b n -3.0 3.0 }

// ---- checks ----

let private mT (x: Tensor) = x.Transpose(-1, -2)
let private eyeOf (n: int) = Create.Eye(n, Nullable(), Nullable DType.Float64)

/// |actual − expected| ≤ tol everywhere (shapes broadcast), or an exception saying where.
let private near (tol: float) (what: string) (expected: Tensor) (actual: Tensor) =
    let e, a = expected.Detach().Double(), actual.Detach().Double()
    let diff = (a - e).Abs()
    let worst = if diff.NumEl = 0 then 0.0 else diff.Max().ToDouble()
    if not (worst <= tol) then failwithf "%s: off by %g (tolerance %g)\nexpected %O\nactual %O" what worst tol e a

let private values (t: Tensor) = t.Detach().Double().Contiguous().ToArray<float>()

let private sigmaTensor (b: Built) (k: int) = Create.FromArray(b.Values |> Array.concat, Array.append (b.A.Shape.[.. b.A.Dim - 3]) [| k |])

let private prop name (g: Gen<'a>) (check: 'a -> unit) =
    testPropertyWithConfig config name (Prop.forAll (Arb.fromGen g) (fun x -> check x; true))

let decompositions =
    testList "decompositions agree with independent checks" [
        prop "inv: A·inv(A) = inv(A)·A = I" (square 1.0 3.0) (fun b ->
            let n = b.A.Shape.[b.A.Dim - 1]
            let x = Linalg.Inv b.A
            near 1e-12 "A·inv(A)" (eyeOf n) (b.A.MatMul x)
            near 1e-12 "inv(A)·A" (eyeOf n) (x.MatMul b.A))
        prop "det and slogdet: ±Πs with the sign of the construction" (square 1.0 3.0) (fun b ->
            let expected = Array.map2 (fun (s: float[]) sign -> sign * Array.fold (*) 1.0 s) b.Values b.DetSign
            let shape = b.A.Shape.[.. b.A.Dim - 3]
            near 1e-11 "det" (Create.FromArray(expected, shape)) (Linalg.Det b.A)
            let r = Linalg.SlogDet b.A
            near 0.0 "sign" (Create.FromArray(b.DetSign, shape)) r.Sign
            near 1e-12 "log|det|" (Create.FromArray(b.Values |> Array.map (Array.sumBy log), shape)) r.LogAbsDet)
        prop "solve: residual A·X − B vanishes, for matrices, vectors and broadcast batches" (gen {
                let! b = square 1.0 3.0
                let n = b.A.Shape.[b.A.Dim - 1]
                let! k = Gens.dim 1 3
                let rhsBatch = if b.A.Dim = 3 then [| 1; 2 |] else [| 3 |]
                let! rhs = Gens.tensor (Array.append rhsBatch [| n; k |])
                let! vec = Gens.tensor [| n |]
                return b, rhs, vec }) (fun (b, rhs, vec) ->
            let x = Linalg.Solve(b.A, rhs)
            near 1e-12 "A·X − B" rhs (b.A.MatMul x)
            let xv = Linalg.Solve(b.A, vec)
            near 1e-12 "A·x − b" vec (b.A.MatMul(xv.Unsqueeze(-1)).Squeeze(-1))
            let xl = Linalg.Solve(b.A, mT rhs, left = false)
            near 1e-12 "X·A − B (left = false)" (mT rhs) (xl.MatMul b.A))
        prop "cholesky: L·Lᵀ = A, L lower triangular with a positive diagonal" spd (fun b ->
            let l = Linalg.Cholesky b.A
            near 1e-12 "L·Lᵀ" b.A (l.MatMul(mT l))
            let n = b.A.Shape.[b.A.Dim - 1]
            let upper = Create.FromArray(Array.init (n * n) (fun k -> if k % n > k / n then 1.0 else 0.0), [| n; n |])
            near 0.0 "above the diagonal" (Create.Zeros([| 1 |], DType.Float64)) (l * upper)
            if values (Linalg.Diagonal l) |> Array.exists (fun d -> d <= 0.0) then failwith "non-positive diagonal"
            near 1e-12 "upper = Lᵀ" (mT l) (Linalg.Cholesky(b.A, upper = true)))
        prop "qr: Q·R = A, QᵀQ = I, R upper triangular (tall, square and wide)" (rect 1.0 3.0) (fun b ->
            let m, n = b.A.Shape.[b.A.Dim - 2], b.A.Shape.[b.A.Dim - 1]
            let k = min m n
            let r = Linalg.Qr b.A
            Expect.equal r.Q.Shape.[r.Q.Dim - 2 ..] [| m; k |] "Q shape"
            Expect.equal r.R.Shape.[r.R.Dim - 2 ..] [| k; n |] "R shape"
            near 1e-12 "Q·R" b.A (r.Q.MatMul r.R)
            near 1e-12 "QᵀQ" (eyeOf k) (mT(r.Q).MatMul r.Q)
            let below = Create.FromArray(Array.init (k * n) (fun idx -> if idx % n < idx / n then 1.0 else 0.0), [| k; n |])
            near 0.0 "below the diagonal" (Create.Zeros([| 1 |], DType.Float64)) (r.R * below)
            let complete = Linalg.Qr(b.A, "complete")
            near 1e-12 "complete Q·R" b.A (complete.Q.MatMul complete.R)
            near 1e-12 "complete QᵀQ" (eyeOf m) (mT(complete.Q).MatMul complete.Q))
        prop "svd: U·diag(S)·Vh = A with orthonormal U, V and the singular values A was built from" (rect 1.0 3.0) (fun b ->
            let m, n = b.A.Shape.[b.A.Dim - 2], b.A.Shape.[b.A.Dim - 1]
            let k = min m n
            let r = Linalg.Svd b.A
            near 1e-12 "S" (sigmaTensor b k) r.S
            near 1e-12 "U·diag(S)·Vh" b.A ((r.U * r.S.Unsqueeze(-2)).MatMul r.Vh)
            near 1e-12 "UᵀU" (eyeOf k) (mT(r.U).MatMul r.U)
            near 1e-12 "Vh·Vhᵀ" (eyeOf k) (r.Vh.MatMul(mT r.Vh))
            let full = Linalg.Svd(b.A, fullMatrices = true)
            near 1e-12 "full UᵀU" (eyeOf m) (mT(full.U).MatMul full.U)
            near 1e-12 "full Vh·Vhᵀ" (eyeOf n) (full.Vh.MatMul(mT full.Vh))
            near 1e-12 "svdvals" (sigmaTensor b k) (Linalg.Svdvals b.A))
        prop "eigh: A·V = V·diag(λ), VᵀV = I, λ ascending and those A was built from" sym (fun b ->
            let n = b.A.Shape.[b.A.Dim - 1]
            let r = Linalg.Eigh b.A
            let ascending = Create.FromArray(b.Values |> Array.collect Array.rev, r.Eigenvalues.Shape)
            near 1e-12 "eigenvalues" ascending r.Eigenvalues
            near 1e-12 "A·V" (r.Eigenvectors * r.Eigenvalues.Unsqueeze(-2)) (b.A.MatMul r.Eigenvectors)
            near 1e-12 "VᵀV" (eyeOf n) (mT(r.Eigenvectors).MatMul r.Eigenvectors)
            // Only the lower triangle is read: garbage above it changes nothing.
            let upper = Create.FromArray(Array.init (n * n) (fun k -> if k % n > k / n then 7.0 else 0.0), [| n; n |])
            near 1e-12 "from the lower triangle" r.Eigenvalues (Linalg.Eigvalsh(b.A + upper)))
        prop "pinv: the four Moore–Penrose conditions" (rect 1.0 3.0) (fun b ->
            let p = Linalg.Pinv b.A
            near 1e-12 "A·A⁺·A" b.A (b.A.MatMul(p).MatMul b.A)
            near 1e-12 "A⁺·A·A⁺" p (p.MatMul(b.A).MatMul p)
            near 1e-12 "A·A⁺ symmetric" (mT (b.A.MatMul p)) (b.A.MatMul p)
            near 1e-12 "A⁺·A symmetric" (mT (p.MatMul b.A)) (p.MatMul b.A)
            // A·Aᵀ is singular when m > n, and forming it leaves its zero eigenvalues at roundoff
            // size (~eps·‖A‖²), near the default cutoff: an explicit one keeps them out.
            let g = b.A.MatMul(mT b.A)
            near 1e-11 "hermitian pinv" (Linalg.Pinv(g, atol = 1e-9)) (Linalg.Pinv(g, atol = 1e-9, hermitian = true)))
        prop "lstsq: normal equations (tall), exact minimum-norm solution (wide)" (gen {
                let! b = rect 1.0 3.0
                let m = b.A.Shape.[b.A.Dim - 2]
                let! rhs = Gens.tensor (Array.append (b.A.Shape.[.. b.A.Dim - 3]) [| m; 2 |])
                return b, rhs }) (fun (b, rhs) ->
            let m, n = b.A.Shape.[b.A.Dim - 2], b.A.Shape.[b.A.Dim - 1]
            let r = Linalg.Lstsq(b.A, rhs)
            near 1e-11 "Aᵀ(AX − B)" (Create.Zeros([| 1 |], DType.Float64)) (mT(b.A).MatMul(b.A.MatMul(r.Solution) - rhs))
            near 1e-11 "X = A⁺·B" (Linalg.Pinv(b.A).MatMul rhs) r.Solution
            near 0.0 "rank" (Create.Full(r.Rank.Shape, float (min m n), DType.Float64)) r.Rank
            if m > n then near 1e-10 "residuals" (let d = b.A.MatMul(r.Solution) - rhs in (d * d).Sum(-2)) r.Residuals)
        prop "matrix_rank counts the nonzero singular values" (gen {
                let! m, n = Gen.zip (Gens.dim 2 4) (Gens.dim 2 4)
                let! b = withSingularValues [||] m n 1.0 3.0
                let! drop = Gen.choose (0, min m n - 1)
                return b, drop }) (fun (b, drop) ->
            let svd = Linalg.Svd b.A
            let k = svd.S.Shape.[0]
            let kept = svd.S * Create.FromArray(Array.init k (fun i -> if i < k - drop then 1.0 else 0.0), [| k |])
            let low = (svd.U * kept.Unsqueeze(-2)).MatMul svd.Vh
            // The dropped singular values are zero up to roundoff (~eps·σ₁), so the cutoff is explicit.
            Expect.equal (Linalg.MatrixRank(low, atol = 1e-9).ToInt64()) (int64 (k - drop)) "rank"
            Expect.equal (Linalg.MatrixRank(low, rtol = 1e-9).ToInt64()) (int64 (k - drop)) "rank (relative cutoff)"
            Expect.equal (Linalg.MatrixRank(low.MatMul(mT low), atol = 1e-9, hermitian = true).ToInt64()) (int64 (k - drop)) "hermitian rank")
        prop "norms: fro, nuc, 2, 1, ∞ from the singular values and sums; vector p-norms" (rect 1.0 3.0) (fun b ->
            let s = b.Values
            let shape = b.A.Shape.[.. b.A.Dim - 3]
            let per (f: float[] -> float) = Create.FromArray(s |> Array.map f, shape)
            near 1e-12 "fro" (per (fun s -> sqrt (Array.sumBy (fun x -> x * x) s))) (Linalg.MatrixNorm b.A)
            near 1e-12 "nuc" (per Array.sum) (Linalg.MatrixNorm(b.A, "nuc"))
            near 1e-12 "2" (per Array.max) (Linalg.MatrixNorm(b.A, 2.0))
            near 1e-12 "-2" (per Array.min) (Linalg.MatrixNorm(b.A, -2.0))
            near 1e-12 "1" (b.A.Abs().Sum(-2).Amax([| -1 |])) (Linalg.MatrixNorm(b.A, 1.0))
            near 1e-12 "inf" (b.A.Abs().Sum(-1).Amax([| -1 |])) (Linalg.MatrixNorm(b.A, Double.PositiveInfinity))
            let flat = values b.A
            near 1e-12 "vector 2" (Create.FromArray([| sqrt (flat |> Array.sumBy (fun x -> x * x)) |], [||])) (Linalg.Norm b.A)
            near 1e-12 "vector 3" (Create.FromArray([| (flat |> Array.sumBy (fun x -> abs x ** 3.0)) ** (1.0 / 3.0) |], [||])) (Linalg.VectorNorm(b.A, 3.0))
            near 0.0 "vector inf" (Create.FromArray([| flat |> Array.map abs |> Array.max |], [||])) (Linalg.VectorNorm(b.A, Double.PositiveInfinity))
            near 0.0 "vector 0" (Create.FromArray([| flat |> Array.filter (fun x -> x <> 0.0) |> Array.length |> float |], [||])) (Linalg.VectorNorm(b.A, 0.0)))
        prop "float32 results agree with float64 ones" (rect 1.0 3.0) (fun b ->
            let a32 = b.A.Float()
            let m, n = b.A.Shape.[b.A.Dim - 2], b.A.Shape.[b.A.Dim - 1]
            let svd = Linalg.Svd a32
            Expect.equal svd.S.DType DType.Float32 "dtype"
            near 1e-5 "svd S" (sigmaTensor b (min m n)) svd.S
            let qr = Linalg.Qr a32
            near 1e-5 "Q·R" b.A (qr.Q.MatMul qr.R)
            if m = n then
                near 1e-5 "inv" (Linalg.Inv b.A) (Linalg.Inv a32)
                near 1e-5 "det" (Linalg.Det b.A) (Linalg.Det a32)
                let g = b.A.MatMul(mT b.A)
                near 1e-4 "cholesky" (Linalg.Cholesky g) (Linalg.Cholesky(g.Float()))
                near 1e-4 "eigh" (Linalg.Eigvalsh g) (Linalg.Eigvalsh(g.Float())))
    ]

// ---- derivative rules ----

let private rule name order2 (cases: Gen<Case>) = { Name = name; Cases = cases; SecondOrder = order2; Eps = 1e-6 }
let private on (g: Gen<Built>) name order2 (f: Tensor -> Tensor) =
    rule name order2 (g |> Gen.map (fun b -> Case(name, [| b.A |], fun xs -> f xs.[0])))
let private symmetrized (x: Tensor) = (x + mT x) * 0.5
/// Column-sign-invariant views of eigen/singular vectors (each column is defined up to sign).
let private squares (t: Tensor) = t * t

let rules =
    [ on (square 1.0 3.0) "linalg.inv" true Linalg.Inv
      on (square 1.0 3.0) "linalg.det" true Linalg.Det
      on (square 1.0 3.0) "linalg.slogdet" true (fun a -> (Linalg.SlogDet a).LogAbsDet)
      rule "linalg.solve (A and B, broadcast batch)" true (gen {
          let! b = square 1.0 3.0
          let n = b.A.Shape.[b.A.Dim - 1]
          let! k = Gens.dim 1 2
          let! rhs = Gens.tensor [| n; k |]
          return Case("linalg.solve", [| b.A; rhs |], fun xs -> Linalg.Solve(xs.[0], xs.[1])) })
      rule "linalg.solve (vector B)" true (gen {
          let! b = square 1.0 3.0
          let! rhs = Gens.tensor [| b.A.Shape.[b.A.Dim - 1] |]
          return Case("linalg.solve vector", [| b.A; rhs |], fun xs -> Linalg.Solve(xs.[0], xs.[1])) })
      on spd "linalg.cholesky (of sym(X))" true (fun x -> Linalg.Cholesky(symmetrized x))
      on (rect 1.0 3.0) "linalg.qr (Q and R; tall, square, wide)" true (fun a ->
          let r = Linalg.Qr a
          Join.Cat([| r.Q.Reshape(-1); r.R.Reshape(-1) |], 0))
      on (rect 1.0 3.0) "linalg.svd (S)" true (fun a -> (Linalg.Svd a).S)
      on (rect 1.0 3.0) "linalg.svd (U∘U, Vh∘Vh)" true (fun a ->
          let r = Linalg.Svd a
          Join.Cat([| (squares r.U).Reshape(-1); (squares r.Vh).Reshape(-1) |], 0))
      on (rect 1.0 3.0) "linalg.svd (U·f(S)·Vh)" true (fun a ->
          let r = Linalg.Svd a
          (r.U * (r.S * r.S).Unsqueeze(-2)).MatMul r.Vh)
      on sym "linalg.eigh (eigenvalues of sym(X))" true (fun x -> (Linalg.Eigh(symmetrized x)).Eigenvalues)
      on sym "linalg.eigh (V∘V and V·f(Λ)·Vᵀ)" true (fun x ->
          let r = Linalg.Eigh(symmetrized x)
          let v = r.Eigenvectors
          Join.Cat([| (squares v).Reshape(-1); (v * r.Eigenvalues.Exp().Unsqueeze(-2)).MatMul(mT v).Reshape(-1) |], 0))
      on (rect 1.0 3.0) "linalg.pinv" true Linalg.Pinv
      rule "linalg.lstsq" true (gen {
          let! b = rect 1.0 3.0
          let! rhs = Gens.tensor [| b.A.Shape.[b.A.Dim - 2]; 2 |]
          return Case("linalg.lstsq", [| b.A; rhs |], fun xs -> (Linalg.Lstsq(xs.[0], xs.[1])).Solution) })
      on (rect 1.0 3.0) "linalg.matrix_norm (fro, nuc, 2, 1, inf)" true (fun a ->
          Join.Stack([| Linalg.MatrixNorm a; Linalg.MatrixNorm(a, "nuc"); Linalg.MatrixNorm(a, 2.0); Linalg.MatrixNorm(a, -2.0) |], 0))
      rule "linalg.vector_norm (p = 1, 2, 3)" true (gen {
          let! s = Gens.shapeOfRank 2 3
          let! x = Gens.tensorIn s -2.0 2.0 [ 0.0 ] 0.2
          return Case("vector norms", [| x |], fun xs ->
              Join.Stack([| Linalg.VectorNorm(xs.[0], 1.0, [| -1 |]); Linalg.VectorNorm(xs.[0], 2.0, [| -1 |]); Linalg.VectorNorm(xs.[0], 3.0, [| 0 |]).Sum() * Create.Ones([| s.[0] |], DType.Float64) |], 0)) })
      rule "linalg.det of a singular matrix (cofactor through the SVD)" false (gen {
          let! b = withSingularValues [||] 3 3 1.0 3.0
          let! row = Gen.choose (0, 2)
          let keep = Create.FromArray(Array.init 9 (fun k -> if k / 3 = row then 0.0 else 1.0), [| 3; 3 |])
          return Case(sprintf "det with row %d zero" row, [| b.A * keep |], fun xs -> Linalg.Det xs.[0]) }) ]

let special =
    let on name order2 lo hi avoid (f: Tensor -> Tensor) =
        rule name order2 (gen {
            let! s = Gens.shape 2 4
            let! x = Gens.tensorIn s lo hi avoid 0.15
            return Case(name, [| x |], fun xs -> f xs.[0]) })
    [ on "lgamma" true 0.2 6.0 [] (fun x -> x.Lgamma())
      on "lgamma (negative x)" true -2.9 -2.1 [] (fun x -> x.Lgamma())
      on "digamma" true 0.3 6.0 [] (fun x -> x.Digamma())
      on "digamma (negative x)" true -1.85 -1.15 [] (fun x -> x.Digamma())
      on "polygamma(1)" true 0.3 6.0 [] (fun x -> x.Polygamma 1)
      on "polygamma(3)" true 0.5 6.0 [] (fun x -> x.Polygamma 3)
      on "erfinv" true -0.9 0.9 [] (fun x -> x.Erfinv())
      on "mvlgamma(p = 3)" true 1.3 5.0 [] (fun x -> x.Mvlgamma 3) ]

let private known (name: string) (f: Tensor -> Tensor) (cases: (float * float) list) (tol: float) =
    test name {
        let xs = cases |> List.map fst |> List.toArray
        let expected = cases |> List.map snd |> List.toArray
        let actual = values (f (Create.FromArray(xs, [| xs.Length |])))
        Array.iteri2 (fun i e a ->
            let ok = (Double.IsNaN e && Double.IsNaN a) || e = a || abs (a - e) <= tol * max 1.0 (abs e)
            if not ok then failwithf "%s(%g): expected %.17g, got %.17g" name xs.[i] e a) expected actual
    }

let specialValues =
    let eulerGamma = 0.57721566490153286061
    let zeta3 = 1.2020569031595942854
    testList "special function values" [
        known "lgamma" (fun x -> x.Lgamma())
            [ 1.0, 0.0; 2.0, 0.0; 0.5, log (sqrt Math.PI); 10.0, log 362880.0; -0.5, log (2.0 * sqrt Math.PI)
              -1.5, log (4.0 / 3.0 * sqrt Math.PI); -2.5, log (8.0 / 15.0 * sqrt Math.PI); 0.0, infinity; -2.0, infinity; 1e-300, 690.77552789821368 ] 1e-14
        known "digamma" (fun x -> x.Digamma())
            [ 1.0, -eulerGamma; 0.5, -eulerGamma - 2.0 * log 2.0; 2.0, 1.0 - eulerGamma; -0.5, 2.0 - eulerGamma - 2.0 * log 2.0
              0.0, -infinity; -3.0, nan ] 1e-14
        known "polygamma(1)" (fun x -> x.Polygamma 1)
            [ 1.0, Math.PI ** 2.0 / 6.0; 0.5, Math.PI ** 2.0 / 2.0; 2.0, Math.PI ** 2.0 / 6.0 - 1.0; -0.5, Math.PI ** 2.0 / 2.0 + 4.0; 0.0, infinity ] 1e-14
        known "polygamma(2)" (fun x -> x.Polygamma 2) [ 1.0, -2.0 * zeta3; 0.5, -14.0 * zeta3 ] 1e-14
        known "polygamma(3)" (fun x -> x.Polygamma 3) [ 1.0, Math.PI ** 4.0 / 15.0; 0.5, Math.PI ** 4.0 ] 1e-14
        known "erfinv" (fun x -> x.Erfinv())
            [ 0.0, 0.0; 0.5, 0.47693627620446987338; -0.9, -1.1630871536766740867; 1.0, infinity; -1.0, -infinity; 1.5, nan ] 1e-14
        prop "erf(erfinv(x)) = x (against the backend's own erf)" (Gens.tensorIn [| 16 |] -0.999 0.999 [] 0.0) (fun x ->
            near 1e-14 "erf(erfinv(x))" x (x.Erfinv().Erf()))
        prop "lgamma(x + 1) − lgamma(x) = log x and digamma(x + 1) − digamma(x) = 1/x" (Gens.tensorIn [| 16 |] 0.05 30.0 [] 0.0) (fun x ->
            near 1e-12 "lgamma recurrence" (x.Log()) ((x + 1.0).Lgamma() - x.Lgamma())
            near 1e-12 "digamma recurrence" (1.0 / x) ((x + 1.0).Digamma() - x.Digamma()))
        test "float32 and integer inputs" {
            let x = Create.FromArray([| 0.5f; 3.0f |], [| 2 |])
            Expect.equal (x.Lgamma().DType) DType.Float32 "float32 stays float32"
            near 1e-6 "float32 lgamma" (Create.FromArray([| log (sqrt Math.PI); log 2.0 |], [| 2 |])) (x.Lgamma())
            Expect.equal (Create.FromArray([| 3L |], [| 1 |]).Lgamma().DType) DType.Float32 "integers compute in float32"
        }
    ]

let private firstOrder (s: Spec) =
    testPropertyWithConfig config (s.Name + ": first order") (Prop.forAll (arb s.Cases) (fun c ->
        GradCheck.Check(Func<_, _> c.F, c.Inputs, eps = s.Eps, atol = 1e-7, rtol = 1e-5)))

let private secondOrder (s: Spec) =
    testPropertyWithConfig config (s.Name + ": second order") (Prop.forAll (arb s.Cases) (fun c ->
        GradCheck.GradGradCheck(Func<_, _> c.F, c.Inputs, atol = 1e-6, rtol = 1e-4)))

let tests =
    testList "linalg" [
        decompositions
        testList "derivative rules" [
            for s in rules @ special do
                yield firstOrder s
                if s.SecondOrder then yield secondOrder s
        ]
        specialValues
    ]
