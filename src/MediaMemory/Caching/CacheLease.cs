using System.Diagnostics.CodeAnalysis;
using MediaMemory.Caching.Internals;

namespace MediaMemory.Caching;

/// <summary>
/// A pin on a cached value: while the lease is held, the entry is never evicted, and its value is
/// never disposed. Dispose the lease when done with the value.
/// </summary>
/// <remarks>
/// <para>
/// If the entry is removed or replaced while pinned, it leaves the cache at once but keeps its budget
/// reservation and its value until the last lease is disposed.
/// </para>
/// <para>
/// A struct, so that a pinned hit allocates nothing: its state lives in a slot the cache pools per thread.
/// Copies of a lease are one pin: the first <see cref="Dispose"/> of any copy drops it, and every copy is then
/// disposed (<see cref="Value"/>, <see cref="SizeBytes"/> and <see cref="CostMicros"/> throw
/// <see cref="ObjectDisposedException"/>). Each lease carries a generation that the slot checks, so disposing a
/// copy again drops no other pin, even one that reuses the slot. <c>default</c> is a disposed lease.
/// Thread-safe.
/// </para>
/// </remarks>
/// <typeparam name="TValue">The cache's value type.</typeparam>
public readonly struct CacheLease<TValue> : IDisposable, IEquatable<CacheLease<TValue>>
{
    private readonly LeaseSlot<TValue>? _slot;
    private readonly long _generation;

    /// <summary>A lease on <paramref name="entry"/>, which the caller has pinned once for it.</summary>
    internal CacheLease(ValueEntry<TValue> entry)
    {
        _slot = LeaseSlot<TValue>.Rent(entry, out _generation);
    }

    /// <summary>The value; owned by the cache, do not dispose it.</summary>
    /// <exception cref="ObjectDisposedException">The lease (or a copy of it) was disposed, or is <c>default</c>.</exception>
    public TValue Value => Entry.Value;

    /// <summary>The entry's declared size in bytes.</summary>
    /// <exception cref="ObjectDisposedException">The lease (or a copy of it) was disposed, or is <c>default</c>.</exception>
    public long SizeBytes => Entry.SizeBytes;

    /// <summary>The entry's declared recreation cost in microseconds.</summary>
    /// <exception cref="ObjectDisposedException">The lease (or a copy of it) was disposed, or is <c>default</c>.</exception>
    public long CostMicros => Entry.CostMicros;

    /// <summary>True once this lease or a copy of it was disposed, and for <c>default</c>.</summary>
    public bool IsDisposed => _slot?.EntryFor(_generation) is null;

    private ValueEntry<TValue> Entry => _slot?.EntryFor(_generation) ?? ThrowDisposed();

    /// <summary>True if both are the same lease (copies of one pin).</summary>
    public static bool operator ==(CacheLease<TValue> left, CacheLease<TValue> right) => left.Equals(right);

    /// <summary>True unless both are the same lease.</summary>
    public static bool operator !=(CacheLease<TValue> left, CacheLease<TValue> right) => !left.Equals(right);

    /// <summary>Drops the pin. A second call, on this lease or any copy, does nothing.</summary>
    public void Dispose() => _slot?.Release(_generation);

    /// <inheritdoc />
    public bool Equals(CacheLease<TValue> other) => ReferenceEquals(_slot, other._slot) && _generation == other._generation;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CacheLease<TValue> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_slot, _generation);

    [DoesNotReturn]
    private static ValueEntry<TValue> ThrowDisposed() =>
        throw new ObjectDisposedException(typeof(CacheLease<TValue>).FullName, "the lease was disposed (or is default): pin the key again to use its value");
}
