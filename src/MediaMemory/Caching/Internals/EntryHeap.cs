namespace MediaMemory.Caching.Internals;

/// <summary>
/// A binary min-heap of cache entries by (<see cref="CacheEntry.PolicyPriority"/>,
/// <see cref="CacheEntry.PolicyTieBreak"/>), with lazy re-prioritisation: hits do not touch the heap
/// (they run without the cache's lock); instead, when the minimum was accessed since its priority was
/// computed (its <see cref="CacheEntry.LastAccessTick"/> differs from its stamp), it is re-prioritised
/// and sifted down before it may leave.
/// </summary>
/// <remarks>
/// Exact for priorities that never fall when an entry is accessed (LRU recency, GreedyDual's H): an
/// entry whose stored priority is stale can only be worth more than stored, so the true minimum is
/// found once the top is fresh. Not thread-safe: used under the cache's lock.
/// </remarks>
internal sealed class EntryHeap
{
    private CacheEntry[] _items = new CacheEntry[16];

    public int Count { get; private set; }

    public void Add(CacheEntry entry)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, Count * 2);
        }

        entry.PolicyIndex = Count;
        _items[Count++] = entry;
        SiftUp(entry.PolicyIndex);
    }

    public void Remove(CacheEntry entry)
    {
        var index = entry.PolicyIndex;
        if ((uint)index >= (uint)Count || !ReferenceEquals(_items[index], entry))
        {
            return;
        }

        RemoveAt(index);
    }

    /// <summary>Takes the entry of least priority, re-prioritising stale tops with <paramref name="priorityOf"/>.</summary>
    public CacheEntry? TakeMin(Func<CacheEntry, double> priorityOf)
    {
        while (Count > 0)
        {
            var top = _items[0];
            var seen = top.LastAccessTick;
            if (seen != top.PolicyStamp)
            {
                top.PolicyStamp = seen;
                top.PolicyPriority = priorityOf(top);
                SiftDown(0);
                continue;
            }

            RemoveAt(0);
            return top;
        }

        return null;
    }

    public CacheEntry? Peek() => Count > 0 ? _items[0] : null;

    private void RemoveAt(int index)
    {
        var removed = _items[index];
        removed.PolicyIndex = -1;
        Count--;
        if (index != Count)
        {
            var last = _items[Count];
            _items[index] = last;
            last.PolicyIndex = index;
            SiftDown(index);
            SiftUp(last.PolicyIndex);
        }

        _items[Count] = null!;
    }

    private static bool Less(CacheEntry a, CacheEntry b) =>
        a.PolicyPriority < b.PolicyPriority || (a.PolicyPriority == b.PolicyPriority && a.PolicyTieBreak < b.PolicyTieBreak);

    private void SiftUp(int index)
    {
        var item = _items[index];
        while (index > 0)
        {
            var parent = (index - 1) >> 1;
            if (!Less(item, _items[parent]))
            {
                break;
            }

            _items[index] = _items[parent];
            _items[index].PolicyIndex = index;
            index = parent;
        }

        _items[index] = item;
        item.PolicyIndex = index;
    }

    private void SiftDown(int index)
    {
        var item = _items[index];
        while (true)
        {
            var child = (index << 1) + 1;
            if (child >= Count)
            {
                break;
            }

            if (child + 1 < Count && Less(_items[child + 1], _items[child]))
            {
                child++;
            }

            if (!Less(_items[child], item))
            {
                break;
            }

            _items[index] = _items[child];
            _items[index].PolicyIndex = index;
            index = child;
        }

        _items[index] = item;
        item.PolicyIndex = index;
    }
}
