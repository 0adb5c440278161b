using MediaMemory.Caching.Internals;

namespace MediaMemory.Caching;

/// <summary>
/// The default policy: GreedyDual-Size-Frequency priorities with TinyLFU admission. Cheap-to-rebuild,
/// large, rarely requested entries leave first; a new entry is stored only if it is worth more than
/// what it would push out.
/// </summary>
/// <remarks>
/// <para>The algorithm, in steps:</para>
/// <list type="number">
/// <item>Every request, hit or miss, bumps the key in a count-min sketch of 4-bit counters that halves
/// itself every 10 × width additions (TinyLFU: Einziger, Friedman &amp; Manes 2017), so frequency reflects
/// recent history, including requests from before the entry was stored.</item>
/// <item>Each resident entry has a priority <c>H = L + F·D</c> (GreedyDual-Size-Frequency: Cherkasova 1998),
/// where F is the sketch's frequency (at least 1), D the cost density <c>(cost/size)^k</c> and L the
/// inflation value: the H of the last evicted entry. Entries not requested for a while fall behind L,
/// so GDSF ages without a clock.</item>
/// <item>The entry of least H leaves first. Hits update no ordering (no lock on the hot path); H is
/// recomputed lazily when an entry reaches the top of the heap having been requested since.</item>
/// <item>Admission (caches bounded in items only, see <see cref="UseAdmission"/>): a new entry must be worth
/// more, by F·D, than each victim it would push out; otherwise the victims stay and the new value is not
/// stored (TinyLFU's filter, with cost).</item>
/// </list>
/// <para>
/// The cost exponent k (default <see cref="DefaultCostExponent"/>) weighs cost density against frequency;
/// it was chosen by replaying the project's traces (docs/caching.md): k = 1 is classic GDSF, k &lt; 1
/// lets frequency lead with cost as the tie-breaker, as a published cost-aware study found better.
/// Not thread-safe by itself except <see cref="RecordAccess"/>: the cache calls the rest under its lock.
/// </para>
/// </remarks>
public sealed class CostAwarePolicy : IEvictionPolicy
{
    /// <summary>The name <see cref="EvictionPolicies.Create"/> knows this policy by.</summary>
    public const string PolicyName = "cost-aware";

    /// <summary>The cost-density exponent k used unless another is given; from the trace replays (docs/caching.md).</summary>
    public const double DefaultCostExponent = 1.0;

    // Sketch width: the item capacity when there is one (as Caffeine: fewer words age faster, which was worth
    // 3.5 points on sprite against a 1 Ki floor); else it starts at 1 Ki words (arbitrary) and doubles whenever
    // the resident entries outnumber its words (as Caffeine's ensureCapacity), up to 4 Mi.
    private const int MinSketchWidth = 1024;
    private const int MaxSketchWidth = 1 << 22;

    // Share of an item-bounded cache given to the admission window: Caffeine's initial 1 %.
    private const int WindowPercent = 1;

    private static readonly Func<CacheEntry, double> Recency = static e => e.PolicyStamp;
    private readonly EntryHeap _heap = new();
    private readonly EntryHeap _window = new();
    private readonly Func<CacheEntry, double> _priorityOf;
    private FrequencySketch _sketch = new(64);
    private double _inflation;
    private bool _admit;
    private bool _windowed;
    private int _windowCapacity;
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

    /// <summary>Whether new entries must beat their victims to be stored (TinyLFU admission). Default true. Applies
    /// only to caches bounded in items: in byte-bounded caches the per-victim comparison of F·D refused large
    /// entries whenever any one victim was denser, and cost 20–45 points of cost-saved ratio on the media
    /// traces (docs/caching.md), so there every entry is admitted and GDSF alone decides.</summary>
    public bool UseAdmission { get; init; } = true;

    /// <inheritdoc />
    public string Name => PolicyName;

    // Tuning knobs for the replay harness (bench/…/Caching/CacheReplay.cs); the defaults are what it chose.
    internal bool AdmitWhenBoundedInBytes { get; init; }

    /// <summary>No admission window: an item-bounded cache then compares each new entry against its victims directly.</summary>
    internal bool NoWindow { get; init; }

    /// <inheritdoc />
    public void Initialize(long capacityBytes, int capacityItems)
    {
        LruPolicy.InvalidOperationExceptionIf(_initialized);
        _initialized = true;
        _admit = UseAdmission && (capacityItems > 0 || AdmitWhenBoundedInBytes);
        _windowed = _admit && capacityItems > 0 && !NoWindow;
        _windowCapacity = Math.Max(1, capacityItems * WindowPercent / 100);
        _sketch = new FrequencySketch(capacityItems > 0 ? Math.Min(capacityItems, MaxSketchWidth) : MinSketchWidth);
    }

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
        (_windowed && !entry.PolicyInMain ? _window : _heap).Remove(entry);
    }

    /// <inheritdoc />
    public CacheEntry? TakeVictim(long tick)
    {
        // W-TinyLFU (Einziger et al.; Caffeine): with a window, new entries land in a small LRU window; when
        // it overflows, its least recent entry either moves to the main region (if there is room, or if it
        // beats the main region's victim by frequency × cost) or leaves.
        CacheEntry? candidate = null;
        while (_windowed && _window.Count > _windowCapacity)
        {
            candidate = _window.TakeMin(Recency)!;
            candidate.PolicyInMain = true;
            OnAdded(candidate, candidate.PolicyTieBreak);
        }

        var victim = _heap.TakeMin(_priorityOf);
        if (victim is null)
        {
            return _window.TakeMin(Recency);
        }

        if (candidate is not null && !ReferenceEquals(candidate, victim) && Saving(candidate) <= Saving(victim))
        {
            // The newcomer from the window is worth no more than the main region's victim: it leaves instead.
            _heap.Remove(candidate);
            _heap.Add(victim);
            return candidate;
        }

        return Inflate(victim);
    }

    // GDSF's inflation: L rises to the H of what leaves main (never falls). A victim the cache puts
    // back (pinned, or the candidate lost admission) still raised L: accepted, it only ages the rest a little.
    private CacheEntry Inflate(CacheEntry victim)
    {
        _inflation = Math.Max(_inflation, victim.PolicyPriority);
        return victim;
    }

    /// <inheritdoc />
    public bool Admit(CacheEntry candidate, IReadOnlyList<CacheEntry> victims)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(victims);
        if (!_admit || _windowed)
        {
            return true; // with a window, admission happens between the window and the main region
        }

        // Knapsack view: the candidate's expected saving (frequency × cost) against what the victims
        // together would have saved.
        double lost = 0;
        for (var i = 0; i < victims.Count; i++)
        {
            lost += Saving(victims[i]);
        }

        return Saving(candidate) > lost;
    }

    private double Saving(CacheEntry entry) => Math.Max(1, Volatile.Read(ref _sketch).Estimate(entry.KeyHash)) * (double)Math.Max(1, entry.CostMicros);

    /// <summary>F·D: the sketch's frequency times the cost density raised to k.</summary>
    private double Worth(CacheEntry entry) => Math.Max(1, Volatile.Read(ref _sketch).Estimate(entry.KeyHash)) * Density(entry);

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
