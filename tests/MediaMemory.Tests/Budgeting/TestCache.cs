using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Budgeting;

/// <summary>
/// A real reclaimer for tests: a cache that holds real <see cref="AllocationToken"/>s and frees them
/// by disposing them, oldest first, so the budget's accounting (not this class) says what was freed.
/// </summary>
/// <remarks>
/// Thread-safe: one lock guards the entry list. Tokens are disposed after leaving the lock, so the
/// budget's lock is never taken while this one is held (no lock-order inversion with the budget).
/// </remarks>
internal sealed class TestCache(string name, Priority priority, List<string>? callLog = null) : IMemoryReclaimer
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(AllocationToken Token, long Bytes)> _entries = new();
    private long _heldBytes;
    private int _reclaimCalls;

    public string Name { get; } = name;

    public Priority Priority { get; } = priority;

    /// <summary>When set, <see cref="ReclaimableBytes"/> reports this instead of what is held.</summary>
    public long? ReportedReclaimable { get; set; }

    /// <summary>Added to the honest figure that <see cref="Reclaim"/> returns (a lying reclaimer).</summary>
    public long ExtraClaimedBytes { get; set; }

    /// <summary>When set, <see cref="Reclaim"/> throws this instead of freeing.</summary>
    public Exception? ThrowOnReclaim { get; set; }

    /// <summary>Runs inside <see cref="Reclaim"/> before freeing (to reserve, recurse, ...).</summary>
    public Action<long>? OnReclaim { get; set; }

    /// <summary>Bytes <see cref="Reclaim"/> may free at most per call; default unlimited.</summary>
    public long MaxFreedPerCall { get; set; } = long.MaxValue;

    public long HeldBytes
    {
        get
        {
            lock (_lock)
            {
                return _heldBytes;
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public int ReclaimCalls => Volatile.Read(ref _reclaimCalls);

    /// <summary>The wanted bytes of every call to <see cref="Reclaim"/>, in order.</summary>
    public List<long> Requests { get; } = [];

    public long ReclaimableBytes => ReportedReclaimable ?? HeldBytes;

    /// <summary>Reserves <paramref name="count"/> tokens of <paramref name="bytesEach"/> at this cache's priority and keeps them.</summary>
    public void Fill(MemoryBudget budget, int count, long bytesEach, AllocationCategory category = AllocationCategory.CacheTextures)
    {
        for (var i = 0; i < count; i++)
        {
            Add(budget.Reserve(bytesEach, category, Priority), bytesEach);
        }
    }

    /// <summary>Takes ownership of <paramref name="token"/> of <paramref name="bytes"/> bytes.</summary>
    public void Add(AllocationToken token, long bytes)
    {
        lock (_lock)
        {
            _entries.AddLast((token, bytes));
            _heldBytes += bytes;
        }
    }

    /// <summary>Removes the newest entry, if any, and hands its token back to the caller.</summary>
    public bool TryTake(out AllocationToken token)
    {
        lock (_lock)
        {
            if (_entries.Last is { } last)
            {
                _entries.RemoveLast();
                _heldBytes -= last.Value.Bytes;
                token = last.Value.Token;
                return true;
            }
        }

        token = default;
        return false;
    }

    public long Reclaim(long bytesWanted, ReclaimReason reason)
    {
        Interlocked.Increment(ref _reclaimCalls);
        lock (_lock)
        {
            Requests.Add(bytesWanted);
        }

        if (callLog is not null)
        {
            lock (callLog)
            {
                callLog.Add(Name);
            }
        }

        OnReclaim?.Invoke(bytesWanted);
        if (ThrowOnReclaim is not null)
        {
            throw ThrowOnReclaim;
        }

        var victims = new List<(AllocationToken Token, long Bytes)>();
        long freed = 0;
        var limit = Math.Min(bytesWanted, MaxFreedPerCall);
        lock (_lock)
        {
            while (freed < limit && _entries.First is { } first)
            {
                if (freed + first.Value.Bytes > MaxFreedPerCall)
                {
                    break;
                }

                _entries.RemoveFirst();
                _heldBytes -= first.Value.Bytes;
                freed += first.Value.Bytes;
                victims.Add(first.Value);
            }
        }

        foreach (var victim in victims)
        {
            victim.Token.Dispose();
        }

        return freed + ExtraClaimedBytes;
    }

    /// <summary>Disposes everything still held.</summary>
    public void Clear()
    {
        while (TryTake(out var token))
        {
            token.Dispose();
        }
    }
}
