namespace MediaMemory.Purgeable;

/// <summary>
/// Access to a non-volatile <see cref="PurgeableBuffer"/>'s bytes; while any lease is held the buffer
/// cannot be made volatile, purged nor disposed. Obtain with <see cref="PurgeableBuffer.Lease"/> and
/// dispose with <c>using</c>.
/// </summary>
/// <remarks>
/// A <c>ref struct</c>: it cannot outlive the scope that took it, and taking one allocates nothing.
/// A second dispose of the same lease does nothing. Each lease has an id of its own: disposing a copy after
/// the original is an <see cref="InvalidOperationException"/> and ends no other lease.
/// </remarks>
public ref struct PurgeableLease : IDisposable
{
    private readonly PurgeableBuffer? _buffer;
    private readonly long _id;
    private bool _released;

    internal PurgeableLease(PurgeableBuffer buffer, long id, Span<byte> span)
    {
        _buffer = buffer;
        _id = id;
        Span = span;
    }

    /// <summary>The buffer's bytes, <see cref="PurgeableBuffer.SizeBytes"/> long.</summary>
    public Span<byte> Span { get; }

    /// <summary>Ends the lease.</summary>
    public void Dispose()
    {
        if (_released || _buffer is null)
        {
            return;
        }

        _released = true;
        _buffer.ReleaseLease(_id);
    }
}
