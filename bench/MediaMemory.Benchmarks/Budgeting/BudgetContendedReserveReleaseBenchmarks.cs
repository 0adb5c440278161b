using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using MediaMemory.Budgeting;

namespace MediaMemory.Benchmarks.Budgeting;

/// <summary>
/// <see cref="Threads"/> threads each doing reserve+release pairs on one shared
/// <see cref="MemoryBudget"/>, against the same shape on a plain <see cref="Lock"/> and a counter.
/// </summary>
/// <remarks>
/// <para>
/// One invocation runs <see cref="TotalPairs"/> pairs split evenly over the threads, and BenchmarkDotNet
/// divides by <see cref="TotalPairs"/> (<c>OperationsPerInvoke</c>): the figure is wall-clock time per
/// pair with all threads running, i.e. the inverse of the budget's throughput. Perfect scaling on
/// two cores would halve the uncontended figure; lock contention makes it worse instead.
/// </para>
/// <para>
/// The worker threads are made once per benchmark case and meet the benchmark thread at a
/// <see cref="Barrier"/> before and after each invocation, so thread start-up is not measured; the two
/// barrier phases cost microseconds against the milliseconds of <see cref="TotalPairs"/> pairs.
/// Each worker reads sizes from its own table seeded with <c>Seed + worker index</c>.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class BudgetContendedReserveReleaseBenchmarks
{
    // Pairs per invocation over all threads: divisible by 2 and 4, and long enough (≈ ms) that the
    // barrier phases are noise. Arbitrary otherwise.
    private const int TotalPairs = 1 << 18;

    private const int SizeCount = 1024;
    private const int SizeMask = SizeCount - 1;
    private const int Seed = 20_261_126;
    private const int MinSizeInBytes = 4 * 1024;
    private const int MaxSizeInBytes = 32 * 1024 * 1024;
    private const long LimitInBytes = 1L << 40;

    private readonly Lock _floorLock = new();
    private MemoryBudget _budget = null!;
    private long _floorCounter;
    private Thread[] _workers = [];
    private Barrier _barrier = null!;
    private volatile bool _stopping;

    // Which workload the workers run in the next invocation; published to them by the barrier.
    private Workload _workload;
    private int _refusals;

    /// <summary>Threads contending for the one budget; the machine has 2 cores.</summary>
    [Params(2, 4)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _budget = new MemoryBudget(LimitInBytes);
        _stopping = false;
        _barrier = new Barrier(Threads + 1);
        _workers = new Thread[Threads];
        var pairsPerThread = TotalPairs / Threads;
        for (var i = 0; i < Threads; i++)
        {
            var sizes = MakeSizes(Seed + i);
            _workers[i] = new Thread(() => WorkerLoop(sizes, pairsPerThread))
            {
                IsBackground = true,
                Name = $"bench-worker-{i}",
            };
            _workers[i].Start();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stopping = true;
        _barrier.SignalAndWait();
        foreach (var worker in _workers)
        {
            worker.Join();
        }

        _barrier.Dispose();

        // Integrity check: no refusals (they would be measured as cheap no-ops) and every byte came back.
        if (_refusals != 0 || _budget.UsedBytes != 0 || _floorCounter != 0)
        {
            throw new InvalidOperationException(
                $"integrity: {_refusals} refusals, budget {_budget.UsedBytes} B, floor {_floorCounter} B");
        }
    }

    /// <summary>The floor, same shape: every thread locks around the add, then around the subtract.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TotalPairs, Description = "Floor: Lock + counter, N threads")]
    public void LockCounterContended() => RunOnWorkers(Workload.Floor);

    /// <summary>Every thread does TryReserve + Dispose on the one shared budget.</summary>
    [Benchmark(OperationsPerInvoke = TotalPairs, Description = "MemoryBudget: TryReserve + Dispose, N threads")]
    public void BudgetContended() => RunOnWorkers(Workload.Budget);

    private void RunOnWorkers(Workload workload)
    {
        _workload = workload;
        _barrier.SignalAndWait(); // start
        _barrier.SignalAndWait(); // all workers done
    }

    private void WorkerLoop(long[] sizes, int pairs)
    {
        while (true)
        {
            _barrier.SignalAndWait();
            if (_stopping)
            {
                return;
            }

            switch (_workload)
            {
                case Workload.Budget:
                    BudgetPairs(sizes, pairs);
                    break;
                default:
                    FloorPairs(sizes, pairs);
                    break;
            }

            _barrier.SignalAndWait();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void BudgetPairs(long[] sizes, int pairs)
    {
        var budget = _budget;
        for (var i = 0; i < pairs; i++)
        {
            var bytes = sizes[i & SizeMask];
            if (budget.TryReserve(bytes, AllocationCategory.VideoFrames, Priority.High, out var token))
            {
                token.Dispose();
            }
            else
            {
                Interlocked.Increment(ref _refusals);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FloorPairs(long[] sizes, int pairs)
    {
        for (var i = 0; i < pairs; i++)
        {
            var bytes = sizes[i & SizeMask];
            lock (_floorLock)
            {
                _floorCounter += bytes;
            }

            lock (_floorLock)
            {
                _floorCounter -= bytes;
            }
        }
    }

    private static long[] MakeSizes(int seed)
    {
        var random = new Random(seed);
        var sizes = new long[SizeCount];
        for (var i = 0; i < SizeCount; i++)
        {
            sizes[i] = random.Next(MinSizeInBytes, MaxSizeInBytes);
        }

        return sizes;
    }

    private enum Workload
    {
        Floor,
        Budget,
    }
}
