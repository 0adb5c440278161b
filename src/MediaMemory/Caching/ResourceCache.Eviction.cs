using MediaMemory.Budgeting;
using MediaMemory.Caching.Internals;

namespace MediaMemory.Caching;

/// <summary>Storing and evicting: everything that changes membership, under the cache's lock.</summary>
public sealed partial class ResourceCache<TKey, TValue>
{
    /// <summary>Stores a new entry; if it is not stored, disposes its value and says why. Values evicted for it are disposed after the lock.</summary>
    /// <param name="entry">The new entry (not yet visible).</param>
    /// <param name="admit">Ask the policy whether the entry beats each victim.</param>
    /// <param name="maxVictimCostMicros">Never evict an entry whose cost exceeds this (prefetch's rule).</param>
    /// <param name="pin">Store it pinned once (for the lease of the caller that built it).</param>
    /// <param name="replace">Replace the key's resident entry, if any; if false (a prefetch, which only fills a
    /// miss), a resident entry wins and the new one is not stored.</param>
    private StoreOutcome Store(KeyedEntry<TKey, TValue> entry, bool admit, long maxVictimCostMicros, bool pin, bool replace = true)
    {
        var released = TakeReleasedList();
        StoreOutcome outcome;
        lock (_lock)
        {
            outcome = _disposed ? StoreOutcome.Disposed
                : !replace && _map.ContainsKey(entry.Key) ? StoreOutcome.KeyResident
                : StoreLocked(entry, admit, maxVictimCostMicros, pin, released);
            if (outcome != StoreOutcome.Stored && _map.TryGetValue(entry.Key, out var resident) && SameValue(resident, entry))
            {
                entry.ValueHeldElsewhere = true; // the same object, still resident under the key: not ours to dispose
            }
        }

        if (outcome != StoreOutcome.Stored)
        {
            Interlocked.Increment(ref _rejections);
            entry.DisposeValue();
        }

        DisposeReleased(released);
        return outcome;
    }

    private StoreOutcome StoreLocked(KeyedEntry<TKey, TValue> entry, bool admit, long maxVictimCostMicros, bool pin, List<KeyedEntry<TKey, TValue>> released)
    {
        // Give nothing up for a store that cannot succeed: when the budget is tighter than the entry,
        // check first that evicting what may be evicted (unpinned, within the cost bound) could make
        // room; otherwise the key's old value and other entries would be dropped for a refusal.
        if (entry.SizeBytes > _budget.AvailableBytes && entry.SizeBytes > _budget.AvailableBytes + ObtainableBytesLocked(entry.Key, maxVictimCostMicros))
        {
            return StoreOutcome.BudgetRefused;
        }

        // A new value for a resident key always replaces it, without admission: the key is evidently
        // wanted. The old entry leaves only once the room is known to be there (MakeRoomLocked), so a
        // refused store keeps the key's old value.
        if (_map.TryGetValue(entry.Key, out var old))
        {
            if (old.IsPinned && SameValue(old, entry))
            {
                // The object is in use through the old entry's lease. Replaced, the old entry would leave it to
                // the new one, which would dispose it when it left the cache, under that open lease.
                return StoreOutcome.SameValuePinned;
            }

            admit = false;
        }

        var room = MakeRoomLocked(entry, old, admit, maxVictimCostMicros, released);
        if (room != StoreOutcome.Stored)
        {
            return room;
        }

        // The budget may be tighter than the capacity (other holders, a lowered limit): evict more,
        // without admission, until the bytes are available, so the reservation is not refused (a refusal
        // is an event, a log line and a metric) when the cache itself could make room.
        // A prefetch (cost-bounded) never takes this path: MakeRoomLocked already chose and checked its
        // victims for the budget's shortfall as well as the capacity's, before evicting any of them.
        // One victim a turn, until the bytes are there or only pinned entries are left. The test is "a victim
        // left", not "bytes were freed": a 0-byte victim frees nothing, and the next one may.
        while (maxVictimCostMicros == long.MaxValue && entry.SizeBytes > 0 && _budget.AvailableBytes < entry.SizeBytes)
        {
            EvictLocked(1, CacheRemovalReason.Evicted, released, out var evicted);
            if (evicted == 0)
            {
                break;
            }
        }

        // Accepted race: another holder may reserve between the checks above and this reservation; a refusal
        // here comes after the key's old entry and the victims already left (the one case where a refused
        // store still costs the cache something).
        if (!_budget.TryReserve(entry.SizeBytes, AllocationCategory.CacheTextures, Priority.Low, out var token))
        {
            return StoreOutcome.BudgetRefused;
        }

        entry.Token = token;
        if (pin)
        {
            entry.State = 1;
        }

        _map[entry.Key] = entry;
        _policy.OnAdded(entry, entry.CreatedTick);
        _bytes += entry.SizeBytes;
        _count++;
        _stores++;
        return StoreOutcome.Stored;
    }

    /// <summary>Bytes the cache could give back for a store of <paramref name="key"/>: unpinned entries within the
    /// cost bound, and the key's own old value (replaced, whatever its cost) unless pinned. O(entries); only
    /// asked when the budget is tighter than the new entry.</summary>
    private long ObtainableBytesLocked(TKey key, long maxVictimCostMicros)
    {
        long bytes = 0;
        foreach (var (k, resident) in _map)
        {
            if (!resident.IsPinned && (resident.CostMicros <= maxVictimCostMicros || _comparer.Equals(k, key)))
            {
                bytes += resident.SizeBytes;
            }
        }

        return bytes;
    }

    /// <summary>
    /// Evicts until the entry fits the capacity (bytes and items) and, for a cost-bounded store (a
    /// prefetch), until the budget has its bytes too; replaces <paramref name="old"/>, the key's resident
    /// entry, if any. Victims are first taken from the policy and checked (admission, the cost bound, enough
    /// unpinned bytes); only if all pass are the old entry detached and the victims evicted, so a refused
    /// candidate costs the cache nothing: the victims go back and the old entry stays. Returns
    /// <see cref="StoreOutcome.Stored"/> once the room is made, or why it could not be.
    /// </summary>
    private StoreOutcome MakeRoomLocked(KeyedEntry<TKey, TValue> entry, KeyedEntry<TKey, TValue>? old, bool admit, long maxVictimCostMicros, List<KeyedEntry<TKey, TValue>> released)
    {
        var victims = t_victims ??= [];
        var skipped = t_skipped ??= [];
        var failure = StoreOutcome.Stored;
        var oldTaken = false; // the policy handed the old entry over as a victim: it is out of the policy's order

        // A prefetch may evict only entries within its cost bound, so every victim it needs, the budget's
        // included, must be known to pass before any is evicted; otherwise it would evict for the capacity
        // and then be refused by the budget. Other stores top the budget up afterwards (StoreLocked).
        var coverBudget = maxVictimCostMicros != long.MaxValue;
        try
        {
            while (true)
            {
                // The old entry leaves with the commit: its bytes and its slot count as freed from the start,
                // its reservation only if it is unpinned (a pinned one keeps it until its last lease).
                var freed = old?.SizeBytes ?? 0;
                var budgetFreed = old is { IsPinned: false } ? old.SizeBytes : 0;
                var dropped = old is null ? 0 : 1;
                while (_bytes - freed + entry.SizeBytes > CapacityBytes || (CapacityItems > 0 && _count - dropped + 1 > CapacityItems)
                    || (coverBudget && _budget.AvailableBytes + budgetFreed < entry.SizeBytes))
                {
                    if (_policy.TakeVictim(entry.CreatedTick) is not KeyedEntry<TKey, TValue> victim)
                    {
                        // Only pinned entries are left: they hold the capacity, or (a prefetch) the budget is short.
                        var capacityShort = _bytes - freed + entry.SizeBytes > CapacityBytes || (CapacityItems > 0 && _count - dropped + 1 > CapacityItems);
                        failure = capacityShort ? StoreOutcome.CapacityPinned : StoreOutcome.BudgetRefused;
                        break;
                    }

                    if (ReferenceEquals(victim, old))
                    {
                        oldTaken = true; // already counted above
                        continue;
                    }

                    if (victim.IsPinned)
                    {
                        skipped.Add(victim);
                        continue;
                    }

                    victims.Add(victim);
                    if (victim.CostMicros > maxVictimCostMicros)
                    {
                        failure = StoreOutcome.VictimTooCostly;
                        break;
                    }

                    freed += victim.SizeBytes;
                    budgetFreed += victim.SizeBytes;
                    dropped++;
                }

                if (failure != StoreOutcome.Stored)
                {
                    return failure;
                }

                if (admit && victims.Count > 0 && !_policy.Admit(entry, victims))
                {
                    return StoreOutcome.NotAdmitted;
                }

                admit = false; // decided once: a retry after a victim got pinned does not ask again

                // Commit in two steps. First mark every victim removed: a pin (taken without the lock) may have
                // landed since the check, and then that victim stays, the ones marked so far are unmarked (no
                // pin can land on a marked entry, so they are as they were), and the victims are chosen again
                // with the old entry still in place: nothing leaves for a store that may yet be refused.
                var pinned = -1;
                for (var i = 0; i < victims.Count && pinned < 0; i++)
                {
                    if (!victims[i].TryMarkEvicted())
                    {
                        pinned = i;
                    }
                }

                if (pinned >= 0)
                {
                    for (var i = 0; i < pinned; i++)
                    {
                        victims[i].UnmarkEvicted();
                    }

                    skipped.Add(victims[pinned]);
                    victims.RemoveAt(pinned);
                    PutBackLocked(victims); // they may be taken again on the next pass
                    continue;
                }

                // Then nothing can fail any more: the old entry is replaced and the victims leave.
                if (old is not null)
                {
                    // Set again with the same object: the new entry owns it now; the old one releases only its bytes.
                    old.ValueHeldElsewhere = SameValue(old, entry);
                    DetachLocked(old, CacheRemovalReason.Replaced, released, inPolicy: !oldTaken);
                    old = null;
                    oldTaken = false;
                }

                foreach (var victim in victims)
                {
                    EvictedLocked(victim, CacheRemovalReason.Evicted, released);
                }

                victims.Clear();
                return StoreOutcome.Stored;
            }
        }
        finally
        {
            if (oldTaken)
            {
                _policy.OnAdded(old!, old!.CreatedTick); // the store was refused: the old entry stays
            }

            PutBackLocked(victims);
            PutBackLocked(skipped);
        }
    }

    /// <summary>Evicts unpinned entries in the policy's order until <paramref name="bytesWanted"/> are gone; returns the bytes.</summary>
    private long Evict(long bytesWanted, CacheRemovalReason reason)
    {
        var released = TakeReleasedList();
        long freed;
        lock (_lock)
        {
            freed = EvictLocked(bytesWanted, reason, released, out _);
        }

        DisposeReleased(released);
        return freed;
    }

    /// <summary>Evicts until <paramref name="bytesWanted"/> bytes are gone or only pinned entries remain.
    /// Returns the bytes, and in <paramref name="evicted"/> the entries; an entry of size 0 counts as 1 byte
    /// towards <paramref name="bytesWanted"/>, so that a call for 1 byte evicts exactly one entry if any can go.</summary>
    private long EvictLocked(long bytesWanted, CacheRemovalReason reason, List<KeyedEntry<TKey, TValue>> released, out int evicted)
    {
        var skipped = t_skipped ??= [];
        long freed = 0;
        long progress = 0;
        evicted = 0;
        try
        {
            while (progress < bytesWanted && _policy.TakeVictim(_clock) is KeyedEntry<TKey, TValue> victim)
            {
                if (!victim.TryMarkEvicted())
                {
                    skipped.Add(victim);
                    continue;
                }

                EvictedLocked(victim, reason, released);
                freed += victim.SizeBytes;
                progress += Math.Max(1, victim.SizeBytes);
                evicted++;
            }
        }
        finally
        {
            PutBackLocked(skipped);
        }

        return freed;
    }

    /// <summary>True if both entries hold the same object (never for value types, nor for null).</summary>
    private static bool SameValue(KeyedEntry<TKey, TValue> a, KeyedEntry<TKey, TValue> b) =>
        !typeof(TValue).IsValueType && a.Value is not null && ReferenceEquals(a.Value, b.Value);

    private void PutBackLocked(List<KeyedEntry<TKey, TValue>> entries)
    {
        foreach (var entry in entries)
        {
            _policy.OnAdded(entry, entry.CreatedTick);
        }

        entries.Clear();
    }

    /// <summary>Accounts a victim already marked removed (unpinned) and taken from the policy.</summary>
    private void EvictedLocked(KeyedEntry<TKey, TValue> victim, CacheRemovalReason reason, List<KeyedEntry<TKey, TValue>> released)
    {
        _map.TryRemove(new KeyValuePair<TKey, KeyedEntry<TKey, TValue>>(victim.Key, victim));
        _bytes -= victim.SizeBytes;
        _count--;
        _removals[(int)reason]++;
        victim.Token.Dispose(); // under the lock: the budget's accounting must drop before the next reservation
        released.Add(victim);
    }

    /// <summary>Takes a resident entry out whatever its pins; a pinned one keeps its bytes and value until its last lease.
    /// <c>inPolicy</c> is false when the policy already handed the entry over from <see cref="IEvictionPolicy.TakeVictim"/>.</summary>
    private void DetachLocked(KeyedEntry<TKey, TValue> entry, CacheRemovalReason reason, List<KeyedEntry<TKey, TValue>> released, bool inPolicy = true)
    {
        _map.TryRemove(new KeyValuePair<TKey, KeyedEntry<TKey, TValue>>(entry.Key, entry));
        if (inPolicy)
        {
            _policy.OnRemoved(entry);
        }

        _bytes -= entry.SizeBytes;
        _count--;
        _removals[(int)reason]++;
        if (entry.MarkRemoved())
        {
            entry.Token.Dispose();
            released.Add(entry);
        }
    }

    private static List<KeyedEntry<TKey, TValue>> TakeReleasedList()
    {
        var list = t_released ?? [];
        t_released = null;
        return list;
    }

    /// <summary>Disposes the values of released entries, outside the lock, and returns the list to its slot.</summary>
    private static void DisposeReleased(List<KeyedEntry<TKey, TValue>> released)
    {
        foreach (var entry in released)
        {
            entry.DisposeValue();
        }

        released.Clear();
        t_released = released;
    }
}
