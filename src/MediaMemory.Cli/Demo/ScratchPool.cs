using MediaMemory.Budgeting;
using MediaMemory.Pressure;

namespace MediaMemory.Cli.Demo;

/// <summary>
/// Scratch buffers for effects (Effects, Normal priority): kept between uses so an effect does not
/// allocate per frame, and given back when something more important needs the memory, or when
/// pressure rises to Warning or above (as a pressure responder).
/// </summary>
/// <remarks>Thread-safe: one lock around the idle list.</remarks>
internal sealed class ScratchPool(MemoryBudget budget) : IMemoryReclaimer, IPressureResponder, IDisposable
{
    private readonly Lock _lock = new();
    private readonly List<PixelBuffer> _idle = [];
    private long _idleBytes;

    public string Name => "effect-scratch";

    public Priority Priority => Priority.Normal;

    public PressureStage Stage => PressureStage.Caches;

    public long ReclaimableBytes => Interlocked.Read(ref _idleBytes);

    /// <summary>An idle buffer of exactly <paramref name="sizeBytes"/>, or a new one; null when refused.</summary>
    public PixelBuffer? Rent(long sizeBytes, int rowBytes)
    {
        lock (_lock)
        {
            var index = _idle.FindIndex(b => b.SizeBytes == sizeBytes);
            if (index >= 0)
            {
                var buffer = _idle[index];
                _idle.RemoveAt(index);
                Interlocked.Add(ref _idleBytes, -buffer.SizeBytes);
                return buffer;
            }
        }

        return PixelBuffer.TryCreate(budget, sizeBytes, rowBytes, AllocationCategory.Effects, Priority.Normal);
    }

    public void Return(PixelBuffer buffer)
    {
        lock (_lock)
        {
            _idle.Add(buffer);
            Interlocked.Add(ref _idleBytes, buffer.SizeBytes);
        }
    }

    public long Reclaim(long bytesWanted, ReclaimReason reason)
    {
        var victims = new List<PixelBuffer>();
        long freed = 0;
        lock (_lock)
        {
            while (freed < bytesWanted && _idle.Count > 0)
            {
                var buffer = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
                Interlocked.Add(ref _idleBytes, -buffer.SizeBytes);
                victims.Add(buffer);
                freed += buffer.SizeBytes;
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
        if (response.Level >= PressureLevel.Warning && response.IsRising)
        {
            Reclaim(long.MaxValue, ReclaimReason.Pressure);
        }
    }

    public void Dispose() => Reclaim(long.MaxValue, ReclaimReason.Requested);
}
