using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using MediaMemory.Budgeting;
using MediaMemory.Heaps;

namespace MediaMemory.Cli.Bench;

/// <summary>
/// The workload of <c>mediamem bench heap</c>: one seeded sequence of media-like requests with a live set
/// of about 50, replayed against the <see cref="ResourceHeap"/> and its peers in the same process and run.
/// </summary>
/// <remarks>
/// Each timed operation is a pair: free a random live allocation, then allocate the next request in its
/// place. Times are taken per batch of pairs with <see cref="Stopwatch.GetTimestamp"/> and the median batch
/// is reported (the machines are shared; medians resist the spikes). Heap memory is not touched: the
/// figure is the cost of getting memory. The "touch" peer writes one byte per page of each new
/// allocation, which is what a fresh texture really costs before its first use.
/// </remarks>
internal sealed unsafe class HeapBenchmark(int ops, int seed)
{
    /// <summary>Live allocations held while churning (the "live set around 50").</summary>
    public const int LiveSet = 50;

    /// <summary>Block size of the timed heap: 256 MiB (VMA's large-heap block), so the ~0.6 GB live set sits in a few blocks.</summary>
    private const long BlockBytes = 256L << 20;

    /// <summary>Least time the heap and the pool are churned before they are timed (see <see cref="WarmUpPasses"/>).</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    /// <summary>Pairs per timed batch (arbitrary: long enough to dwarf the timer's cost, short enough for many batches).</summary>
    private const int BatchOps = 500;

    /// <summary>Capacity of the fill-utilization heap, as the issue asks: 1 GiB.</summary>
    private const long FillHeapBytes = 1L << 30;

    /// <summary>Seeds averaged for fill utilization (the 20).</summary>
    private const int FillSeeds = 20;

    /// <summary>Churn operations before filling (the 10,000).</summary>
    private const int ChurnOps = 10_000;

    private readonly MediaRequest[] _initial = Initial(seed);
    private readonly (int Victim, MediaRequest Request)[] _sequence = Sequence(seed, ops);

    public HeapBenchmarkResult Run(Action<string>? progress = null)
    {
        // Every native allocation is fresh memory from the kernel. glibc would otherwise hand a freed
        // block below its mmap threshold (which grows to 32 MiB, above a 4K BGRA8 texture's 31.6 MiB)
        // straight back, already resident, and "first touch" would measure reuse: 60 µs instead of
        // 13–15 ms per 4K texture measured here. Must run before any native allocation of the benchmark.
        var fresh = GlibcMalloc.TryFixMmapThreshold();
        progress?.Invoke("heap");
        var (heapNs, managed) = MeasureHeap();
        progress?.Invoke("native");
        var nativeNs = MeasureNative(touch: false, _sequence.Length);
        progress?.Invoke("arraypool");
        var poolNs = MeasureArrayPool();

        progress?.Invoke("native+touch");
        var touchNs = MeasureNative(touch: true, Math.Min(_sequence.Length, 2_000));
        progress?.Invoke("4K texture");
        var (textureHeapNs, textureNativeNs) = MeasureTexture4K();
        progress?.Invoke("fill utilization");
        var (fill, fillWorst, fragmentation) = MeasureFillUtilization();
        return new HeapBenchmarkResult(_sequence.Length, seed, LiveSet, heapNs, nativeNs, touchNs, poolNs, managed,
            textureHeapNs, textureNativeNs, fill, fillWorst, fragmentation) { NativeIsFresh = fresh };
    }

    private static MediaRequest[] Initial(int seed)
    {
        var generator = new MediaRequestGenerator(seed);
        return [.. Enumerable.Range(0, LiveSet).Select(_ => generator.Next())];
    }

    private static (int, MediaRequest)[] Sequence(int seed, int count)
    {
        var generator = new MediaRequestGenerator(seed + 1);
        return [.. Enumerable.Range(0, count).Select(_ => (generator.Pick(LiveSet), generator.Next()))];
    }

    private (double NsPerOp, double ManagedBytesPerOp) MeasureHeap()
    {
        var budget = new MemoryBudget(64L << 30);
        using var heap = new ResourceHeap("bench", AllocationCategory.WorkingTextures, budget, new ResourceHeapOptions { BlockSizeBytes = BlockBytes });
        var live = new HeapAllocation[LiveSet];
        for (var i = 0; i < LiveSet; i++)
        {
            live[i] = Allocate(heap, _initial[i]);
        }

        // Warm-up: passes over the sequence grow the blocks, the slot table and the TLSF nodes, and run long
        // enough for tiered compilation to install its optimized code (see WarmUp).
        WarmUpPasses(() =>
        {
            foreach (var (victim, request) in _sequence)
            {
                live[victim].Dispose();
                live[victim] = Allocate(heap, request);
            }
        });

        var ns = TimeBatches(_sequence.Length, (from, to) =>
        {
            for (var k = from; k < to; k++)
            {
                var (victim, request) = _sequence[k];
                live[victim].Dispose();
                live[victim] = Allocate(heap, request);
            }
        });

        // Managed bytes in a plain loop of its own, so the timer's closure and list do not count.
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var (victim, request) in _sequence)
        {
            live[victim].Dispose();
            live[victim] = Allocate(heap, request);
        }

        var managed = (double)(GC.GetAllocatedBytesForCurrentThread() - before) / _sequence.Length;
        foreach (var allocation in live)
        {
            allocation.Dispose();
        }

        return (ns, managed);
    }

    private static HeapAllocation Allocate(ResourceHeap heap, MediaRequest request) =>
        request.Descriptor is { } descriptor
            ? heap.AllocateTexture(descriptor)
            : heap.AllocateBuffer(request.SizeBytes, request.AlignmentBytes);

    private double MeasureNative(bool touch, int count)
    {
        var live = new nint[LiveSet];
        for (var i = 0; i < LiveSet; i++)
        {
            live[i] = NativeAllocate(_initial[i], touch);
        }

        var ns = TimeBatches(count, (from, to) =>
        {
            for (var k = from; k < to; k++)
            {
                var (victim, request) = _sequence[k];
                NativeMemory.AlignedFree((void*)live[victim]);
                live[victim] = NativeAllocate(request, touch);
            }
        }, batch: touch ? 50 : BatchOps);
        foreach (var pointer in live)
        {
            NativeMemory.AlignedFree((void*)pointer);
        }

        return ns;
    }

    private static nint NativeAllocate(MediaRequest request, bool touch)
    {
        var pointer = (byte*)NativeMemory.AlignedAlloc((nuint)request.SizeBytes, (nuint)request.AlignmentBytes);
        if (touch)
        {
            for (long offset = 0; offset < request.SizeBytes; offset += Environment.SystemPageSize)
            {
                pointer[offset] = 1;
            }
        }

        return (nint)pointer;
    }

    private double MeasureArrayPool()
    {
        var pool = ArrayPool<byte>.Shared;
        var live = new byte[LiveSet][];
        for (var i = 0; i < LiveSet; i++)
        {
            live[i] = pool.Rent((int)_initial[i].SizeBytes);
        }

        // Warm-up as for the heap: the pool then holds arrays of every bucket the sequence uses.
        WarmUpPasses(() =>
        {
            foreach (var (victim, request) in _sequence)
            {
                pool.Return(live[victim]);
                live[victim] = pool.Rent((int)request.SizeBytes);
            }
        });

        var ns = TimeBatches(_sequence.Length, (from, to) =>
        {
            for (var k = from; k < to; k++)
            {
                var (victim, request) = _sequence[k];
                pool.Return(live[victim]);
                live[victim] = pool.Rent((int)request.SizeBytes);
            }
        });
        foreach (var array in live)
        {
            pool.Return(array);
        }

        return ns;
    }

    private static (double HeapNs, double NativeTouchNs) MeasureTexture4K()
    {
        var descriptor = MediaRequestGenerator.Uhd4K;
        var budget = new MemoryBudget(1L << 30);
        using var heap = new ResourceHeap("bench-4k", AllocationCategory.WorkingTextures, budget,
            new ResourceHeapOptions { BlockSizeBytes = 64L << 20, PreFault = true, MinBlocks = 1 });
        heap.AllocateTexture(descriptor).Dispose();
        var heapNs = TimeBatches(20_000, (from, to) =>
        {
            for (var k = from; k < to; k++)
            {
                heap.AllocateTexture(descriptor).Dispose();
            }
        });

        var request = new MediaRequest(descriptor.TotalSizeBytes, descriptor.RequiredAlignmentBytes, descriptor);
        var nativeNs = TimeBatches(40, (from, to) =>
        {
            for (var k = from; k < to; k++)
            {
                NativeMemory.AlignedFree((void*)NativeAllocate(request, touch: true));
            }
        }, batch: 2);
        return (heapNs, nativeNs);
    }

    private (double Mean, double Worst, double FragmentationAfterChurn) MeasureFillUtilization()
    {
        var utilizations = new double[FillSeeds];
        var fragmentations = new double[FillSeeds];
        for (var s = 0; s < FillSeeds; s++)
        {
            (utilizations[s], fragmentations[s]) = FillOnce(seed + (s * 7919));
        }

        return (utilizations.Average(), utilizations.Min(), fragmentations.Average());
    }

    private static (double Utilization, double FragmentationAfterChurn) FillOnce(int fillSeed)
    {
        var budget = new MemoryBudget(FillHeapBytes);
        using var heap = new ResourceHeap("fill", AllocationCategory.WorkingTextures, budget,
            new ResourceHeapOptions { BlockSizeBytes = FillHeapBytes, MaxBlocks = 1, ReclaimEmptyBlocks = false });
        var generator = new MediaRequestGenerator(fillSeed);
        var live = new List<HeapAllocation>();
        long used = 0;
        const long ChurnTarget = FillHeapBytes * 7 / 10;

        bool TryAdd(MediaRequest request)
        {
            var ok = request.Descriptor is { } d
                ? heap.TryAllocateTexture(d, out var allocation)
                : heap.TryAllocateBuffer(request.SizeBytes, request.AlignmentBytes, out allocation);
            if (ok)
            {
                live.Add(allocation);
                used += request.SizeBytes;
            }

            return ok;
        }

        void RemoveRandom()
        {
            var index = generator.Pick(live.Count);
            used -= live[index].SizeBytes;
            live[index].Dispose();
            live[index] = live[^1];
            live.RemoveAt(live.Count - 1);
        }

        while (used < ChurnTarget && TryAdd(generator.Next()))
        {
        }

        // Churn at about 70 % full: free one, then allocate until back at 70 % (or refused).
        for (var op = 0; op < ChurnOps; op++)
        {
            if (live.Count > 0)
            {
                RemoveRandom();
            }

            while (used < ChurnTarget && TryAdd(generator.Next()))
            {
            }
        }

        var fragmentation = heap.Fragmentation;

        // Fill with random requests until the first refusal.
        while (TryAdd(generator.Next()))
        {
        }

        var utilization = (double)used / FillHeapBytes;
        foreach (var allocation in live)
        {
            allocation.Dispose();
        }

        return (utilization, fragmentation);
    }

    /// <summary>
    /// Runs <paramref name="pass"/> at least once and until <see cref="WarmUp"/> has passed. Tiered compilation
    /// first runs code compiled without optimization and replaces it only after its methods have been called
    /// 30 times and 100 ms have passed without new methods to compile; measured here, the pair then ran 4–7×
    /// slower for the first ~0.3 s of a process, and the single warm-up pass this bench used to run left part of
    /// that in the timed batches (one run in two or three reported ~170–200 ns instead of ~110).
    /// </summary>
    private static void WarmUpPasses(Action pass)
    {
        var started = Stopwatch.GetTimestamp();
        do
        {
            pass();
        }
        while (Stopwatch.GetElapsedTime(started) < WarmUp);
    }

    /// <summary>Runs <paramref name="count"/> operations in batches and returns the median nanoseconds per operation.</summary>
    private static double TimeBatches(int count, Action<int, int> body, int batch = BatchOps)
    {
        var perOp = new List<double>();
        for (var from = 0; from < count; from += batch)
        {
            var to = Math.Min(count, from + batch);
            var start = Stopwatch.GetTimestamp();
            body(from, to);
            var elapsed = Stopwatch.GetElapsedTime(start);
            perOp.Add(elapsed.TotalNanoseconds / (to - from));
        }

        perOp.Sort();
        return perOp.Count == 0 ? double.NaN : perOp[perOp.Count / 2];
    }
}
