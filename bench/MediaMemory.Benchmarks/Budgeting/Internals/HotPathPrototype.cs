using System.Runtime.CompilerServices;
using MediaMemory.Budgeting;
using MediaMemory.Internals;

namespace MediaMemory.Benchmarks.Budgeting.Internals;

/// <summary>
/// A copy of <see cref="MemoryBudget"/>'s reserve and release fast paths (TryReserve → TryReserveCore,
/// AllocationToken.Dispose → ReleaseCore) with switches, to find where the time of a pair goes.
/// Not a budget: no reclaim, no events, no growth limit checks beyond the slot table's. Thread-safe
/// the same way the budget is (one lock around counters and slots).
/// </summary>
internal sealed class HotPathPrototype<TVariant>(long limitInBytes)
    where TVariant : struct, IHotPathVariant
{
    private const int InitialSlots = 64; // as MemoryBudget
    private const int CategoryCount = 6; // Enum.GetValues<AllocationCategory>().Length

    [ThreadStatic]
    private static long t_releasedBytes;

    private readonly Lock _lock = new();
    private readonly long[] _usedByCategory = new long[CategoryCount];
    private readonly long[] _peakByCategory = new long[CategoryCount];
    private readonly KeyValuePair<string, object?> _nameTag = new("budget", "prototype");
    private readonly long _limit = limitInBytes;
    private Slot[] _slots = new Slot[InitialSlots];
    private int _slotsInitialized;
    private int _freeHead = -1;
    private int _liveTokens;
    private long _used;
    private long _peakUsed;
    private long _reservations;
    private int _spin;

    public long UsedBytes => Volatile.Read(ref _used);

    public bool TryReserve(long bytes, AllocationCategory category, Priority priority, out ProtoToken token)
    {
        if (TVariant.ValidateArguments)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(bytes);
            if ((uint)category >= CategoryCount)
            {
                ThrowCategory(category);
            }

            if (priority is < Priority.Low or > Priority.Essential)
            {
                ThrowPriority(priority);
            }
        }

        var categoryIndex = (int)category;
        Enter();
        try
        {
            if (bytes > _limit - _used)
            {
                token = default;
                return false;
            }

            var slot = _freeHead;
            if (slot < 0)
            {
                slot = NewSlot();
            }

            ref var entry = ref _slots[slot];
            _freeHead = entry.NextFree;
            entry.Bytes = bytes;
            entry.Category = (byte)categoryIndex;
            entry.InUse = true;
            _used += bytes;
            _usedByCategory[categoryIndex] += bytes;
            if (TVariant.Statistics)
            {
                if (_used > _peakUsed)
                {
                    _peakUsed = _used;
                }

                if (_usedByCategory[categoryIndex] > _peakByCategory[categoryIndex])
                {
                    _peakByCategory[categoryIndex] = _usedByCategory[categoryIndex];
                }

                _reservations++;
                _liveTokens++;
            }

            token = new ProtoToken(this, slot, entry.Generation);
        }
        finally
        {
            Exit();
        }

        if (TVariant.MetricsEnabledCheck && MediaMemoryMetrics.Reservations.Enabled)
        {
            MediaMemoryMetrics.Reservations.Add(1, _nameTag);
            MediaMemoryMetrics.ReservedBytes.Add(bytes, _nameTag);
        }

        return true;
    }

    public bool Release(int slot, int generation)
    {
        long bytes;
        Enter();
        try
        {
            if ((uint)slot >= (uint)_slotsInitialized || _slots[slot].Generation != generation || !_slots[slot].InUse)
            {
                return false;
            }

            ref var entry = ref _slots[slot];
            bytes = entry.Bytes;
            _used -= bytes;
            _usedByCategory[entry.Category] -= bytes;
            entry.InUse = false;
            entry.Generation = entry.Generation == int.MaxValue ? 1 : entry.Generation + 1;
            entry.NextFree = _freeHead;
            _freeHead = slot;
            if (TVariant.Statistics)
            {
                _liveTokens--;
            }
        }
        finally
        {
            Exit();
        }

        if (TVariant.ThreadStaticReleaseAccounting)
        {
            t_releasedBytes += bytes;
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Enter()
    {
        if (TVariant.SpinLock)
        {
            if (Interlocked.CompareExchange(ref _spin, 1, 0) != 0)
            {
                SpinEnterSlow();
            }
        }
        else
        {
            _lock.Enter();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Exit()
    {
        if (TVariant.SpinLock)
        {
            // x86-64 and Arm64 order a release store after the guarded writes; no atomic needed.
            Volatile.Write(ref _spin, 0);
        }
        else
        {
            _lock.Exit();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void SpinEnterSlow()
    {
        var spinner = default(SpinWait);
        do
        {
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _spin) != 0 || Interlocked.CompareExchange(ref _spin, 1, 0) != 0);
    }

    private int NewSlot()
    {
        if (_slotsInitialized == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        var slot = _slotsInitialized++;
        _slots[slot] = new Slot { Generation = 1, NextFree = -1 };
        return slot;
    }

    private static void ThrowCategory(AllocationCategory category) =>
        throw new ArgumentOutOfRangeException(nameof(category), category, "unknown allocation category");

    private static void ThrowPriority(Priority priority) =>
        throw new ArgumentOutOfRangeException(nameof(priority), priority, "unknown priority");

    private struct Slot
    {
        public long Bytes;
        public int Generation;
        public int NextFree;
        public byte Category;
        public bool InUse;
    }

    /// <summary>Same shape as <see cref="AllocationToken"/>: owner, slot, generation.</summary>
    internal readonly struct ProtoToken(HotPathPrototype<TVariant> owner, int slot, int generation)
    {
        public void Dispose() => owner?.Release(slot, generation);
    }
}
