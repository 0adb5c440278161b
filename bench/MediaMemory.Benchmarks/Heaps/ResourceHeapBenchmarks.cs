using System.Buffers;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using MediaMemory.Budgeting;
using MediaMemory.Heaps;

namespace MediaMemory.Benchmarks.Heaps;

/// <summary>
/// One free + one allocate with ~50 live media-like allocations, through the whole
/// <see cref="ResourceHeap"/> (lock, slot table, block choice, TLSF), against the bare <see cref="Tlsf"/>
/// (baseline: what the heap adds is the ratio), <c>NativeMemory.AlignedAlloc</c> and
/// <c>ArrayPool&lt;byte&gt;.Shared</c>, all fed the same seeded request stream.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public unsafe class ResourceHeapBenchmarks
{
    /// <summary>The live set.</summary>
    private const int LiveCount = 50;

    /// <summary>Pairs per invocation (arbitrary: hides the call overhead).</summary>
    private const int PairsPerInvoke = 4096;

    /// <summary>Stream length before it repeats (a power of two for a cheap wrap).</summary>
    private const int StreamLength = 1 << 14;

    /// <summary>Fixed so every run replays the same requests.</summary>
    private const int Seed = 7;

    private readonly long[] _sizes = new long[StreamLength];
    private readonly long[] _alignments = new long[StreamLength];
    private readonly int[] _victims = new int[StreamLength];
    private readonly HeapAllocation[] _heapLive = new HeapAllocation[LiveCount];
    private readonly TlsfAllocation[] _tlsfLive = new TlsfAllocation[LiveCount];
    private readonly nint[] _nativeLive = new nint[LiveCount];
    private readonly byte[][] _poolLive = new byte[LiveCount][];
    private ResourceHeap _heap = null!;
    private Tlsf _tlsf = null!;
    private int _cursor;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Seed);
        for (var i = 0; i < StreamLength; i++)
        {
            // Media-like: log-uniform 4 KiB .. 64 MiB, alignment 256 B .. 64 KiB.
            _sizes[i] = (long)Math.Exp(Math.Log(4096) + (random.NextDouble() * (Math.Log(64L << 20) - Math.Log(4096))));
            _alignments[i] = 256L << random.Next(9);
            _victims[i] = random.Next(LiveCount);
        }

        _heap = new ResourceHeap("bench", AllocationCategory.WorkingTextures, new MemoryBudget(64L << 30),
            new ResourceHeapOptions { BlockSizeBytes = 256L << 20 });
        _tlsf = new Tlsf(4L << 30);
        for (var i = 0; i < LiveCount; i++)
        {
            _heapLive[i] = _heap.AllocateBuffer(_sizes[i], _alignments[i]);
            _tlsfLive[i] = _tlsf.Allocate(_sizes[i], _alignments[i]);
            _nativeLive[i] = (nint)NativeMemory.AlignedAlloc((nuint)_sizes[i], (nuint)_alignments[i]);
            _poolLive[i] = ArrayPool<byte>.Shared.Rent((int)_sizes[i]);
        }

        _cursor = LiveCount;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _heap.Dispose();
        foreach (var pointer in _nativeLive)
        {
            NativeMemory.AlignedFree((void*)pointer);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PairsPerInvoke)]
    public long Tlsf_FreeThenAllocate()
    {
        long sum = 0;
        for (var k = 0; k < PairsPerInvoke; k++)
        {
            var r = _cursor++ & (StreamLength - 1);
            var v = _victims[r];
            _tlsf.Free(_tlsfLive[v]);
            _tlsfLive[v] = _tlsf.Allocate(_sizes[r], _alignments[r]);
            sum += _tlsfLive[v].OffsetBytes;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairsPerInvoke)]
    public long ResourceHeap_FreeThenAllocate()
    {
        long sum = 0;
        for (var k = 0; k < PairsPerInvoke; k++)
        {
            var r = _cursor++ & (StreamLength - 1);
            var v = _victims[r];
            _heapLive[v].Dispose();
            _heapLive[v] = _heap.AllocateBuffer(_sizes[r], _alignments[r]);
            sum += v;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairsPerInvoke)]
    public long NativeMemory_FreeThenAlignedAlloc()
    {
        long sum = 0;
        for (var k = 0; k < PairsPerInvoke; k++)
        {
            var r = _cursor++ & (StreamLength - 1);
            var v = _victims[r];
            NativeMemory.AlignedFree((void*)_nativeLive[v]);
            _nativeLive[v] = (nint)NativeMemory.AlignedAlloc((nuint)_sizes[r], (nuint)_alignments[r]);
            sum += _nativeLive[v];
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = PairsPerInvoke)]
    public long ArrayPool_ReturnThenRent()
    {
        long sum = 0;
        for (var k = 0; k < PairsPerInvoke; k++)
        {
            var r = _cursor++ & (StreamLength - 1);
            var v = _victims[r];
            ArrayPool<byte>.Shared.Return(_poolLive[v]);
            _poolLive[v] = ArrayPool<byte>.Shared.Rent((int)_sizes[r]);
            sum += _poolLive[v].Length;
        }

        return sum;
    }
}
