using System.Diagnostics;
using System.Runtime.CompilerServices;
using MediaMemory.Internals;
using MediaMemory.Units;
using Microsoft.Extensions.Logging;

namespace MediaMemory.Budgeting;

/// <summary>
/// The single source of truth for how many bytes the application holds, per
/// <see cref="AllocationCategory"/>, against one limit. Every holder reserves through it and gets an
/// <see cref="AllocationToken"/>; disposing the token gives the bytes back.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe. One spin lock guards the counters and the slot table: a reservation is a compare
/// against the limit, two additions and a pop from a free list, so one short critical section is simpler
/// than a lock-free scheme that must keep three counters and the slot in step. A spin lock released by a
/// plain store, not <see cref="Lock"/>: on this project's machines two <see cref="Lock"/> round trips alone
/// cost 48–55 ns, above the 50 ns a reserve+release pair may take (docs/benchmarks.md); see
/// <c>SpinLockScope</c> for the fairness this gives up. Nothing under the lock calls out or blocks.
/// </para>
/// <para>
/// Invariant: a reservation is granted only if it keeps used ≤ limit, so under any concurrency
/// used never exceeds the limit — except after <see cref="SetLimit"/> lowered the limit below what
/// was already held and reclaimers could not free the difference; then nothing new is granted until
/// holders release (<see cref="LimitChangeResult.UnreclaimedBytes"/> says how much). When every token
/// is disposed, used is exactly zero.
/// </para>
/// <para>
/// A reservation that does not fit asks the registered <see cref="IMemoryReclaimer"/>s of strictly
/// lower priority than the request to free memory: lowest priority first, then the most reclaimable,
/// retrying after each. Reclaimers run on the requesting thread without the lock held, since they free
/// by disposing tokens, which takes the lock. A reservation made inside a reclaimer is not reclaimed
/// for recursively (refused with <see cref="RefusalReason.InsideReclaim"/>), and <see cref="Reclaim"/> or
/// <see cref="SetLimit"/> called inside a reclaimer asks no reclaimer, so reclaimers cannot recurse into
/// each other. The guard is per thread and per budget: a reclaimer of budget A may reserve from, or
/// reclaim in, budget B. A reclaim is measured by the tokens of
/// this budget released on the calling thread during the call, not by what the reclaimer claims.
/// </para>
/// </remarks>
public sealed class MemoryBudget
{
    // Slot table growth: start with room for 64 live tokens (arbitrary), double when full.
    private const int InitialSlots = 64;
    private static readonly int CategoryCount = Enum.GetValues<AllocationCategory>().Length;

    // How many reclaims the current thread is inside of (reentrancy guard), the budget whose reclaimer
    // runs on this thread, and the bytes released from that budget by token disposals on this thread,
    // so a reclaim is measured by this budget's accounting, not by claims nor by releases of tokens of
    // another budget that the same reclaimer happens to hold.
    [ThreadStatic]
    private static List<MemoryBudget>? t_reclaiming;

    [ThreadStatic]
    private static MemoryBudget? t_reclaimingBudget;

    [ThreadStatic]
    private static long t_releasedBytes;

    // Why this thread's last reservation was refused, so Reserve's exception says what the event said.
    [ThreadStatic]
    private static RefusalReason t_lastRefusal;

    // Not readonly: SpinLatch is a mutable struct and must never be copied.
    private SpinLatch _spin;

    // Guards registration only (copy-on-write of _reclaimers, which reclaims read without a lock).
    private readonly Lock _registrationLock = new();
    private readonly long[] _usedByCategory = new long[CategoryCount];
    private readonly long[] _peakByCategory = new long[CategoryCount];
    private readonly TimeProvider _timeProvider;
    private readonly ILogger? _logger;
    private readonly KeyValuePair<string, object?> _nameTag;

    private Slot[] _slots = new Slot[InitialSlots];
    private int _slotsInitialized;
    private int _freeHead = -1;
    private int _liveTokens;
    private long _limit;
    private long _used;
    private long _peakUsed;
    private long _reservations;
    private long _refusals;
    private long _reclaimedBytes;
    private long _volatileBytes;
    private IMemoryReclaimer[] _reclaimers = [];

    /// <summary>Creates a budget with <paramref name="limitBytes"/> bytes.</summary>
    public MemoryBudget(long limitBytes)
        : this(new MemoryBudgetOptions { LimitBytes = limitBytes })
    {
    }

    /// <summary>Creates a budget from options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is negative.</exception>
    public MemoryBudget(MemoryBudgetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.LimitBytes, nameof(options.LimitBytes));
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
        Name = options.Name ?? "default";
        _limit = options.LimitBytes;
        _timeProvider = options.TimeProvider;
        _logger = options.Logger;
        _nameTag = new KeyValuePair<string, object?>("budget", Name);
    }

    /// <summary>Raised after the limit changed (outside the lock).</summary>
    public event EventHandler<BudgetLimitChangedEventArgs>? LimitChanged;

    /// <summary>Raised after a reservation was refused.</summary>
    public event EventHandler<ReservationRefusedEventArgs>? ReservationRefused;

    /// <summary>Raised after a reclaimer was asked for memory.</summary>
    public event EventHandler<MemoryReclaimedEventArgs>? Reclaimed;

    /// <summary>The budget's name.</summary>
    public string Name { get; }

    /// <summary>The limit in bytes.</summary>
    public long LimitBytes => Volatile.Read(ref _limit);

    /// <summary>Bytes reserved now.</summary>
    public long UsedBytes => Volatile.Read(ref _used);

    /// <summary>Bytes that can be reserved without reclaiming.</summary>
    public long AvailableBytes
    {
        get
        {
            using (new SpinLockScope(ref _spin))
            {
                return Math.Max(0, _limit - _used);
            }
        }
    }

    /// <summary>Most bytes reserved at once since the budget was made.</summary>
    public long PeakUsedBytes => Volatile.Read(ref _peakUsed);

    /// <summary>
    /// Bytes reserved now whose holder marked them volatile (<see cref="SetVolatile"/>): memory the system
    /// may take back without asking, such as a purgeable buffer. They are part of <see cref="UsedBytes"/>
    /// but of no category's count, so <see cref="UsedBytes"/> = the categories' sum + <see cref="VolatileBytes"/>.
    /// </summary>
    public long VolatileBytes => Volatile.Read(ref _volatileBytes);

    /// <summary>Bytes reserved now under <paramref name="category"/>.</summary>
    public long GetUsedBytes(AllocationCategory category)
    {
        var index = CheckCategory(category);
        using (new SpinLockScope(ref _spin))
        {
            return _usedByCategory[index];
        }
    }

    /// <summary>A consistent copy of the accounting.</summary>
    public BudgetSnapshot GetSnapshot()
    {
        // Copy under the lock, allocate after it: nothing under a spin lock may allocate (a GC there
        // would leave every other thread spinning).
        Span<long> used = stackalloc long[CategoryCount];
        Span<long> peaks = stackalloc long[CategoryCount];
        long limit, usedTotal, peak, reservations, refusals, reclaimed, volatileBytes;
        int live;
        using (new SpinLockScope(ref _spin))
        {
            _usedByCategory.CopyTo(used);
            _peakByCategory.CopyTo(peaks);
            (limit, usedTotal, peak, reservations, refusals, reclaimed, live, volatileBytes) =
                (_limit, _used, _peakUsed, _reservations, _refusals, _reclaimedBytes, _liveTokens, _volatileBytes);
        }

        return new BudgetSnapshot(limit, usedTotal, peak, used.ToArray(), peaks.ToArray(), reservations, refusals, reclaimed, live)
        {
            VolatileBytes = volatileBytes,
        };
    }

    /// <summary>
    /// Reserves <paramref name="bytes"/>; returns true if and only if the bytes are now accounted to
    /// <paramref name="token"/>. When they do not fit, reclaimers of lower priority are asked first.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A negative size, or an undefined category or priority.</exception>
    public bool TryReserve(long bytes, AllocationCategory category, Priority priority, out AllocationToken token)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var categoryIndex = CheckCategory(category);
        CheckPriority(priority);
        if (TryReserveCore(bytes, categoryIndex, out token))
        {
            return true;
        }

        return TryReserveSlow(bytes, category, priority, out token);
    }

    /// <summary>Why this thread's last refused reservation was refused (for callers of <see cref="TryReserve"/>
    /// that report the refusal themselves, as a heap does).</summary>
    internal static RefusalReason LastRefusalOnThisThread => t_lastRefusal;

    /// <summary>Reserves <paramref name="bytes"/> or throws.</summary>
    /// <exception cref="MemoryBudgetExceededException">They did not fit even after reclaiming.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative size, or an undefined category or priority.</exception>
    public AllocationToken Reserve(long bytes, AllocationCategory category, Priority priority)
    {
        if (TryReserve(bytes, category, priority, out var token))
        {
            return token;
        }

        throw new MemoryBudgetExceededException(bytes, category, t_lastRefusal, GetSnapshot());
    }

    /// <summary>Releases a reservation explicitly.</summary>
    /// <exception cref="InvalidOperationException">The token was already released, is <c>default</c>,
    /// or belongs to another budget.</exception>
    public void Release(AllocationToken token)
    {
        if (!ReferenceEquals(token.Budget, this))
        {
            throw new InvalidOperationException("the token does not belong to this budget (or is default)");
        }

        ReleaseCore(token.Slot, token.Generation, throwIfStale: true);
    }

    /// <summary>
    /// Moves a reservation's bytes into the volatile pool (<paramref name="isVolatile"/> true) or back to its
    /// category (false). The bytes stay reserved either way: this changes how they are reported, not how
    /// much is used. Returns the previous setting; setting the current one does nothing.
    /// </summary>
    /// <remarks>For holders whose memory the system may reclaim on its own (purgeable buffers): the
    /// snapshot tells such bytes apart, and the holder releases the token once they are gone.</remarks>
    /// <exception cref="InvalidOperationException">The token belongs to another budget (or is default).</exception>
    /// <exception cref="ObjectDisposedException">The token was released.</exception>
    public bool SetVolatile(AllocationToken token, bool isVolatile)
    {
        if (!ReferenceEquals(token.Budget, this))
        {
            throw new InvalidOperationException("the token does not belong to this budget (or is default)");
        }

        using (new SpinLockScope(ref _spin))
        {
            ref var entry = ref ResolveSlot(token.Slot, token.Generation);
            var was = entry.IsVolatile;
            if (was == isVolatile)
            {
                return was;
            }

            var sign = isVolatile ? 1 : -1;
            _volatileBytes += sign * entry.Bytes;
            _usedByCategory[entry.Category] -= sign * entry.Bytes;
            entry.IsVolatile = isVolatile;
            if (_usedByCategory[entry.Category] > _peakByCategory[entry.Category])
            {
                _peakByCategory[entry.Category] = _usedByCategory[entry.Category];
            }

            return was;
        }
    }

    /// <summary>Registers a reclaimer; dispose the result to unregister it.</summary>
    public IDisposable RegisterReclaimer(IMemoryReclaimer reclaimer)
    {
        ArgumentNullException.ThrowIfNull(reclaimer);
        CheckPriority(reclaimer.Priority);
        lock (_registrationLock)
        {
            if (Array.IndexOf(_reclaimers, reclaimer) >= 0)
            {
                throw new ArgumentException($"reclaimer '{reclaimer.Name}' is already registered with budget '{Name}'", nameof(reclaimer));
            }

            _reclaimers = [.. _reclaimers, reclaimer];
        }

        return new Registration(this, reclaimer);
    }

    /// <summary>
    /// Sets the limit. When it is below what is in use, every registered reclaimer below
    /// <see cref="Priority.Essential"/> is asked for the excess (lowest priority first); the result says
    /// what was freed and what could not be.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The limit is negative.</exception>
    public LimitChangeResult SetLimit(long limitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limitBytes);
        long old, used;
        using (new SpinLockScope(ref _spin))
        {
            old = _limit;
            _limit = limitBytes;
            used = _used;
        }

        if (MediaMemoryMetrics.LimitChanges.Enabled)
        {
            MediaMemoryMetrics.LimitChanges.Add(1, _nameTag);
        }

        if (_logger is not null)
        {
            BudgetLog.LimitChanged(_logger, Name, old, limitBytes, used);
        }

        Raise(LimitChanged, new BudgetLimitChangedEventArgs(old, limitBytes, used, _timeProvider.GetUtcNow()));

        // Essential memory is never reclaimed, not even for a lower limit: it is what keeps the app
        // running or its data safe. What cannot be freed is reported as unreclaimed.
        var reclaimed = used > limitBytes ? ReclaimCore(Priority.Essential, ReclaimReason.LimitLowered, wanted: () => UsedBytes - LimitBytes) : 0;
        return new LimitChangeResult(old, limitBytes, reclaimed, Math.Max(0, UsedBytes - LimitBytes));
    }

    /// <summary>
    /// Asks reclaimers of priority below <paramref name="below"/> for <paramref name="bytes"/> bytes,
    /// lowest priority first, and returns what was released by the budget's accounting.
    /// </summary>
    public long Reclaim(long bytes, Priority below = Priority.Essential)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        CheckPriority(below);
        long released = 0;
        return bytes == 0 ? 0 : ReclaimCore(below, ReclaimReason.Requested, wanted: () => bytes - released, onReleased: r => released += r);
    }

    internal bool IsHeld(int slot, int generation)
    {
        using (new SpinLockScope(ref _spin))
        {
            return (uint)slot < (uint)_slotsInitialized && _slots[slot].Generation == generation && _slots[slot].InUse;
        }
    }

    internal long GetSlotBytes(int slot, int generation)
    {
        using (new SpinLockScope(ref _spin))
        {
            return ResolveSlot(slot, generation).Bytes;
        }
    }

    internal AllocationCategory GetSlotCategory(int slot, int generation)
    {
        using (new SpinLockScope(ref _spin))
        {
            return (AllocationCategory)ResolveSlot(slot, generation).Category;
        }
    }

    /// <summary>Releases a slot; returns false if it was stale (already released).</summary>
    internal bool ReleaseCore(int slot, int generation, bool throwIfStale)
    {
        long bytes;
        using (new SpinLockScope(ref _spin))
        {
            if ((uint)slot >= (uint)_slotsInitialized || _slots[slot].Generation != generation || !_slots[slot].InUse)
            {
                return throwIfStale ? throw new InvalidOperationException("the reservation was already released") : false;
            }

            ref var entry = ref _slots[slot];
            bytes = entry.Bytes;
            _used -= bytes;
            if (entry.IsVolatile)
            {
                _volatileBytes -= bytes;
                entry.IsVolatile = false;
            }
            else
            {
                _usedByCategory[entry.Category] -= bytes;
            }

            Debug.Assert(_used >= 0 && _usedByCategory[entry.Category] >= 0 && _volatileBytes >= 0, "accounting went negative");
            entry.InUse = false;
            // Accepted: after 2^31 − 1 reuses of one slot the generation wraps (skipping 0, which marks
            // default tokens), so a stale copy kept that long could match again.
            entry.Generation = entry.Generation == int.MaxValue ? 1 : entry.Generation + 1;
            entry.NextFree = _freeHead;
            _freeHead = slot;
            _liveTokens--;
        }

        if (ReferenceEquals(t_reclaimingBudget, this))
        {
            t_releasedBytes += bytes;
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryReserveCore(long bytes, int category, out AllocationToken token)
    {
        while (!TryReserveLocked(bytes, category, out token, out var slotsToGrow))
        {
            if (slotsToGrow == 0)
            {
                return false;
            }

            GrowSlots(slotsToGrow);
        }

        if (MediaMemoryMetrics.Reservations.Enabled)
        {
            MediaMemoryMetrics.Reservations.Add(1, _nameTag);
            MediaMemoryMetrics.ReservedBytes.Add(bytes, _nameTag);
        }

        return true;
    }

    /// <summary>The critical section of a reservation. Returns false with <paramref name="slotsToGrow"/>
    /// = the table's length when the slot table is full (it is grown outside the lock), else 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryReserveLocked(long bytes, int category, out AllocationToken token, out int slotsToGrow)
    {
        token = default;
        slotsToGrow = 0;
        using (new SpinLockScope(ref _spin))
        {
            // An empty reservation always fits: it cannot raise use, even when use is above a lowered limit.
            if (bytes > _limit - _used && bytes > 0)
            {
                return false;
            }

            var slot = _freeHead;
            if (slot < 0)
            {
                if (_slotsInitialized == _slots.Length)
                {
                    slotsToGrow = _slots.Length;
                    return false;
                }

                slot = _slotsInitialized++;
                _slots[slot] = new Slot { Generation = 1, NextFree = -1 };
            }

            ref var entry = ref _slots[slot];
            _freeHead = entry.NextFree;
            entry.Bytes = bytes;
            entry.Category = (byte)category;
            entry.InUse = true;
            _used += bytes;
            _usedByCategory[category] += bytes;
            if (_used > _peakUsed)
            {
                _peakUsed = _used;
            }

            if (_usedByCategory[category] > _peakByCategory[category])
            {
                _peakByCategory[category] = _usedByCategory[category];
            }

            _reservations++;
            _liveTokens++;
            token = new AllocationToken(this, slot, entry.Generation);
            return true;
        }
    }

    /// <summary>Doubles the slot table, allocating outside the spin lock; another thread may have done it first.</summary>
    private void GrowSlots(int seenLength)
    {
        var bigger = new Slot[seenLength * 2];
        using (new SpinLockScope(ref _spin))
        {
            if (_slots.Length == seenLength)
            {
                Array.Copy(_slots, bigger, _slotsInitialized);
                _slots = bigger;
            }
        }
    }

    private bool TryReserveSlow(long bytes, AllocationCategory category, Priority priority, out AllocationToken token)
    {
        var reason = ClassifyRefusal(bytes);
        if (reason == RefusalReason.ReclaimInsufficient)
        {
            // Ask lower priorities for the shortfall, retrying after each reclaimer.
            var granted = false;
            var categoryIndex = (int)category;
            AllocationToken result = default;
            ReclaimCore(priority, ReclaimReason.ReservationDidNotFit,
                wanted: () => Shortfall(bytes),
                onReleased: _ => granted = TryReserveCore(bytes, categoryIndex, out result),
                stop: () => granted);
            if (granted || TryReserveCore(bytes, categoryIndex, out result))
            {
                token = result;
                return true;
            }
        }

        token = default;
        Refuse(bytes, category, priority, reason);
        return false;
    }

    // Bytes that must be freed before `bytes` fit. Not `bytes - AvailableBytes`: available is clamped
    // at 0, so after SetLimit left use above the limit that would ask reclaimers for too little.
    private long Shortfall(long bytes)
    {
        using (new SpinLockScope(ref _spin))
        {
            return bytes - (_limit - _used);
        }
    }

    private RefusalReason ClassifyRefusal(long bytes) =>
        bytes > LimitBytes ? RefusalReason.LargerThanLimit
        : IsReclaimingOnThisThread() ? RefusalReason.InsideReclaim
        : RefusalReason.ReclaimInsufficient;

    private void Refuse(long bytes, AllocationCategory category, Priority priority, RefusalReason reason)
    {
        long available;
        using (new SpinLockScope(ref _spin))
        {
            _refusals++;
            available = Math.Max(0, _limit - _used);
        }

        if (MediaMemoryMetrics.Refusals.Enabled)
        {
            MediaMemoryMetrics.Refusals.Add(1, _nameTag, new KeyValuePair<string, object?>("reason", reason.ToString()));
        }

        if (_logger is not null)
        {
            BudgetLog.Refused(_logger, Name, bytes, category, priority, reason, available);
        }

        Raise(ReservationRefused, new ReservationRefusedEventArgs(bytes, category, priority, available, reason, _timeProvider.GetUtcNow()));
        t_lastRefusal = reason; // after the observers, which may reserve (and be refused) themselves
    }

    /// <summary>
    /// Asks reclaimers of priority strictly below <paramref name="below"/>, lowest priority first and
    /// most reclaimable first within a priority, while <paramref name="wanted"/> is positive and
    /// <paramref name="stop"/> is false. Returns the bytes released by accounting.
    /// </summary>
    private long ReclaimCore(Priority below, ReclaimReason reason, Func<long> wanted, Action<long>? onReleased = null, Func<bool>? stop = null)
    {
        // Inside a reclaimer (Reclaim or SetLimit called from IMemoryReclaimer.Reclaim) nothing is
        // reclaimed recursively, for the same reason reservations made there are not reclaimed for:
        // a reclaimer that asks the budget would otherwise be asked again, without end.
        if (IsReclaimingOnThisThread())
        {
            return 0;
        }

        var candidates = Volatile.Read(ref _reclaimers)
            .Where(r => r.Priority < below)
            .Select(r => (Reclaimer: r, Reclaimable: SafeReclaimable(r)))
            .Where(c => c.Reclaimable > 0)
            .OrderBy(c => c.Reclaimer.Priority)
            .ThenByDescending(c => c.Reclaimable)
            .Select(c => c.Reclaimer)
            .ToList();

        long total = 0;
        foreach (var reclaimer in candidates)
        {
            var want = wanted();
            if (want <= 0 || (stop?.Invoke() ?? false))
            {
                break;
            }

            var outerBudget = t_reclaimingBudget;
            var outerReleased = t_releasedBytes;
            t_reclaimingBudget = this;
            t_releasedBytes = 0;
            long claimed = 0;
            long released;
            (t_reclaiming ??= []).Add(this);
            try
            {
                claimed = reclaimer.Reclaim(want, reason);
            }
#pragma warning disable CA1031 // A failing reclaimer must not break the budget; it is logged and skipped.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (_logger is not null)
                {
                    BudgetLog.ReclaimerFailed(_logger, ex, reclaimer.Name, want);
                }
            }
            finally
            {
                t_reclaiming.RemoveAt(t_reclaiming.Count - 1);
                released = t_releasedBytes;
                t_reclaimingBudget = outerBudget;
                t_releasedBytes = outerReleased;
            }

            total += released;
            using (new SpinLockScope(ref _spin))
            {
                _reclaimedBytes += released;
            }

            if (MediaMemoryMetrics.ReclaimedBytes.Enabled)
            {
                MediaMemoryMetrics.ReclaimedBytes.Add(released, _nameTag, new KeyValuePair<string, object?>("reason", reason.ToString()));
            }

            if (_logger is not null)
            {
                BudgetLog.Reclaimed(_logger, reclaimer.Name, want, reason, released, claimed);
            }

            Raise(Reclaimed, new MemoryReclaimedEventArgs(reclaimer.Name, want, released, claimed, reason, _timeProvider.GetUtcNow()));
            onReleased?.Invoke(released);
        }

        return total;
    }

    private bool IsReclaimingOnThisThread() => t_reclaiming is { Count: > 0 } reclaiming && reclaiming.Contains(this);

    /// <summary>
    /// Raises an event to each subscriber in turn; one that throws is logged and the rest still hear
    /// it, so a faulty observer cannot break a reservation or a limit change half-way.
    /// </summary>
    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args)
    {
        if (handler is null)
        {
            return;
        }

        foreach (var subscriber in handler.GetInvocationList())
        {
            try
            {
                ((EventHandler<TArgs>)subscriber).Invoke(this, args);
            }
#pragma warning disable CA1031 // An observer's failure is logged, never passed to the reserving caller.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (_logger is not null)
                {
                    BudgetLog.ObserverFailed(_logger, ex, Name, typeof(TArgs).Name);
                }
            }
        }
    }

    private long SafeReclaimable(IMemoryReclaimer reclaimer)
    {
        try
        {
            return reclaimer.ReclaimableBytes;
        }
#pragma warning disable CA1031 // Same as Reclaim: a broken reclaimer is skipped, not fatal.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            if (_logger is not null)
            {
                BudgetLog.ReclaimerFailed(_logger, ex, reclaimer.Name, 0);
            }

            return 0;
        }
    }

    private ref Slot ResolveSlot(int slot, int generation)
    {
        if ((uint)slot >= (uint)_slotsInitialized || _slots[slot].Generation != generation || !_slots[slot].InUse)
        {
            throw new ObjectDisposedException(nameof(AllocationToken), "the reservation was released");
        }

        return ref _slots[slot];
    }

    private static int CheckCategory(AllocationCategory category) =>
        (uint)category < (uint)CategoryCount
            ? (int)category
            : throw new ArgumentOutOfRangeException(nameof(category), category, "unknown allocation category");

    private static void CheckPriority(Priority priority)
    {
        if (priority is < Priority.Low or > Priority.Essential)
        {
            throw new ArgumentOutOfRangeException(nameof(priority), priority, "unknown priority");
        }
    }

    private void Unregister(IMemoryReclaimer reclaimer)
    {
        lock (_registrationLock)
        {
            var index = Array.IndexOf(_reclaimers, reclaimer);
            if (index >= 0)
            {
                _reclaimers = [.. _reclaimers[..index], .. _reclaimers[(index + 1)..]];
            }
        }
    }

    private struct Slot
    {
        public long Bytes;
        public int Generation;
        public int NextFree;
        public byte Category;
        public bool InUse;
        public bool IsVolatile; // counted in _volatileBytes instead of its category (SetVolatile)
    }

    private sealed class Registration(MemoryBudget budget, IMemoryReclaimer reclaimer) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                budget.Unregister(reclaimer);
            }
        }
    }
}
