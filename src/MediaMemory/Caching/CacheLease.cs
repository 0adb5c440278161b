using MediaMemory.Caching.Internals;

namespace MediaMemory.Caching;

/// <summary>
/// A pin on a cached value: while the lease is held, the entry is never evicted, and its value is
/// never disposed. Dispose the lease when done with the value.
/// </summary>
/// <remarks>
/// If the entry is removed or replaced while pinned, it leaves the cache at once but keeps its budget
/// reservation and its value until the last lease is disposed. <see cref="Dispose"/> is idempotent;
/// <see cref="Value"/> after it throws <see cref="ObjectDisposedException"/>. Thread-safe.
/// </remarks>
/// <typeparam name="TValue">The cache's value type.</typeparam>
public sealed class CacheLease<TValue> : IDisposable
{
    private readonly ValueEntry<TValue> _entry;
    private int _disposed;

    internal CacheLease(ValueEntry<TValue> entry)
    {
        _entry = entry;
    }

    /// <summary>The value; owned by the cache, do not dispose it.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public TValue Value
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _entry.Value;
        }
    }

    /// <summary>The entry's declared size in bytes.</summary>
    public long SizeBytes => _entry.SizeBytes;

    /// <summary>The entry's declared recreation cost in microseconds.</summary>
    public long CostMicros => _entry.CostMicros;

    /// <summary>True once disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Drops the pin. A second call does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _entry.Unpin();
        }
    }
}
