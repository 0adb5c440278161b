using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using MediaMemory.Budgeting;
using MediaMemory.Caching.Internals;
using MediaMemory.Pressure;

namespace MediaMemory.Caching;

/// <summary>
/// A cache of rebuildable values (previews, thumbnails, tiles) bounded in bytes, whose entries' memory
/// is reserved from a <see cref="MemoryBudget"/> under <see cref="AllocationCategory.CacheTextures"/>.
/// It is a registered <see cref="IMemoryReclaimer"/> of the budget (priority <see cref="Priority.Low"/>)
/// and an <see cref="IPressureResponder"/> at <see cref="PressureStage.Caches"/>: Warning trims 30 % of
/// its bytes, Critical purges every unpinned entry.
/// </summary>
/// <remarks>
/// <para>
/// Ownership: the caller builds each value and declares its size in bytes and its recreation cost in
/// microseconds; from a successful call of <see cref="Set"/> (stored or not) the cache owns the value and
/// disposes it, if it is <see cref="IDisposable"/>, when it leaves. A call that throws for bad arguments
/// takes nothing over. A value's <c>Dispose</c> must not throw.
/// </para>
/// <para>
/// Thread-safe. Lookups go to a <see cref="ConcurrentDictionary{TKey, TValue}"/> without a lock. A hit
/// takes one interlocked increment (the logical clock), writes the entry's last-access tick (a volatile
/// write), and bumps the entry's access count, the hit counter and the policy's frequency sketch with plain
/// increments — accepted race: concurrent hits can lose a bump, which blurs statistics, never membership —
/// so it allocates nothing and never waits. A pinned hit (<see cref="TryPin"/>, a hit of
/// <see cref="GetOrCreateAsync"/>) adds a compare-exchange on the entry's pin count and takes its lease's
/// slot from a per-thread pool: no allocation in steady state (see <see cref="CacheLease{TValue}"/>). Every change of membership (store, evict, remove) holds one
/// <see cref="Lock"/>, under which the policy's order and the byte counters change together; values are
/// disposed after the lock is released, so a value's <c>Dispose</c> may use the cache. A value returned by
/// <see cref="TryGet"/> may be evicted and disposed at any moment after; pin it
/// (<see cref="TryPin"/>, <see cref="GetOrCreateAsync"/>) to use it safely.
/// </para>
/// <para>
/// Invariant: the budget's <see cref="AllocationCategory.CacheTextures"/> bytes held by this cache equal
/// the sum of the sizes of its resident entries plus those removed while pinned (released with their last lease).
/// </para>
/// </remarks>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public sealed partial class ResourceCache<TKey, TValue> : IMemoryReclaimer, IPressureResponder, IDisposable
    where TKey : notnull
{
    /// <summary>Share of its bytes the cache trims at Warning: the design's 30 %.</summary>
    public const double WarningTrimFraction = 0.3;

    // Per-thread scratch lists, so a store or an eviction allocates no list in steady state. Victims and
    // skipped are used only under the lock; released is taken out of its slot while in use, so a value's
    // Dispose that re-enters the cache gets a fresh list instead of corrupting the one being walked.
    [ThreadStatic]
    private static List<KeyedEntry<TKey, TValue>>? t_victims;

    [ThreadStatic]
    private static List<KeyedEntry<TKey, TValue>>? t_skipped;

    [ThreadStatic]
    private static List<KeyedEntry<TKey, TValue>>? t_released;

    private readonly ConcurrentDictionary<TKey, KeyedEntry<TKey, TValue>> _map;
    private readonly ConcurrentDictionary<TKey, Task<KeyedEntry<TKey, TValue>?>> _inflight;
    private readonly IEqualityComparer<TKey> _comparer;
    private readonly Lock _lock = new();
    private readonly MemoryBudget _budget;
    private readonly IEvictionPolicy _policy;
    private readonly BackgroundWork? _background;
    private readonly IDisposable _registration;
    private readonly long[] _removals = new long[Enum.GetValues<CacheRemovalReason>().Length];

    private long _clock;
    private long _bytes;
    private int _count;
    private long _hits;
    private long _misses;
    private long _stores;
    private long _rejections;
    private volatile bool _disposed;

    /// <summary>Creates a cache that reserves from <paramref name="budget"/> and registers with it as a reclaimer.</summary>
    /// <param name="budget">The budget the entries' bytes are reserved from.</param>
    /// <param name="options">Settings; null for the defaults.</param>
    /// <param name="comparer">Compares keys; null for <see cref="EqualityComparer{T}.Default"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative capacity, or no capacity and a budget limit of 0.</exception>
    /// <exception cref="ArgumentException">An unknown policy name or an empty name.</exception>
    public ResourceCache(MemoryBudget budget, ResourceCacheOptions? options = null, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(budget);
        options ??= new ResourceCacheOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Name, nameof(options.Name));
        ArgumentOutOfRangeException.ThrowIfNegative(options.CapacityBytes, nameof(options.CapacityBytes));
        ArgumentOutOfRangeException.ThrowIfNegative(options.CapacityItems, nameof(options.CapacityItems));
        var capacity = options.CapacityBytes > 0 ? options.CapacityBytes : budget.LimitBytes;
        if (capacity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), capacity, "the cache needs a capacity > 0: set CapacityBytes or give the budget a limit");
        }

        Name = options.Name;
        CapacityBytes = capacity;
        CapacityItems = options.CapacityItems;
        _budget = budget;
        _background = options.BackgroundWork;
        _comparer = comparer ?? EqualityComparer<TKey>.Default;
        _policy = options.Policy ?? EvictionPolicies.Create(options.PolicyName);
        _policy.Initialize(CapacityBytes, CapacityItems);
        _map = comparer is null ? new() : new(comparer);
        _inflight = comparer is null ? new() : new(comparer);
        _registration = budget.RegisterReclaimer(this);
    }

    /// <inheritdoc cref="IMemoryReclaimer.Name" />
    public string Name { get; }

    /// <summary>Most bytes the cache holds (it also stays within what the budget grants).</summary>
    public long CapacityBytes { get; }

    /// <summary>Most entries the cache holds, or 0 when only bytes bound it.</summary>
    public int CapacityItems { get; }

    /// <summary>The eviction policy's name.</summary>
    public string PolicyName => _policy.Name;

    /// <summary>Entries resident now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Bytes of the resident entries now (their declared sizes).</summary>
    public long SizeBytes => Volatile.Read(ref _bytes);

    /// <inheritdoc />
    public Priority Priority => Priority.Low;

    /// <inheritdoc />
    public long ReclaimableBytes => _disposed ? 0 : Volatile.Read(ref _bytes);

    /// <inheritdoc />
    public PressureStage Stage => PressureStage.Caches;

    /// <summary>
    /// Looks <paramref name="key"/> up; on a hit, counts the access and returns the value (still owned by
    /// the cache: it may be evicted and disposed at any time after, so pin it to keep it). Allocation-free.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        if (TryGetEntry(key, out var entry))
        {
            value = entry.Value;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Looks <paramref name="key"/> up and pins the entry; dispose the lease when done with the value.
    /// On a miss, <paramref name="lease"/> is <c>default</c> (a disposed lease). Allocation-free in steady state.</summary>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public bool TryPin(TKey key, out CacheLease<TValue> lease)
    {
        // An entry evicted between the lookup and the pin counts as a hit that came too late: accepted.
        if (TryGetEntry(key, out var entry) && entry.TryPin())
        {
            lease = new CacheLease<TValue>(entry);
            return true;
        }

        lease = default;
        return false;
    }

    /// <summary>True if <paramref name="key"/> is resident; counts no access.</summary>
    public bool ContainsKey(TKey key) => _map.ContainsKey(key);

    /// <summary>
    /// Stores <paramref name="value"/> under <paramref name="key"/>, replacing any entry there, evicting
    /// by the policy to make room. Returns true if stored; false if the policy's admission preferred the
    /// entries it would have evicted, pinned entries hold the room, or the budget refused the bytes — then
    /// the value is disposed at once and the key's old entry, if any, stays. Either way the cache owns the
    /// value from now on. Storing the object the key already holds again replaces the entry (its size and
    /// cost) without disposing the object; while that entry is pinned it is refused instead (false, the entry
    /// and the object stay as they were), since the object would otherwise be disposed with the new entry
    /// under the open lease.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value; the cache owns it after the call.</param>
    /// <param name="sizeBytes">Bytes the value holds, 0…<see cref="CapacityBytes"/>; reserved from the budget.</param>
    /// <param name="costMicros">Microseconds to rebuild the value, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative size or cost, or a size above the capacity
    /// (the value is then not taken over).</exception>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public bool Set(TKey key, TValue value, long sizeBytes, long costMicros)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var entry = CreateEntry(key, value, sizeBytes, costMicros);
        return Store(entry, admit: true, maxVictimCostMicros: long.MaxValue, pin: false) == StoreOutcome.Stored;
    }

    /// <summary>Removes <paramref name="key"/>'s entry; if it is pinned, its value lives until the last lease is disposed.</summary>
    /// <returns>True if an entry was there.</returns>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public bool Remove(TKey key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var released = TakeReleasedList();
        bool removed;
        lock (_lock)
        {
            removed = _map.TryGetValue(key, out var entry);
            if (removed)
            {
                DetachLocked(entry!, CacheRemovalReason.Removed, released);
            }
        }

        DisposeReleased(released);
        return removed;
    }

    /// <summary>Evicts unpinned entries in the policy's order until <paramref name="fraction"/> of the resident bytes are gone (or none is left).</summary>
    /// <param name="fraction">0…1 of <see cref="SizeBytes"/>.</param>
    /// <returns>Bytes evicted.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is outside 0…1 or NaN.</exception>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public long Trim(double fraction)
    {
        if (double.IsNaN(fraction) || fraction < 0 || fraction > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "the fraction of bytes to trim must be within 0…1");
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        var wanted = (long)Math.Ceiling(fraction * Volatile.Read(ref _bytes));
        return wanted == 0 ? 0 : Evict(wanted, CacheRemovalReason.Trimmed);
    }

    /// <summary>Evicts every unpinned entry. Returns the bytes evicted.</summary>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public long PurgeAll()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Evict(long.MaxValue, CacheRemovalReason.Purged);
    }

    /// <inheritdoc />
    public long Reclaim(long bytesWanted, ReclaimReason reason) =>
        _disposed || bytesWanted <= 0 ? 0 : Evict(bytesWanted, CacheRemovalReason.Reclaimed);

    /// <inheritdoc />
    public void Respond(PressureResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (_disposed)
        {
            return;
        }

        if (response.Level >= PressureLevel.Critical)
        {
            PurgeAll();
        }
        else if (response.Level == PressureLevel.Warning && response.IsRising)
        {
            Trim(WarningTrimFraction);
        }
    }

    /// <summary>A copy of the counters.</summary>
    public CacheStatistics GetStatistics()
    {
        lock (_lock)
        {
            return new CacheStatistics(Interlocked.Read(ref _hits), Interlocked.Read(ref _misses), _stores, Interlocked.Read(ref _rejections),
                [.. _removals], _count, _bytes);
        }
    }

    /// <summary>Unregisters from the budget and drops every entry (pinned ones live until their last lease is disposed). Idempotent.</summary>
    public void Dispose()
    {
        var released = TakeReleasedList();
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var pair in _map)
            {
                DetachLocked(pair.Value, CacheRemovalReason.Purged, released);
            }
        }

        _registration.Dispose();
        DisposeReleased(released);
    }

    private bool TryGetEntry(TKey key, [NotNullWhen(true)] out KeyedEntry<TKey, TValue>? entry)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // One interlocked operation per request: the clock, so that recency ticks are unique and never go
        // back. The access count and the hit/miss counters are plain increments — accepted race: under
        // concurrent requests they can under-count by the bumps lost, which blurs statistics, never membership.
        var tick = Interlocked.Increment(ref _clock);
        if (_map.TryGetValue(key, out entry))
        {
            Volatile.Write(ref entry.LastAccessField, tick);
            entry.AccessCountField++;
            _policy.RecordAccess(entry.KeyHash);
            _hits++;
            return true;
        }

        _policy.RecordAccess(_comparer.GetHashCode(key));
        _misses++;
        return false;
    }

    private KeyedEntry<TKey, TValue> CreateEntry(TKey key, TValue value, long sizeBytes, long costMicros)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(sizeBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(costMicros);
        if (sizeBytes > CapacityBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), sizeBytes, $"an entry of {sizeBytes} bytes cannot fit in cache '{Name}' of {CapacityBytes} bytes");
        }

        return new KeyedEntry<TKey, TValue>(key, value, _comparer.GetHashCode(key), sizeBytes, costMicros, Interlocked.Increment(ref _clock));
    }
}
