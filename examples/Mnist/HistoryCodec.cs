using System.Globalization;

namespace Hybrid.Examples.Mnist;

/// <summary>The per-epoch history as checkpoint strings, so a resumed run can chart every epoch.</summary>
static class HistoryCodec
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Dictionary<string, string> Encode(IEnumerable<EpochResult> history) =>
        history.ToDictionary(
            h => $"epoch{h.Epoch:D4}",
            h => string.Join(";", new[] { h.Loss, h.TrainAccuracy, h.TestAccuracy, h.SamplesPerSecond, h.Seconds }.Select(v => v.ToString("R", Inv))));

    public static IEnumerable<EpochResult> Decode(IReadOnlyDictionary<string, string> extra) =>
        extra.Where(kv => kv.Key.StartsWith("epoch", StringComparison.Ordinal))
             .OrderBy(kv => kv.Key, StringComparer.Ordinal)
             .Select(kv =>
             {
                 var v = kv.Value.Split(';').Select(s => double.Parse(s, NumberStyles.Float, Inv)).ToArray();
                 if (v.Length != 5 || !int.TryParse(kv.Key[5..], NumberStyles.None, Inv, out var epoch))
                     throw new InvalidDataException($"checkpoint history entry '{kv.Key}' is malformed");
                 return new EpochResult(epoch, v[0], v[1], v[2], v[3], v[4]);
             });
}
