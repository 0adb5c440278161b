using MediaMemory.Budgeting;
using MediaMemory.Pressure;

namespace MediaMemory.Cli.Demo;

/// <summary>
/// The demo's cache of rendered previews (CacheTextures, Low priority): least recently used first
/// out, and a reclaimer, so anything of higher priority that does not fit evicts previews. As a
/// pressure responder it trims 30 % of its bytes at Warning and empties itself at Critical; new
/// previews are rendered at <see cref="Scale"/> of their size (the quality controller sets it).
/// </summary>
/// <remarks>Thread-safe: one lock around the list and map; buffers are freed outside it.</remarks>
internal sealed class PreviewCache(MemoryBudget budget) : IMemoryReclaimer, IPressureResponder, IDisposable
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(int Key, PixelBuffer Buffer)> _lru = new();
    private readonly Dictionary<int, LinkedListNode<(int Key, PixelBuffer Buffer)>> _map = [];
    private long _bytes;
    private double _scale = 1.0;

    public string Name => "preview-cache";

    public Priority Priority => Priority.Low;

    public PressureStage Stage => PressureStage.Caches;

    /// <summary>Linear scale of newly rendered previews, (0, 1].</summary>
    public double Scale
    {
        get => Volatile.Read(ref _scale);
        set => Volatile.Write(ref _scale, value);
    }

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

        // A cache makes room among its own entries first: the budget only reclaims for requests of
        // higher priority, and this request has the cache's own (Low).
        var scale = Scale;
        width = Math.Max(16, (int)(width * scale));
        height = Math.Max(16, (int)(height * scale));
        var sizeBytes = (long)width * height * 4;
        var shortBytes = sizeBytes - budget.AvailableBytes;
        if (shortBytes > 0 && sizeBytes <= budget.LimitBytes)
        {
            Reclaim(shortBytes, ReclaimReason.Requested);
        }

        // Render outside the lock.
        var buffer = PixelBuffer.TryCreate(budget, sizeBytes, width * 4, AllocationCategory.CacheTextures, Priority.Low);
        if (buffer is null)
        {
            return; // Shown once without caching; the budget counted the refusal.
        }

        buffer.Fill(key);
        PixelBuffer? duplicate = null;
        lock (_lock)
        {
            if (_map.ContainsKey(key))
            {
                duplicate = buffer;
            }
            else
            {
                _map[key] = _lru.AddFirst((key, buffer));
                Interlocked.Add(ref _bytes, buffer.SizeBytes);
            }
        }

        duplicate?.Dispose();
    }

    public long Reclaim(long bytesWanted, ReclaimReason reason)
    {
        var victims = new List<PixelBuffer>();
        long freed = 0;
        lock (_lock)
        {
            while (freed < bytesWanted && _lru.Last is { } last)
            {
                _lru.RemoveLast();
                _map.Remove(last.Value.Key);
                victims.Add(last.Value.Buffer);
                freed += last.Value.Buffer.SizeBytes;
                Interlocked.Add(ref _bytes, -last.Value.Buffer.SizeBytes);
                Evictions++;
            }
        }

        foreach (var victim in victims)
        {
            victim.Dispose();
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

    public void Dispose() => Reclaim(long.MaxValue, ReclaimReason.Requested);
}
