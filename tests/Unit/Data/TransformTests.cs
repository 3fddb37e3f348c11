using Hybrid.Vision.Transforms;
using Xunit;

namespace Hybrid.Unit.Data;

public class TransformTests
{
    static float[] F(Tensor t) => t.To(DType.Float32).ToArray<float>();

    static void Near(IEnumerable<float> expected, Tensor actual)
    {
        var a = F(actual);
        var e = expected.ToArray();
        Assert.Equal(e.Length, a.Length);
        for (var i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - a[i]) < 1e-5, $"element {i}: expected {e[i]}, got {a[i]}");
    }

    [Fact]
    public void ToTensor_turns_HWC_bytes_into_CHW_floats_in_0_1()
    {
        // A 2×2 RGB image: pixel (y, x) has channels (10y+x, 100+10y+x, 255).
        var hwc = new byte[] { 0, 100, 255, 1, 101, 255, 10, 110, 255, 11, 111, 255 };
        var t = new ToTensor().Apply(Torch.FromArray(hwc, 2, 2, 3));
        Assert.Equal(new[] { 3, 2, 2 }, t.Shape);
        Assert.Equal(DType.Float32, t.DType);
        Near(new[] { 0, 1, 10, 11, 100, 101, 110, 111, 255, 255, 255, 255 }.Select(v => v / 255f), t);
        var grey = new ToTensor().Apply(Torch.FromArray(new byte[] { 0, 51, 255, 102, 0, 0 }, 2, 3));
        Assert.Equal(new[] { 1, 2, 3 }, grey.Shape);
        Near(new[] { 0f, 0.2f, 1f, 0.4f, 0f, 0f }, grey);
        Assert.Throws<ArgumentException>(() => new ToTensor().Apply(Torch.Zeros(2)));
    }

    [Fact]
    public void Normalize_per_channel()
    {
        var x = Torch.FromArray(new[] { 0f, 1f, 2f, 3f }, 2, 1, 2);
        Near(new[] { -1f, 1f, 1f, 2f }, new Normalize(new[] { 0.5, 1 }, new[] { 0.5, 1 }).Apply(x));
        Assert.Throws<ArgumentException>(() => new Normalize(new[] { 0.0 }, new[] { 0.0 }));
        Assert.Throws<ArgumentException>(() => new Normalize(new[] { 0.0, 0, 0 }, new[] { 1.0, 1, 1 }).Apply(x));
        Assert.Throws<ArgumentException>(() => new Normalize(new[] { 0.0 }, new[] { 1.0 }).Apply(Torch.Zeros(new[] { 1, 2, 2 }, DType.UInt8)));
    }

    [Fact]
    public void RandomCrop_with_padding_picks_every_window_of_the_padded_image_and_is_seeded()
    {
        var image = Torch.FromArray(new[] { 1f, 2f, 3f, 4f }, 1, 2, 2);
        var padded = new[,] { { 0f, 0, 0, 0 }, { 0, 1, 2, 0 }, { 0, 3, 4, 0 }, { 0, 0, 0, 0 } };
        var windows = new HashSet<(int, int)>();
        var crop = new RandomCrop(2, padding: 1, generator: new Generator(3));
        for (var k = 0; k < 200; k++)
        {
            var c = F(crop.Apply(image));
            var found = false;
            for (var top = 0; top <= 2 && !found; top++)
                for (var left = 0; left <= 2 && !found; left++)
                    if (c.SequenceEqual(new[] { padded[top, left], padded[top, left + 1], padded[top + 1, left], padded[top + 1, left + 1] }))
                    {
                        windows.Add((top, left));
                        found = true;
                    }
            Assert.True(found, "the crop is not a window of the padded image");
        }
        Assert.Equal(9, windows.Count);
        Assert.Equal(F(new RandomCrop(2, padding: 1, generator: new Generator(3)).Apply(image)), F(new RandomCrop(2, padding: 1, generator: new Generator(3)).Apply(image)));
        Assert.Throws<ArgumentException>(() => new RandomCrop(3).Apply(image));
        Assert.Equal(new[] { 1, 3, 3 }, new RandomCrop(3, padIfNeeded: true).Apply(image).Shape);
    }

    [Fact]
    public void RandomHorizontalFlip_mirrors_the_last_dim_with_probability_p()
    {
        var x = Torch.FromArray(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, 1, 2, 3);
        Assert.Equal(new[] { 3f, 2, 1, 6, 5, 4 }, F(new RandomHorizontalFlip(1).Apply(x)));
        Assert.Equal(new[] { 1f, 2, 3, 4, 5, 6 }, F(new RandomHorizontalFlip(0).Apply(x)));
        var half = new RandomHorizontalFlip(0.5, new Generator(6));
        var flips = Enumerable.Range(0, 1000).Count(_ => F(half.Apply(x))[0] == 3f);
        Assert.InRange(flips, 430, 570);
    }

    [Fact]
    public void Resize_is_bilinear_with_align_corners_false()
    {
        var x = Torch.FromArray(new[] { 0f, 1f, 2f, 3f }, 1, 2, 2);
        var up = new Resize((4, 4)).Apply(x);
        Assert.Equal(new[] { 1, 4, 4 }, up.Shape);
        // torch.nn.functional.interpolate(x, size=(4, 4), mode="bilinear", align_corners=False)
        Near(new[] { 0f, 0.25f, 0.75f, 1f, 0.5f, 0.75f, 1.25f, 1.5f, 1.5f, 1.75f, 2.25f, 2.5f, 2f, 2.25f, 2.75f, 3f }, up);
        var down = new Resize((2, 2)).Apply(Torch.Arange(0, 16, 1, DType.Float32).Reshape(1, 4, 4));
        Near(new[] { 2.5f, 4.5f, 10.5f, 12.5f }, down);
        var bytes = new Resize((1, 4)).Apply(Torch.FromArray(new byte[] { 0, 255 }, 1, 1, 2));
        Assert.Equal(DType.UInt8, bytes.DType);
        Assert.Equal(new byte[] { 0, 64, 191, 255 }, bytes.ToArray<byte>());
        Assert.Equal(new[] { 1, 2, 4 }, new Resize(2).Apply(Torch.Zeros(1, 4, 8)).Shape);
        Assert.Equal(new[] { 3, 5, 2 }, new Resize(2).Apply(Torch.Zeros(3, 10, 4)).Shape);
    }

    [Fact]
    public void CenterCrop_takes_the_middle_and_pads_small_images()
    {
        var x = Torch.Arange(0, 16, 1, DType.Float32).Reshape(1, 4, 4);
        Assert.Equal(new[] { 5f, 6, 9, 10 }, F(new CenterCrop(2).Apply(x)));
        // 5×5 → 2×2: round(1.5) = 2 (half to even, as Python).
        var five = Torch.Arange(0, 25, 1, DType.Float32).Reshape(5, 5);
        Assert.Equal(new[] { 12f, 13, 17, 18 }, F(new CenterCrop(2).Apply(five)));
        var small = new CenterCrop(4).Apply(Torch.Ones(1, 2, 2));
        Assert.Equal(new[] { 0f, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0 }, F(small));
    }

    [Fact]
    public void Compose_and_Lambda_chain_in_order()
    {
        var t = new Compose(new Lambda(x => x + 1), new Lambda(x => x * 10));
        Assert.Equal(new[] { 10f, 20f }, F(t.Apply(Torch.Tensor(new[] { 0f, 1f }))));
        Func<Tensor, Tensor> f = t;
        Assert.Equal(new[] { 10f }, F(f(Torch.Tensor(new[] { 0f }))));
    }
}
