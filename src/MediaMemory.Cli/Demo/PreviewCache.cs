using MediaMemory.Budgeting;
using MediaMemory.Heaps;
using MediaMemory.Pressure;
using MediaMemory.Units;

namespace MediaMemory.Cli.Demo;

/// <summary>
/// The demo's cache of rendered previews (CacheTextures, Low priority): least recently used first
/// out, and a reclaimer, so anything of higher priority that does not fit evicts previews. As a
/// pressure responder it trims 30 % of its bytes at Warning and empties itself at Critical; new
/// previews are rendered at <see cref="Scale"/> of their size (the quality controller sets it).
/// </summary>
/// <remarks>
/// <para>
/// The previews live in a <see cref="ResourceHeap"/> of 4 MiB blocks, transparent huge pages where the
/// kernel grants them; a preview larger than a block gets a dedicated block (huge pages too).
/// Why not a mapping per preview: giving memory back is paid per page and per mapping. At reduced
/// quality previews are 1 MiB or 256 KiB, below a huge page, and a purge of a few hundred of them,
/// one <c>munmap</c> each in 4 KiB pages, took 5–10 ms here (22 µs per 256 KiB <c>munmap</c> while another
/// thread maps memory); sub-allocated, they are freed in nanoseconds and only emptied blocks are unmapped.
/// Why 4 MiB: a full-quality preview (1024 × 1024 BGRA8) fills one exactly, and each <c>munmap</c> still
/// costs 10–20 µs whatever its size, so emptying a cache of ~190 MiB in 2 MiB blocks (~95 calls) took
/// 1.3–1.9 ms. With 4 MiB blocks (and the script's nanosleep and unmapping outside the heap's lock, measured
/// together) the response's p99 in <c>bench pressure</c> fell from a median of 5.65 to 4.11 ms over ten runs
/// each, with the demo's cache hits unchanged (345 against 347). 8 MiB blocks cut the calls again but the demo
/// then had 48 refused reservations (a new block needs 8 MiB of room at once) and fewer hits (325).
/// The cost of blocks: memory returns to the budget a block at a time, so evicting makes room only once
/// every preview of a block is gone, so <see cref="Reclaim"/> evicts the least recently used preview
/// together with its block-mates (up to fifteen other 256 KiB thumbnails), which costs some hits.
/// </para>
/// <para>Thread-safe: one lock around the list and map; previews are freed and blocks trimmed outside it,
/// under a second lock that lets one reclaim (or trim) run at a time.</para>
/// </remarks>
internal sealed class PreviewCache : IMemoryReclaimer, IPressureResponder, IDisposable
{
    /// <summary>Bytes of one block: one full-quality preview, two huge pages on x86-64.</summary>
    public const long BlockBytes = 4L << 20;

    private readonly MemoryBudget _budget;
    private readonly ResourceHeap _heap;
    private readonly Lock _lock = new();
    private readonly Lock _reclaiming = new(); // one Reclaim at a time: each counts the blocks it emptied
    private readonly LinkedList<(int Key, HeapAllocation Preview, long Bytes, int Block)> _lru = new();
    private readonly Dictionary<int, LinkedListNode<(int Key, HeapAllocation Preview, long Bytes, int Block)>> _map = [];
    private readonly Dictionary<int, List<LinkedListNode<(int Key, HeapAllocation Preview, long Bytes, int Block)>>> _byBlock = [];
    private long _bytes;
    private long _sharedBytes;      // previews of a block or less, cached or being rendered
    private long _dedicatedBlocks;  // previews larger than a block, each in a block of its own
    private double _scale = 1.0;

    public PreviewCache(MemoryBudget budget)
    {
        _budget = budget;
        _heap = new ResourceHeap(Name, AllocationCategory.CacheTextures, budget, new ResourceHeapOptions
        {
            BlockSizeBytes = BlockBytes,
            Priority = Priority.Low,
            ReclaimEmptyBlocks = false, // the cache trims its heap itself, right after evicting
        });
    }

    public string Name => "preview-cache";

    public Priority Priority => Priority.Low;

    public PressureStage Stage => PressureStage.Caches;

    /// <summary>Linear scale of newly rendered previews, (0, 1].</summary>
    public double Scale
    {
        get => Volatile.Read(ref _scale);
        set => Volatile.Write(ref _scale, value);
    }

    /// <summary>Bytes of the cached previews (the heap's blocks hold at least this much).</summary>
    public long ReclaimableBytes => Interlocked.Read(ref _bytes);

    public long Hits { get; private set; }

    public long Misses { get; private set; }

    public long Evictions { get; private set; }

    /// <summary>Returns the preview for <paramref name="key"/>, rendering and caching it on a miss when the budget allows.</summary>
    public void Request(int key, int width, int height)
    {
        lock (_lock)
        {
            if (_map.TryGetValue(key, out var node))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                Hits++;
                return;
            }

            Misses++;
        }

        var scale = Scale;
        width = Math.Max(16, (int)(width * scale));
        height = Math.Max(16, (int)(height * scale));
        var sizeBytes = (long)width * height * 4;
        if (!TryPlace(sizeBytes, out var preview))
        {
            return; // Shown once without caching; the budget counted the refusal.
        }

        // Render outside the lock.
        using (var lease = preview.Lease())
        {
            PixelBuffer.Fill(lease.Span, width * 4, key);
        }

        var duplicate = false;
        lock (_lock)
        {
            if (_map.ContainsKey(key))
            {
                duplicate = true;
            }
            else
            {
                var node = _lru.AddFirst((key, preview, sizeBytes, preview.BlockIndex));
                _map[key] = node;
                if (!_byBlock.TryGetValue(node.Value.Block, out var mates))
                {
                    _byBlock[node.Value.Block] = mates = [];
                }

                mates.Add(node);
                Interlocked.Add(ref _bytes, sizeBytes);
            }
        }

        if (duplicate)
        {
            // Another thread cached this key first: give the copy back, and its block if that emptied it
            // (the heap does not trim itself, and the budget counts only cached previews as reclaimable).
            Free(preview, sizeBytes);
            lock (_reclaiming)
            {
                _heap.Trim();
            }
        }
    }

    /// <summary>
    /// Places a preview in the heap. A preview of a block or less is tried in the free space of the blocks
    /// the cache already holds, without evicting or asking the budget; otherwise (or when no block has room)
    /// the cache makes room for a new block among its own entries first: the budget only reclaims for
    /// requests of higher priority, and this request has the cache's own (Low).
    /// </summary>
    private bool TryPlace(long sizeBytes, out HeapAllocation preview)
    {
        // The blocks' free bytes from the cache's own count first: when they cannot hold the preview (at full
        // quality every block is full), the heap is not searched block by block under its lock.
        var shared = sizeBytes <= BlockBytes;
        var sharedFreeBytes = ((_heap.BlockCount - Interlocked.Read(ref _dedicatedBlocks)) * BlockBytes) - Interlocked.Read(ref _sharedBytes);
        if (!(shared && sharedFreeBytes >= sizeBytes && _heap.TryAllocateBufferInExistingBlocks(sizeBytes, Environment.SystemPageSize, out preview)))
        {
            var shortBytes = Math.Max(sizeBytes, BlockBytes) - _budget.AvailableBytes;
            if (shortBytes > 0 && sizeBytes <= _budget.LimitBytes)
            {
                Reclaim(shortBytes, ReclaimReason.Requested);
            }

            if (!_heap.TryAllocateBuffer(sizeBytes, Environment.SystemPageSize, out preview))
            {
                return false;
            }
        }

        if (shared)
        {
            Interlocked.Add(ref _sharedBytes, sizeBytes);
        }
        else
        {
            Interlocked.Increment(ref _dedicatedBlocks);
        }

        return true;
    }

    private void Free(HeapAllocation preview, long sizeBytes)
    {
        preview.Dispose();
        if (sizeBytes <= BlockBytes)
        {
            Interlocked.Add(ref _sharedBytes, -sizeBytes);
        }
        else
        {
            Interlocked.Decrement(ref _dedicatedBlocks);
        }
    }

    /// <summary>Evicts the least recently used preview together with the other previews of its block (so
    /// the block empties and goes back to the budget at once), and again, until the blocks given back cover
    /// <paramref name="bytesWanted"/> or nothing is left; returns those blocks' bytes.</summary>
    public long Reclaim(long bytesWanted, ReclaimReason reason)
    {
        // One at a time (the responder and a thread whose request the budget reclaims for can both be
        // here): the heap's Trim gives back every empty block, so a concurrent Reclaim would count blocks
        // this one emptied, and this one would evict more than it needed.
        using var reclaiming = _reclaiming.EnterScope();
        var victims = new List<(HeapAllocation Preview, long Bytes)>();
        long freed = 0;
        while (freed < bytesWanted)
        {
            victims.Clear();
            lock (_lock)
            {
                // A preview being rendered is not in the cache yet and keeps its block; the next round
                // takes more.
                for (long evicted = 0; evicted < bytesWanted - freed && _lru.Last is { } last;)
                {
                    foreach (var node in _byBlock.Remove(last.Value.Block, out var mates) ? mates : [last])
                    {
                        _lru.Remove(node);
                        _map.Remove(node.Value.Key);
                        victims.Add((node.Value.Preview, node.Value.Bytes));
                        evicted += node.Value.Bytes;
                        Interlocked.Add(ref _bytes, -node.Value.Bytes);
                        Evictions++;
                    }
                }
            }

            // A preview larger than a block had a block of its own, given back as it is freed; shared
            // blocks go back when trimmed empty.
            foreach (var (victim, bytes) in victims)
            {
                Free(victim, bytes);
                freed += bytes > BlockBytes ? ByteMath.AlignUp(bytes, NativeBlock.BaseAlignmentBytes) : 0;
            }

            freed += _heap.Trim();
            if (victims.Count == 0)
            {
                break;
            }
        }

        return freed;
    }

    public void Respond(PressureResponse response)
    {
        if (response.Level == PressureLevel.Critical)
        {
            Reclaim(long.MaxValue, ReclaimReason.Pressure);
        }
        else if (response.Level == PressureLevel.Warning && response.IsRising)
        {
            Reclaim(ReclaimableBytes * 3 / 10, ReclaimReason.Pressure);
        }
    }

    public void Dispose()
    {
        Reclaim(long.MaxValue, ReclaimReason.Requested);
        _heap.Dispose();
    }
}
