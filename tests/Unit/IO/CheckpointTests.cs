using System.Diagnostics;
using Hybrid.IO;
using Xunit;

namespace Hybrid.Unit.IO;

public sealed class CheckpointTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hybrid-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static Dictionary<string, Tensor> Model(float value) => new()
    {
        ["fc.weight"] = Torch.Full(new[] { 2, 3 }, value),
        ["fc.bias"] = Torch.Full(new[] { 2 }, value),
    };

    [Fact]
    public void Round_trip_of_model_optimizer_epoch_generators_and_extra()
    {
        var path = Path.Combine(_dir, "ckpt.safetensors");
        var loaderGen = new Generator(99);
        _ = Torch.Rand(new[] { 5 }, DType.Float32, loaderGen);
        Checkpoint.Save(path, Model(1.5f),
            optimizer: new Dictionary<string, Tensor> { ["state.0.exp_avg"] = Torch.Ones(2, 3), ["state.0.step"] = Torch.Tensor(12L) },
            optimizerScalars: new Dictionary<string, string> { ["lr"] = "0.001", ["betas"] = "0.9,0.999" },
            epoch: 3, generators: new Dictionary<string, Generator> { ["loader"] = loaderGen },
            extra: new Dictionary<string, string> { ["best_accuracy"] = "0.981" });
        var c = Checkpoint.Load(path);
        Assert.Equal(3, c.Epoch);
        Assert.Equal(new[] { "fc.bias", "fc.weight" }, c.Model.Keys.Order());
        Assert.All(c.Model["fc.weight"].ToArray<float>(), v => Assert.Equal(1.5f, v));
        Assert.Equal(12L, c.Optimizer["state.0.step"].Item<long>());
        Assert.Equal("0.001", c.OptimizerScalars["lr"]);
        Assert.Equal("0.981", c.Extra["best_accuracy"]);
        Assert.Equal((99UL, 5UL), c.Rng["loader"]);
        Assert.True(c.Rng.ContainsKey("default"));

        var restored = new Generator(0);
        c.RestoreRng("loader", restored);
        Assert.Equal(Torch.Rand(new[] { 4 }, DType.Float32, loaderGen).ToArray<float>(), Torch.Rand(new[] { 4 }, DType.Float32, restored).ToArray<float>());
    }

    [Fact]
    public void Loading_rejects_files_that_are_not_consistent_checkpoints()
    {
        var path = Path.Combine(_dir, "plain.safetensors");
        Torch.Save(Model(1), path);
        Assert.Contains("not a Hybrid checkpoint", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
        var meta = new Dictionary<string, string> { ["hybrid.checkpoint"] = "1", ["epoch"] = "-1", ["rng.default.seed"] = "1", ["rng.default.offset"] = "0" };
        Torch.Save(new Dictionary<string, Tensor> { ["model.w"] = Torch.Zeros(1) }, path, meta);
        Assert.Contains("epoch", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
        meta["epoch"] = "1";
        meta["rng.default.seed"] = "x";
        Torch.Save(new Dictionary<string, Tensor> { ["model.w"] = Torch.Zeros(1) }, path, meta);
        Assert.Contains("rng.default.seed", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
        meta["rng.default.seed"] = "1";
        Torch.Save(new Dictionary<string, Tensor> { ["w"] = Torch.Zeros(1) }, path, meta);
        Assert.Contains("neither", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
    }

    [Fact]
    public void A_failing_save_leaves_the_previous_file_and_no_temp_file()
    {
        var path = Path.Combine(_dir, "ckpt.safetensors");
        Checkpoint.Save(path, Model(1), epoch: 1);
        Assert.Throws<ArgumentException>(() => AtomicFile.Write(path, s => { s.Write(new byte[100]); throw new ArgumentException("disk full"); }));
        Assert.Equal(1, Checkpoint.Load(path).Epoch);
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Fuzzed_checkpoints_only_load_or_throw_InvalidDataException()
    {
        var ms = new MemoryStream();
        Checkpoint.Save(ms, Model(2), new Dictionary<string, Tensor> { ["m"] = Torch.Zeros(2) },
            new Dictionary<string, string> { ["lr"] = "0.1" }, epoch: 7, new Dictionary<string, Generator> { ["loader"] = new Generator(3) });
        var accepted = Fuzz.Run<InvalidDataException>("checkpoint", [ms.ToArray()], b => Checkpoint.Load(b), seed: 4242, Fuzz.MutateSafeTensorsHeader);
        Assert.InRange(accepted, 0, Fuzz.Cases - 1);
    }

    /// <summary>
    /// A real child process (this test assembly, run by `dotnet` with itself as a startup hook,
    /// see <see cref="global::StartupHook"/>) saves 32 MB checkpoints in a loop; the test
    /// SIGKILLs it while a temp file is half written and checks the previous checkpoint loads.
    /// </summary>
    [Fact]
    public void A_process_killed_while_saving_leaves_the_previous_checkpoint_loadable()
    {
        var path = Path.Combine(_dir, "ckpt.safetensors");
        Checkpoint.Save(path, new Dictionary<string, Tensor> { ["w"] = Torch.Zeros(StartupHook.Elements) }, epoch: 0);
        var fullSize = new FileInfo(path).Length;
        var killedMidSave = 0;
        for (var attempt = 0; attempt < 5 && killedMidSave == 0; attempt++)
        {
            var assembly = typeof(CheckpointTests).Assembly.Location;
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("exec");
            start.ArgumentList.Add(assembly);
            start.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
            start.Environment[StartupHook.PathVariable] = path;
            using var child = Process.Start(start)!;
            var temp = WaitForPartialTemp(child, fullSize, TimeSpan.FromSeconds(20));
            child.Kill();   // SIGKILL on Unix
            child.WaitForExit();
            if (temp is not null && File.Exists(temp) && new FileInfo(temp).Length < fullSize) killedMidSave++;

            var loaded = Checkpoint.Load(path);   // the last complete checkpoint: the parent's or one the child finished
            Assert.All(loaded.Model["w"].ToArray<float>().Where((_, i) => i % 4099 == 0), v => Assert.Equal(loaded.Epoch, (int)v));
            foreach (var t in Directory.GetFiles(_dir, ".*.tmp")) File.Delete(t);
        }
        Assert.True(killedMidSave > 0, "the child was never caught in the middle of a save");
    }

    string? WaitForPartialTemp(Process child, long fullSize, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout && !child.HasExited)
        {
            foreach (var t in Directory.GetFiles(_dir, ".*.tmp"))
            {
                long length;
                try { length = new FileInfo(t).Length; } catch (IOException) { continue; }
                if (length > 0 && length < fullSize / 2) return t;
            }
            Thread.Sleep(1);
        }
        Assert.False(child.HasExited, $"the child exited early: {child.StandardError.ReadToEnd()}");
        return null;
    }
}
