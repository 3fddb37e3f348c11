namespace Hybrid.NN;

/// <summary>Shapes as the layers' messages and reprs spell them.</summary>
internal static class LayerText
{
    /// <summary>"(2, 3, 4)": a shape in a message.</summary>
    public static string Shape(int[] shape) => Hybrid.Shape.show(shape);

    /// <summary>A Python tuple: "(10,)" for one element, "(2, 3)" otherwise.</summary>
    public static string Tuple(int[] values) =>
        values.Length == 1 ? $"({values[0]},)" : "(" + string.Join(", ", values) + ")";

    /// <summary>Every dim of a rank-<paramref name="rank"/> tensor but the channel dim 1.</summary>
    public static int[] AllButChannels(int rank) => Enumerable.Range(0, rank).Where(d => d != 1).ToArray();

    /// <summary>(1, C, 1, ..., 1): how a per-channel vector broadcasts against an (N, C, *) input.</summary>
    public static int[] ChannelShape(int channels, int rank)
    {
        var shape = Enumerable.Repeat(1, rank).ToArray();
        shape[1] = channels;
        return shape;
    }
}
