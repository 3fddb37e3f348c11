using Hybrid.Data;

namespace Hybrid.Examples.Guide;

#region dataset
/// <summary>A map-style data set: a count and an indexer. Here, y = 2x + 1 on a grid.</summary>
public sealed class LineDataset : Dataset<(Tensor X, Tensor Y)>
{
    public override int Count => 10;

    public override (Tensor X, Tensor Y) this[int index]
    {
        get
        {
            var x = Torch.Tensor(new[] { index / 10f });
            return (x, x * 2 + 1);
        }
    }
}
#endregion

public static class Data
{
    public static void Run()
    {
        #region tensor-dataset
        Torch.ManualSeed(0);
        var features = Torch.Arange(0, 12, dtype: DType.Float32).Reshape(6, 2);
        var labels = Torch.Tensor(new[] { 0L, 1L, 0L, 1L, 0L, 1L });
        var dataset = new TensorDataset(features, labels);

        var loader = new DataLoader(dataset, batchSize: 4, shuffle: true, generator: new Generator(42));
        foreach (var (x, y) in loader)
            Console.WriteLine($"x = {x}\ny = {y}");
        #endregion

        #region custom-dataset
        var line = new LineDataset();
        var batches = new DataLoader<(Tensor X, Tensor Y)>(line, batchSize: 4, dropLast: true);
        Console.WriteLine($"{line.Count} items, {batches.Count} batches of 4 (the last, partial one dropped)");
        foreach (var (x, y) in batches)
            Console.WriteLine($"x shape ({string.Join(", ", x.Shape)}), y[0] = {y[0].Item<float>():F1}");
        #endregion
    }
}
