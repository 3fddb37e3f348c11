using Xunit;

namespace Hybrid.Unit;

/// <summary>Einsum against the products and sums it stands for, its gradient, and its refusals.</summary>
public class EinsumTests
{
    static Tensor R(int seed, params int[] shape) => Torch.Randn(shape, DType.Float64, new Generator((ulong)seed));

    static void Same(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        Assert.True(actual.AllClose(expected, 1e-12, 1e-12), $"einsum differs: {actual} vs {expected}");
    }

    [Fact]
    public void Products_transposes_and_sums()
    {
        var (a, b, v, w) = (R(1, 3, 4), R(2, 4, 5), R(3, 4), R(4, 4));
        Same(a.MatMul(b), Torch.Einsum("ij,jk->ik", a, b));
        Same(a.MatMul(b), Torch.Einsum("ij,jk", a, b));                       // implicit output: i, k
        Same(a.T, Torch.Einsum("ij->ji", a));
        Same(a.Sum(), Torch.Einsum("ij->", a));
        Same(a.Sum(0), Torch.Einsum("ij->j", a));
        Same((v * w).Sum(), Torch.Einsum("i,i->", v, w));
        Same(v.Unsqueeze(1) * w.Unsqueeze(0), Torch.Einsum("i,j->ij", v, w));
        Same(a * a, Torch.Einsum("ij,ij->ij", a, a));
    }

    [Fact]
    public void Batched_attention_scores_and_a_chain_of_three()
    {
        var (q, k) = (R(5, 2, 3, 4, 8), R(6, 2, 3, 6, 8));
        Same(q.MatMul(k.Transpose(-1, -2)), Torch.Einsum("bhqd,bhkd->bhqk", q, k));
        var (a, b, c) = (R(7, 2, 3), R(8, 3, 4), R(9, 4, 5));
        Same(a.MatMul(b).MatMul(c), Torch.Einsum("ij,jk,kl->il", a, b, c));
        // A letter in one operand only, and not in the output, is summed first.
        Same(a.Sum(1).Unsqueeze(1) * b.Sum(0).Unsqueeze(0), Torch.Einsum("ij,kl->il", a, b));
        Same(a.MatMul(b).T, Hybrid.TensorModule.einsum("ij,jk->ki", Microsoft.FSharp.Collections.ListModule.OfArray(new[] { a, b })));
    }

    [Fact]
    public void The_gradient_checks()
    {
        Assert.True(GradCheck.Check(t => Torch.Einsum("bij,bjk->bik", t[0], t[1]), new[] { R(10, 2, 2, 3).RequiresGrad_(), R(11, 2, 3, 2).RequiresGrad_() }));
    }

    [Fact]
    public void Bad_equations_are_refused_with_the_reason()
    {
        var (a, b) = (R(1, 3, 4), R(2, 5, 6));
        Assert.Contains("subscript 'j' has size 5 for operand 1, but 4", Assert.Throws<ArgumentException>(() => Torch.Einsum("ij,jk->ik", a, b)).Message);
        Assert.Contains("does not match the number of dimensions (2) for operand 0", Assert.Throws<ArgumentException>(() => Torch.Einsum("ijk->i", a)).Message);
        Assert.Contains("2 operands were provided but the equation names 1", Assert.Throws<ArgumentException>(() => Torch.Einsum("ij->i", a, a)).Message);
        Assert.Contains("output subscript z does not appear", Assert.Throws<ArgumentException>(() => Torch.Einsum("ij->z", a)).Message);
        Assert.Contains("repeated in operand 0", Assert.Throws<ArgumentException>(() => Torch.Einsum("ii->i", R(3, 3, 3))).Message);
        Assert.Contains("ellipsis", Assert.Throws<ArgumentException>(() => Torch.Einsum("...ij->...ji", a)).Message);
    }
}
