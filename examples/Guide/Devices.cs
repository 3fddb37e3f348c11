namespace Hybrid.Examples.Guide;

public static class Devices
{
    public static void Run()
    {
        #region devices
        var x = Torch.Ones(2, 2);
        Console.WriteLine($"x.Device = {x.Device}");
        Console.WriteLine($"Device.Parse(\"cuda:1\") = {Device.Parse("cuda:1")}");

        // A device type works once a backend for it is registered (Backends.Register):
        try
        {
            Backends.For(Device.Cuda);
        }
        catch (InvalidOperationException e)
        {
            Console.WriteLine(e.Message);
        }
        #endregion
    }
}
