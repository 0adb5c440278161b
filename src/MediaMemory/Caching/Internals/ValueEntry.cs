using System.Diagnostics;
using MediaMemory.Budgeting;

namespace MediaMemory.Caching.Internals;

/// <summary>
/// A cache entry with its value and its budget reservation; knows how to be pinned, unpinned and
/// released, so a lease needs no reference to its cache.
/// </summary>
/// <remarks>
/// Release happens exactly once: by the thread whose compare-exchange moved the state word to
/// "removed with no pins" (an eviction), by a removal that found no pins, or by the last unpin of an
/// entry removed while pinned. The token is released before the value is disposed.
/// </remarks>
internal abstract class ValueEntry<TValue> : CacheEntry
{
    protected ValueEntry(TValue value, int keyHash, long sizeBytes, long costMicros, long tick)
        : base(keyHash, sizeBytes, costMicros, tick)
    {
        Value = value;
    }

    public TValue Value { get; }

    public AllocationToken Token { get; set; }

    /// <summary>
    /// True when the value belongs to another entry: the same object was stored again under the key, so the
    /// entry it replaced (or the new entry, when the store was refused) must not dispose it when it goes.
    /// Set under the cache's lock before the entry is marked removed; read by whoever releases it.
    /// </summary>
    public bool ValueHeldElsewhere
    {
        get => Volatile.Read(ref _valueHeldElsewhere);
        set => Volatile.Write(ref _valueHeldElsewhere, value);
    }

    private bool _valueHeldElsewhere;

    /// <summary>Adds a pin unless the entry was removed.</summary>
    public bool TryPin()
    {
        while (true)
        {
            var state = Volatile.Read(ref State);
            if ((state & RemovedFlag) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref State, state + 1, state) == state)
            {
                return true;
            }
        }
    }

    /// <summary>Drops a pin; the last pin of a removed entry releases it.</summary>
    public void Unpin()
    {
        var state = Interlocked.Decrement(ref State);
        System.Diagnostics.Debug.Assert((state & ~RemovedFlag) >= 0, "unpinned more often than pinned");
        if (state == RemovedFlag)
        {
            Release();
        }
    }

    /// <summary>Marks an unpinned entry removed; false if it is pinned (or already removed).</summary>
    public bool TryMarkEvicted() => Interlocked.CompareExchange(ref State, RemovedFlag, 0) == 0;

    /// <summary>Undoes <see cref="TryMarkEvicted"/> for an entry the caller marked and has not accounted yet, under
    /// the cache's lock: no pin can have landed meanwhile (a pin fails on a removed entry), so the state was exactly
    /// the flag, and goes back to 0 (resident, unpinned).</summary>
    public void UnmarkEvicted()
    {
        Debug.Assert(Volatile.Read(ref State) == RemovedFlag, "only an entry just marked, with no pin, is unmarked");
        Volatile.Write(ref State, 0);
    }

    /// <summary>Marks the entry removed whatever its pins; true if it had none (the caller must release it).</summary>
    public bool MarkRemoved()
    {
        while (true)
        {
            var state = Volatile.Read(ref State);
            if ((state & RemovedFlag) != 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref State, state | RemovedFlag, state) == state)
            {
                return state == 0;
            }
        }
    }

    /// <summary>Gives the bytes back to the budget, then disposes the value.</summary>
    public void Release()
    {
        Token.Dispose();
        DisposeValue();
    }

    /// <summary>Disposes the value if it is <see cref="IDisposable"/>, unless <see cref="ValueHeldElsewhere"/>.</summary>
    public void DisposeValue()
    {
        if (!ValueHeldElsewhere && Value is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
