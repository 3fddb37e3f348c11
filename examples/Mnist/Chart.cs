namespace Hybrid.Examples.Mnist;

/// <summary>Loss and accuracy per epoch as a PNG (ScottPlot), written atomically.</summary>
static class Chart
{
    public static void Write(IReadOnlyList<EpochResult> history, string path)
    {
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        var plot = new ScottPlot.Plot();
        var loss = plot.Add.Scatter(epochs, history.Select(h => h.Loss).ToArray());
        loss.LegendText = "training loss";
        var train = plot.Add.Scatter(epochs, history.Select(h => h.TrainAccuracy * 100).ToArray());
        train.LegendText = "training accuracy (%)";
        train.Axes.YAxis = plot.Axes.Right;
        var test = plot.Add.Scatter(epochs, history.Select(h => h.TestAccuracy * 100).ToArray());
        test.LegendText = "test accuracy (%)";
        test.Axes.YAxis = plot.Axes.Right;
        plot.Title("LeNet-5 on MNIST");
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.Axes.Right.Label.Text = "accuracy (%)";
        plot.ShowLegend();
        var temp = path + ".tmp";
        plot.SavePng(temp, 900, 500);
        File.Move(temp, path, overwrite: true);
    }
}
