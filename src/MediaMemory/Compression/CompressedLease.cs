using MediaMemory.Heaps;

namespace MediaMemory.Compression;

/// <summary>
/// Access to one entry's uncompressed bytes in a <see cref="CompressedStore"/>. While any lease of an
/// entry is open, the entry is active and is never compressed; disposing the lease starts its idle time.
/// </summary>
/// <remarks>Thread-safe to dispose (idempotent). Do not use a span taken from <see cref="Span"/> after
/// disposing the lease: the store may compress the entry and free the memory behind it.</remarks>
public sealed class CompressedLease : IDisposable
{
    private readonly CompressedStore _store;
    private readonly CompressedStore.Entry _entry;
    private int _disposed;

    internal CompressedLease(CompressedStore store, CompressedStore.Entry entry)
    {
        _store = store;
        _entry = entry;
    }

    /// <summary>The entry leased.</summary>
    public CompressedEntryId Id => _entry.Id;

    /// <summary>Length of the entry in bytes.</summary>
    public long LengthBytes => _entry.OriginalBytes;

    /// <summary>The entry's bytes, readable and writable, in native memory the store owns.</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public Span<byte> Span => Block.GetSpan(0, (int)_entry.OriginalBytes);

    /// <summary>The entry's bytes as <see cref="Memory{T}"/> (allocates a small manager object).</summary>
    /// <exception cref="ObjectDisposedException">The lease was disposed.</exception>
    public Memory<byte> Memory => Block.GetMemory(0, (int)_entry.OriginalBytes);

    // An open lease keeps its entry resident (never compressed, removed or freed: the store refuses or
    // defers), so the block is there; the null check is a clear error instead of a NullReferenceException
    // should that ever not hold.
    private NativeBlock Block
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _entry.Block ?? throw new ObjectDisposedException(nameof(CompressedLease), $"entry {_entry.Id} is no longer in memory");
        }
    }

    /// <summary>Ends the access; the entry's idle time starts now. Later calls do nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _store.Release(_entry);
        }
    }
}
