using System.Globalization;

namespace MediaMemory.Cli.Cache;

/// <summary>
/// The capacities one replay gives each cache. Byte-bounded caches (the library's, MemoryCache) get
/// <see cref="CapacityBytes"/> for traces with sizes; item-bounded ones (BitFaster, Belady) get
/// <see cref="PeerItems"/>: the item count given, or for a byte capacity the number of objects of the
/// trace's mean size that fit in it. For traces without sizes every object is 1 unit, so bytes and
/// items are the same number. Item capacities are at least <see cref="MinItems"/>, the smallest
/// BitFaster's caches work with, and at most
/// <see cref="MaxItems"/>, given or derived: a byte capacity that makes more is refused, naming the count.
/// </summary>
internal sealed record ReplayPlan(long? CapacityBytes, int PeerItems)
{
    /// <summary>The smallest item capacity: 5. BitFaster.Caching 2.6.1's <c>ConcurrentLfu</c> throws
    /// <c>NullReferenceException</c> on its first insert with a capacity of 3 or 4 (measured: gli at 3 and 4,
    /// and media-session-a at 64 MiB, whose mean object makes 3; 5 and more work); its <c>ConcurrentLru</c>
    /// needs 3 (hot, warm and cold queues of one item each).</summary>
    public const int MinItems = 5;

    /// <summary>The largest item capacity, given (<c>--capacity-items</c>) or derived from <c>--capacity</c>
    /// (arbitrary: well above any trace's distinct keys here, orm-busy's 76,349 the most, and low enough that
    /// the peers' structures sized by it — ConcurrentLfu's sketch and queues — stay within memory).</summary>
    public const int MaxItems = 100_000_000;

    /// <summary>The units a byte-bounded cache is given: bytes, or items for unit-size traces.</summary>
    public long ByteBoundedUnits => CapacityBytes ?? PeerItems;

    public static ReplayPlan For(Trace trace, long? capacityBytes, int? capacityItems)
    {
        if (trace.HasSizes)
        {
            var bytes = capacityBytes ?? throw new Infrastructure.UsageException($"{trace.Name} has object sizes: give --capacity SIZE (bytes)");
            var meanBytes = Math.Max(1, trace.MeanObjectSizeBytes);
            var derived = Math.Floor(bytes / meanBytes);
            if (derived > MaxItems)
            {
                var most = (long)Math.Floor(MaxItems * meanBytes);
                throw new Infrastructure.UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"--capacity: {bytes} bytes at {trace.Name}'s mean object size of {meanBytes:0.#} bytes makes {derived:N0} items for the item-bounded peers, above the {MaxItems:N0} they can be given (as for --capacity-items); use --capacity {most} or less"));
            }

            return new ReplayPlan(bytes, Math.Max(MinItems, (int)derived));
        }

        var count = capacityItems ?? throw new Infrastructure.UsageException($"{trace.Name} has no object sizes: give --capacity-items N");
        return new ReplayPlan(null, count);
    }
}
