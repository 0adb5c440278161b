using BenchmarkDotNet.Attributes;
using MediaMemory.Benchmarks.Budgeting.Internals;
using MediaMemory.Budgeting;

namespace MediaMemory.Benchmarks.Budgeting;

/// <summary>
/// Where the time of an uncontended reserve+release pair goes: the real <see cref="MemoryBudget"/>,
/// a faithful copy of its fast path (<see cref="HotPathPrototype{TVariant}"/>), and the copy with one
/// thing taken out at a time, against the same floor as <see cref="BudgetReserveReleaseBenchmarks"/>.
/// </summary>
/// <remarks>
/// Diagnostic, not a claim about the library: the prototype lives in the benchmark project and src/
/// is unchanged. Same seeded sizes as <see cref="BudgetReserveReleaseBenchmarks"/>.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class BudgetHotPathBreakdownBenchmarks
{
    private const int SizeCount = 1024;
    private const int SizeMask = SizeCount - 1;
    private const int Seed = 20_261_126;
    private const int MinSizeInBytes = 4 * 1024;
    private const int MaxSizeInBytes = 32 * 1024 * 1024;
    private const long LimitInBytes = 1L << 40;

    private readonly Lock _floorLock = new();
    private long[] _sizesInBytes = [];
    private MemoryBudget _budget = null!;
    private HotPathPrototype<Faithful> _faithful = null!;
    private HotPathPrototype<NoThreadStatic> _noThreadStatic = null!;
    private HotPathPrototype<NoMetricsCheck> _noMetricsCheck = null!;
    private HotPathPrototype<NoStatistics> _noStatistics = null!;
    private HotPathPrototype<SpinLocked> _spinLocked = null!;
    private long _floorCounter;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Seed);
        _sizesInBytes = new long[SizeCount];
        for (var i = 0; i < SizeCount; i++)
        {
            _sizesInBytes[i] = random.Next(MinSizeInBytes, MaxSizeInBytes);
        }

        _budget = new MemoryBudget(LimitInBytes);
        _faithful = new(LimitInBytes);
        _noThreadStatic = new(LimitInBytes);
        _noMetricsCheck = new(LimitInBytes);
        _noStatistics = new(LimitInBytes);
        _spinLocked = new(LimitInBytes);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var leaked = _budget.UsedBytes + _faithful.UsedBytes + _noThreadStatic.UsedBytes + _noMetricsCheck.UsedBytes
            + _noStatistics.UsedBytes + _spinLocked.UsedBytes + _floorCounter;
        if (leaked != 0)
        {
            throw new InvalidOperationException($"accounting leaked {leaked} B");
        }
    }

    [Benchmark(Baseline = true, Description = "Floor: 2 × (Lock + counter)")]
    public long Floor()
    {
        var bytes = _sizesInBytes[_next++ & SizeMask];
        lock (_floorLock)
        {
            _floorCounter += bytes;
        }

        lock (_floorLock)
        {
            _floorCounter -= bytes;
        }

        return bytes;
    }

    [Benchmark(Description = "One Lock enter/exit (half the floor)")]
    public long OneLock()
    {
        var bytes = _sizesInBytes[_next++ & SizeMask];
        lock (_floorLock)
        {
            _floorCounter += bytes;
            _floorCounter -= bytes;
        }

        return bytes;
    }

    [Benchmark(Description = "MemoryBudget (src, unchanged)")]
    public long Budget()
    {
        var bytes = _sizesInBytes[_next++ & SizeMask];
        _budget.TryReserve(bytes, AllocationCategory.WorkingTextures, Priority.Normal, out var token);
        token.Dispose();
        return bytes;
    }

    [Benchmark(Description = "Prototype: faithful copy")]
    public long Faithful()
    {
        var bytes = _sizesInBytes[_next++ & SizeMask];
        _faithful.TryReserve(bytes, AllocationCategory.WorkingTextures, Priority.Normal, out var token);
        token.Dispose();
        return bytes;
    }

    [Benchmark(Description = "Prototype: no [ThreadStatic] on release")]
    public long NoThreadStatic()
    {
        var bytes = _sizesInBytes[_next++ & SizeMask];
        _noThreadStatic.TryReserve(bytes, AllocationCategory.WorkingTextures, Priority.Normal, out var token);
        token.Dispose();
        return bytes;
    }

    [Benchmark(Description = "Prototype: no metrics Enabled check")]
    public long NoMetricsCheck()
    {
        var bytes = _sizesInBytes[_next++ & SizeMask];
        _noMetricsCheck.TryReserve(bytes, AllocationCategory.WorkingTextures, Priority.Normal, out var token);
        token.Dispose();
        return bytes;
    }

    [Benchmark(Description = "Prototype: no peaks/counters")]
    public long NoStatistics()
    {
        var bytes = _sizesInBytes[_next++ & SizeMask];
        _noStatistics.TryReserve(bytes, AllocationCategory.WorkingTextures, Priority.Normal, out var token);
        token.Dispose();
        return bytes;
    }

    [Benchmark(Description = "Prototype: spin lock, store release")]
    public long SpinLocked()
    {
        var bytes = _sizesInBytes[_next++ & SizeMask];
        _spinLocked.TryReserve(bytes, AllocationCategory.WorkingTextures, Priority.Normal, out var token);
        token.Dispose();
        return bytes;
    }
}
