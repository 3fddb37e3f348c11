namespace Hybrid;

/// <summary>
/// A flat buffer of elements on one device. Tensors are views over a storage
/// (shape, strides, offset). Storage contents change only through explicit in-place
/// operations, each of which bumps <see cref="Version"/> so that autograd can detect
/// that a value it saved for backward was overwritten.
/// </summary>
public abstract class Storage
{
    static long created;

    /// <summary>Numbers storages in the order they were made (1, 2, …; unique within the process).</summary>
    public long Serial { get; } = Interlocked.Increment(ref created);

    /// <summary>The <see cref="Serial"/> of the latest storage made so far.</summary>
    public static long LatestSerial => Volatile.Read(ref created);

    /// <summary>The device that holds the elements.</summary>
    public abstract Device Device { get; }

    /// <summary>The element type.</summary>
    public abstract DType DType { get; }

    /// <summary>Number of elements.</summary>
    public abstract int Length { get; }

    /// <summary>Incremented by every in-place write.</summary>
    public int Version { get; private set; }

    /// <summary>Name of the last in-place operation that wrote here (for error messages).</summary>
    public string? LastWriter { get; private set; }

    /// <summary>Records an in-place write by the operation <paramref name="op"/>.</summary>
    public void MarkWritten(string op)
    {
        Version++;
        LastWriter = op;
    }
}

/// <summary>A storage in managed memory: a plain .NET array the GC owns.</summary>
public sealed class CpuStorage<T> : Storage where T : unmanaged
{
    static readonly DType ElementDType = DTypes.FromClrType(typeof(T));

    /// <summary>Wraps <paramref name="data"/> without copying.</summary>
    public CpuStorage(T[] data) => Data = data;

    /// <summary>The elements.</summary>
    public T[] Data { get; }

    /// <inheritdoc />
    public override Device Device => Device.Cpu;

    /// <inheritdoc />
    public override DType DType => ElementDType;

    /// <inheritdoc />
    public override int Length => Data.Length;
}
