namespace MediaMemory.Cli.Cache;

/// <summary>
/// The capacities one replay gives each cache. Byte-bounded caches (the library's, MemoryCache) get
/// <see cref="CapacityBytes"/> for traces with sizes; item-bounded ones (BitFaster, Belady) get
/// <see cref="PeerItems"/>: the item count given, or for a byte capacity the number of objects of the
/// trace's mean size that fit in it. For traces without sizes every object is 1 unit, so bytes and
/// items are the same number. Item capacities are at least <see cref="MinItems"/>, the smallest
/// BitFaster's caches accept (hot, warm and cold queues of one item each).
/// </summary>
internal sealed record ReplayPlan(long? CapacityBytes, int PeerItems)
{
    /// <summary>The smallest item capacity.</summary>
    public const int MinItems = 3;

    /// <summary>The units a byte-bounded cache is given: bytes, or items for unit-size traces.</summary>
    public long ByteBoundedUnits => CapacityBytes ?? PeerItems;

    public static ReplayPlan For(Trace trace, long? capacityBytes, int? capacityItems)
    {
        if (trace.HasSizes)
        {
            var bytes = capacityBytes ?? throw new Infrastructure.UsageException($"{trace.Name} has object sizes: give --capacity SIZE (bytes)");
            var items = (int)Math.Clamp(bytes / Math.Max(1, trace.MeanObjectSizeBytes), MinItems, int.MaxValue);
            return new ReplayPlan(bytes, items);
        }

        var count = capacityItems ?? throw new Infrastructure.UsageException($"{trace.Name} has no object sizes: give --capacity-items N");
        return new ReplayPlan(null, count);
    }
}
