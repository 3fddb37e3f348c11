namespace Hybrid

open System

/// Einstein summation (torch.einsum) over letters a–z, A–Z: "ij,jk->ik", "bhqd,bhkd->bhqk",
/// "i,i->" ... Without "->", the output is the letters that appear once, in alphabetical order.
/// Operands are contracted left to right, each pair as one batched matrix product: the letters
/// both share and still need become the batch, the shared ones no longer needed are summed by
/// the product, and a letter found in one operand only, and needed nowhere else, is summed
/// first. Every step is a differentiable op, so gradients (of any order) follow.
/// Not supported (refused by name): ellipses and a letter repeated within one operand (diagonals).
[<AbstractClass; Sealed>]
type Einsum =
    static member private Fail(msg: string) : 'a = raise (ArgumentException("einsum(): " + msg))

    /// The contraction of operands written by equation.
    static member Compute(equation: string, operands: Tensor[]) =
        if isNull equation then nullArg (nameof equation)
        if isNull operands || operands.Length = 0 then Einsum.Fail "must provide at least one operand"
        let equation = equation.Replace(" ", "")
        if equation.Contains "..." then Einsum.Fail "ellipsis (...) is not supported"
        let arrow = equation.IndexOf "->"
        let inputs = (if arrow < 0 then equation else equation.Substring(0, arrow)).Split ','
        if inputs.Length <> operands.Length then
            Einsum.Fail(sprintf "%d operands were provided but the equation names %d" operands.Length inputs.Length)
        let letters (what: string) (s: string) =
            for c in s do
                if not (Char.IsAsciiLetter c) then Einsum.Fail(sprintf "invalid subscript '%c' in %s; subscripts must be letters a-z, A-Z" c what)
            s.ToCharArray()
        let subs = inputs |> Array.mapi (fun i s -> letters (sprintf "operand %d" i) s)
        Prim.SameDevice("einsum", operands)
        let sizes = Collections.Generic.Dictionary<char, int>()
        subs |> Array.iteri (fun i s ->
            if s.Length <> operands.[i].Dim then
                Einsum.Fail(sprintf "the number of subscripts in the equation (%d) does not match the number of dimensions (%d) for operand %d" s.Length operands.[i].Dim i)
            if (Array.distinct s).Length <> s.Length then
                Einsum.Fail(sprintf "subscript '%c' is repeated in operand %d (diagonals are not supported)" (s |> Array.countBy id |> Array.find (fun (_, n) -> n > 1) |> fst) i)
            s |> Array.iteri (fun d c ->
                let size = operands.[i].shape.[d]
                match sizes.TryGetValue c with
                | true, known when known <> size ->
                    Einsum.Fail(sprintf "subscript '%c' has size %d for operand %d, but %d for an earlier one" c size i known)
                | _ -> sizes.[c] <- size))
        let output =
            if arrow >= 0 then
                let out = letters "the output" (equation.Substring(arrow + 2))
                for c in out do
                    if not (sizes.ContainsKey c) then Einsum.Fail(sprintf "output subscript %c does not appear in the equation for any input operand" c)
                if (Array.distinct out).Length <> out.Length then Einsum.Fail "an output subscript appears more than once in the output"
                out
            else subs |> Array.concat |> Array.countBy id |> Array.filter (fun (_, n) -> n = 1) |> Array.map fst |> Array.sort
        let sizeOf (cs: char[]) = cs |> Array.fold (fun n c -> n * sizes.[c]) 1
        // Sums the letters of t not in `keep`; the rest keep their order.
        let sumOut (t: Tensor, ls: char[]) (keep: Set<char>) =
            let drop = ls |> Array.indexed |> Array.filter (fun (_, c) -> not (keep.Contains c)) |> Array.map fst
            if drop.Length = 0 then t, ls else t.Sum(drop, false), ls |> Array.filter keep.Contains
        let needed (rest: (Tensor * char[]) list) = Set.ofArray output + (rest |> List.map (snd >> Set.ofArray) |> Set.unionMany)
        let rec contract (acc: Tensor * char[]) (rest: (Tensor * char[]) list) =
            match rest with
            | [] -> acc
            | next :: later ->
                let keepNow = needed later
                let a, la = sumOut acc (keepNow + Set.ofArray (snd next))
                let b, lb = sumOut next (keepNow + Set.ofArray la)
                let inA, inB = Set.ofArray la, Set.ofArray lb
                let batch = la |> Array.filter (fun c -> inB.Contains c && keepNow.Contains c)
                let summed = la |> Array.filter (fun c -> inB.Contains c && not (keepNow.Contains c))
                let left = la |> Array.filter (fun c -> not (inB.Contains c))
                let right = lb |> Array.filter (fun c -> not (inA.Contains c))
                let arranged (t: Tensor) (ls: char[]) (order: char[]) (shape: int[]) =
                    Prim.Reshape(t.Permute(order |> Array.map (fun c -> Array.IndexOf(ls, c))), shape)
                let a3 = arranged a la (Array.concat [ batch; left; summed ]) [| sizeOf batch; sizeOf left; sizeOf summed |]
                let b3 = arranged b lb (Array.concat [ batch; summed; right ]) [| sizeOf batch; sizeOf summed; sizeOf right |]
                let product = Prim.Reshape(a3.MatMul b3, Array.concat [ batch; left; right ] |> Array.map (fun c -> sizes.[c]))
                contract (product, Array.concat [ batch; left; right ]) later
        let operandsWithLetters = Array.zip operands subs |> Array.toList
        let first = sumOut operandsWithLetters.Head (needed operandsWithLetters.Tail)
        let result, ls = sumOut (contract first operandsWithLetters.Tail) (Set.ofArray output)
        if ls = output then result else result.Permute(output |> Array.map (fun c -> Array.IndexOf(ls, c)))
