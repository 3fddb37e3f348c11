using Hybrid;
using Hybrid.IO;

/// <summary>
/// Runs before Main when this test assembly is started as
/// <c>DOTNET_STARTUP_HOOKS=Hybrid.Unit.dll dotnet exec Hybrid.Unit.dll</c> with
/// HYBRID_CRASH_SAVE_PATH set: saves checkpoints (epoch k, every element k) to that path
/// forever, until the parent test kills the process. Without the variable it does nothing.
/// A startup hook must be a class named StartupHook in no namespace.
/// </summary>
internal static class StartupHook
{
    public const string PathVariable = "HYBRID_CRASH_SAVE_PATH";
    public const int Elements = 8 << 20;   // 32 MB of float32 per checkpoint

    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable(PathVariable);
        if (string.IsNullOrEmpty(path)) return;
        for (var epoch = 1; ; epoch++)
            Checkpoint.Save(path, new Dictionary<string, Tensor> { ["w"] = Torch.Full(new[] { Elements }, epoch) }, epoch: epoch);
    }
}
