namespace MediaMemory.Caching.Internals;

/// <summary>
/// What a <see cref="CacheLease{TValue}"/> points at: the entry it pins and a generation. Every copy of a
/// lease carries the generation it was made with; the first <see cref="Release"/> with it moves the
/// generation on and drops the pin, so a copy disposed again, or disposed after the slot was reused for
/// another pin, finds a different generation and does nothing. Slots are pooled per thread, so a pinned hit
/// allocates nothing in steady state (the lease itself is a struct).
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="Release"/> is one compare-exchange on the generation; <see cref="EntryFor"/> reads
/// the entry, then the generation, and answers only if the generation is still the caller's, so a stale copy
/// never sees the entry of the slot's next lease (the entry is written after the generation moved on).
/// Accepted: a thread that disposes leases taken on other threads keeps at most <see cref="PoolSize"/> spare
/// slots (the rest go to the GC), and a thread that takes leases others dispose allocates a slot (32 bytes)
/// for each; the steady state of one thread pinning and unpinning allocates nothing. A generation is a long,
/// so it never wraps.
/// </remarks>
internal sealed class LeaseSlot<TValue>
{
    /// <summary>Spare slots one thread keeps (arbitrary: more leases than one thread usually holds at once).</summary>
    internal const int PoolSize = 16;

    [ThreadStatic]
    private static LeaseSlot<TValue>?[]? t_pool;

    [ThreadStatic]
    private static int t_pooled;

    private ValueEntry<TValue>? _entry;
    private long _generation;

    /// <summary>A slot pinning <paramref name="entry"/> (already pinned by the caller), and its generation.</summary>
    public static LeaseSlot<TValue> Rent(ValueEntry<TValue> entry, out long generation)
    {
        var pool = t_pool;
        LeaseSlot<TValue> slot;
        if (pool is not null && t_pooled > 0)
        {
            slot = pool[--t_pooled]!;
            pool[t_pooled] = null;
        }
        else
        {
            slot = new LeaseSlot<TValue>();
        }

        generation = Volatile.Read(ref slot._generation); // the slot is this thread's alone until it is handed out
        Volatile.Write(ref slot._entry, entry);
        return slot;
    }

    /// <summary>The pinned entry if <paramref name="generation"/> is still current; null once released.</summary>
    public ValueEntry<TValue>? EntryFor(long generation)
    {
        var entry = Volatile.Read(ref _entry);
        return Volatile.Read(ref _generation) == generation ? entry : null;
    }

    /// <summary>Drops the pin if <paramref name="generation"/> is current (the first release of any copy), then pools the slot.</summary>
    public void Release(long generation)
    {
        if (Interlocked.CompareExchange(ref _generation, generation + 1, generation) != generation)
        {
            return;
        }

        var entry = _entry!;
        Volatile.Write(ref _entry, null);
        entry.Unpin();
        var pool = t_pool ??= new LeaseSlot<TValue>?[PoolSize];
        if (t_pooled < PoolSize)
        {
            pool[t_pooled++] = this;
        }
    }
}
