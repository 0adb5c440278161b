using MediaMemory.Caching.Internals;

namespace MediaMemory.Caching;

/// <summary>
/// The default policy: a recency window in front of a main region ordered by GreedyDual-Size-Frequency
/// priorities, with TinyLFU admission when the cache is bounded in items. Cheap-to-rebuild, large, rarely
/// requested entries leave first; a new entry gets a short stay in the window to prove itself.
/// </summary>
/// <remarks>
/// <para>The algorithm, in steps:</para>
/// <list type="number">
/// <item>Every request, hit or miss, bumps the key in a count-min sketch of 4-bit counters that halves
/// itself every 10 × width additions (TinyLFU: Einziger, Friedman &amp; Manes 2017), so frequency F reflects
/// recent history, including requests from before the entry was stored. The width follows the entries the
/// cache holds (its item capacity, or, bounded in bytes, the resident count), so the history spans 10–20
/// cache turnovers whatever the entries' sizes. In a byte-bounded cache F is the greater of the sketch's
/// estimate and the entry's own request count since it was stored (GDSF's original F): the sketch's
/// counters stop at 15, the entry's count does not.</item>
/// <item>A new entry enters the window, an LRU of 1 % of the entries (item-bounded caches, Caffeine's
/// W-TinyLFU) or 40 % of the bytes (byte-bounded caches, from the media-trace replays).</item>
/// <item>The window's overflow, least recent first, moves to the main region, where each entry has a
/// priority <c>H = L + F·D</c> (GreedyDual-Size-Frequency: Cherkasova 1998): D is the cost density
/// <c>(cost/size)^k</c>, L the inflation value, the H of the last entry evicted from main. Entries not
/// requested for a while fall behind L, so GDSF ages without a clock. H is recomputed lazily, when an entry
/// reaches the top of the heap having been requested since: hits touch no ordering and take no lock.</item>
/// <item>The victim is main's entry of least H. In an item-bounded cache, the entry that just left the window
/// duels it first: the one of lower F·cost leaves (TinyLFU admission). Byte-bounded caches skip the duel:
/// in the replays it refused the large, rarely repeated media entries and cost up to 40 points of
/// cost-saved ratio (docs/caching.md).</item>
/// </list>
/// <para>
/// The cost exponent k (default <see cref="DefaultCostExponent"/>) weighs cost density against frequency:
/// k = 1 is classic GDSF; k = 0.5 (frequency leading, cost as a softer tie-breaker, as one published
/// cost-aware study preferred) measured slightly lower on the media traces here. Not thread-safe by itself
/// except <see cref="RecordAccess"/>: the cache calls the rest under its lock.
/// </para>
/// </remarks>
public sealed class CostAwarePolicy : IEvictionPolicy
{
    /// <summary>The name <see cref="EvictionPolicies.Create"/> knows this policy by.</summary>
    public const string PolicyName = "cost-aware";

    /// <summary>The cost-density exponent k used unless another is given; from the trace replays (docs/caching.md).</summary>
    public const double DefaultCostExponent = 1.0;

    // Sketch width: the item capacity when there is one (as Caffeine: fewer words age faster, which was worth
    // 3.5 points on sprite against a 1 Ki floor); else it starts at 64 words and doubles whenever the resident
    // entries outnumber its words (as Caffeine's ensureCapacity), up to 4 Mi. The byte-bounded floor was 1 Ki
    // words: a cache of 30–100 large entries then kept ~10 Ki requests of history, 100+ turnovers, so a
    // finished phase's entries kept winning. Measured (hit ratio, byte-bounded, unit sizes): a Zipf phase
    // shift at 32/64/128 entries 0.693/0.755/0.816 -> 0.723/0.768/0.824; gli at 1000 entries 0.115 -> 0.133,
    // sprite at 200 0.420 -> 0.432; the nine media rows within ±0.0012 (docs/caching.md).
    private const int MinSketchWidth = 64;
    private const int MaxSketchWidth = 1 << 22;

    // Share of an item-bounded cache given to the admission window: Caffeine's initial 1 %.
    private const int WindowPercent = 1;

    // Share of a byte-bounded cache's bytes given to the recency window: 40 %, from the media-trace replays
    // (5 … 60 % tried, docs/caching.md): the least that beats LRU's cost-saved ratio in all nine trace/capacity
    // cases; 20 % had a 0.011 higher sum but lost to LRU by up to 0.003 at 1 GiB.
    private const int BytesWindowPercent = 40;

    private static readonly Func<CacheEntry, double> Recency = static e => e.PolicyStamp;
    private readonly EntryHeap _heap = new();
    private readonly EntryHeap _window = new();
    private readonly Func<CacheEntry, double> _priorityOf;
    private FrequencySketch _sketch = new(64);
    private double _inflation;
    private bool _windowed;
    private int _windowCapacity;
    private long _windowCapacityBytes;
    private long _windowBytes;
    private bool _duel;
    private bool _countHits;
    private bool _initialized;

    /// <summary>Makes the policy with <see cref="DefaultCostExponent"/>.</summary>
    public CostAwarePolicy()
        : this(DefaultCostExponent)
    {
    }

    /// <summary>Makes the policy with cost exponent <paramref name="costExponent"/> (0…4; 0 ignores cost and size).</summary>
    public CostAwarePolicy(double costExponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(costExponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(costExponent, 4.0);
        CostExponent = costExponent;
        _priorityOf = e => _inflation + Worth(e);
    }

    /// <summary>The cost-density exponent k.</summary>
    public double CostExponent { get; }

    /// <summary>Whether, in an item-bounded cache, a window's leaver must beat main's victim to stay (TinyLFU
    /// admission). Default true. Byte-bounded caches never duel (see the remarks).</summary>
    public bool UseAdmission { get; init; } = true;

    /// <inheritdoc />
    public string Name => PolicyName;

    /// <inheritdoc />
    public void Initialize(long capacityBytes, int capacityItems)
    {
        LruPolicy.InvalidOperationExceptionIf(_initialized);
        _initialized = true;
        if (capacityItems > 0)
        {
            _windowed = UseAdmission;
            _duel = true;
            _windowCapacity = Math.Max(1, capacityItems * WindowPercent / 100);
            _windowCapacityBytes = long.MaxValue;
        }
        else
        {
            _windowed = true;
            _duel = false;
            _countHits = true;
            _windowCapacity = int.MaxValue;
            _windowCapacityBytes = capacityBytes / 100 * BytesWindowPercent;
        }

        _sketch = new FrequencySketch(capacityItems > 0 ? Math.Min(capacityItems, MaxSketchWidth) : MinSketchWidth);
    }

    /// <summary>Words in the frequency sketch (for tests: it follows the entries held).</summary>
    internal int SketchWidth => _sketch.Width;

    /// <inheritdoc />
    public void RecordAccess(int keyHash) => Volatile.Read(ref _sketch).Increment(keyHash);

    /// <inheritdoc />
    public void OnAdded(CacheEntry entry, long tick)
    {
        ArgumentNullException.ThrowIfNull(entry);
        entry.PolicyStamp = entry.LastAccessTick;
        entry.PolicyTieBreak = tick;
        if (_windowed && !entry.PolicyInMain)
        {
            entry.PolicyPriority = entry.PolicyStamp;
            _window.Add(entry);
            _windowBytes += entry.SizeBytes;
        }
        else
        {
            entry.PolicyPriority = _priorityOf(entry);
            _heap.Add(entry);
        }

        if (_heap.Count + _window.Count > _sketch.Width && _sketch.Width < MaxSketchWidth)
        {
            // Growing forgets the counts (as Caffeine's does); hits racing the swap bump the old table: accepted.
            Volatile.Write(ref _sketch, new FrequencySketch(_sketch.Width * 2));
        }
    }

    /// <inheritdoc />
    public void OnRemoved(CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_windowed && !entry.PolicyInMain)
        {
            _window.Remove(entry);
            _windowBytes -= entry.SizeBytes;
        }
        else
        {
            _heap.Remove(entry);
        }
    }

    /// <inheritdoc />
    public CacheEntry? TakeVictim(long tick)
    {
        // W-TinyLFU (Einziger et al.; Caffeine): with a window, new entries land in a small LRU window; when
        // it overflows, its least recent entry either moves to the main region (if there is room, or if it
        // beats the main region's victim by frequency × cost) or leaves.
        CacheEntry? candidate = null;
        while (_windowed && (_window.Count > _windowCapacity || _windowBytes > _windowCapacityBytes))
        {
            candidate = _window.TakeMin(Recency)!;
            _windowBytes -= candidate.SizeBytes;
            candidate.PolicyInMain = true;
            OnAdded(candidate, candidate.PolicyTieBreak);
        }

        var victim = _heap.TakeMin(_priorityOf);
        if (victim is null)
        {
            return TakeFromWindow();
        }

        if (_duel && candidate is not null && !ReferenceEquals(candidate, victim) && Saving(candidate) <= Saving(victim))
        {
            // The newcomer from the window is worth no more than the main region's victim: it leaves instead.
            _heap.Remove(candidate);
            _heap.Add(victim);
            return candidate;
        }

        return Inflate(victim);
    }

    private CacheEntry? TakeFromWindow()
    {
        var entry = _window.TakeMin(Recency);
        if (entry is not null)
        {
            _windowBytes -= entry.SizeBytes;
        }

        return entry;
    }

    // GDSF's inflation: L rises to the H of what leaves main (never falls). A victim the cache puts
    // back (pinned, or the candidate lost admission) still raised L: accepted, it only ages the rest a little.
    private CacheEntry Inflate(CacheEntry victim)
    {
        _inflation = Math.Max(_inflation, victim.PolicyPriority);
        return victim;
    }

    /// <inheritdoc />
    /// <remarks>Always true: admission happens between the window and the main region (the duel in
    /// <see cref="TakeVictim"/>), not when an entry first arrives.</remarks>
    public bool Admit(CacheEntry candidate, IReadOnlyList<CacheEntry> victims)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(victims);
        return true;
    }

    private double Saving(CacheEntry entry) => Math.Max(1, Volatile.Read(ref _sketch).Estimate(entry.KeyHash)) * (double)Math.Max(1, entry.CostMicros);

    /// <summary>F·D: the frequency times the cost density raised to k.</summary>
    private double Worth(CacheEntry entry) => Frequency(entry) * Density(entry);

    /// <summary>
    /// F: the sketch's estimate; in a byte-bounded cache at least the entry's own request count since it was
    /// stored. The 4-bit counters stop at 15, while the popular previews of media-edit-b are requested 450–585
    /// times; GDSF's inflation L still ages an entry that stops being requested. Measured (cost-saved ratio,
    /// 1/4/16 GiB): media-edit-b 0.6148/0.6744/0.7997 -> 0.6138/0.6764/0.8063, media-session-a
    /// 0.5093/0.6031/0.7042 -> 0.5088/0.6019/0.7067, media-video-c 0.4434/0.5344/0.6538 -> 0.4435/0.5350/0.6598
    /// (with the 64-word sketch floor). Not in item-bounded caches: there the duel admits, and the unbounded
    /// count kept stale entries of sprite's loops (hit ratio 0.4950 -> 0.4638).
    /// </summary>
    private double Frequency(CacheEntry entry)
    {
        var estimate = Math.Max(1, Volatile.Read(ref _sketch).Estimate(entry.KeyHash));
        return _countHits ? Math.Max(estimate, entry.AccessCount) : estimate;
    }

    private double Density(CacheEntry entry)
    {
        if (CostExponent == 0)
        {
            return 1;
        }

        var density = (double)Math.Max(1, entry.CostMicros) / Math.Max(1, entry.SizeBytes);
        return CostExponent == 1 ? density : Math.Pow(density, CostExponent);
    }
}
