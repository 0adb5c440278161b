using BenchmarkDotNet.Attributes;
using MediaMemory.Heaps;

namespace MediaMemory.Benchmarks.Heaps;

/// <summary>
/// One free + one allocate with ~50 live media-like allocations (4 KiB .. 64 MiB, alignments 256 B .. 64 KiB)
/// in a 4 GiB range: the <see cref="Tlsf"/> against a naive first fit over a sorted array of free ranges
/// (the baseline, written below), both fed the same seeded request stream.
/// </summary>
/// <remarks>
/// Each invocation runs <see cref="PairsPerInvoke"/> pairs; state carries over between invocations, so what is
/// measured is the steady state. A request that does not fit leaves its slot empty until the slot comes round
/// again (rare: the live set averages well under the capacity).
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
public class TlsfBenchmarks
{
    /// <summary>Live allocations: the "live set around 50".</summary>
    private const int LiveCount = 50;

    /// <summary>Pairs per invocation: arbitrary, long enough to hide the call overhead, short enough for a short job.</summary>
    private const int PairsPerInvoke = 4096;

    /// <summary>The request stream's length before it repeats: arbitrary, a power of two for a cheap wrap.</summary>
    private const int StreamLength = 1 << 16;

    /// <summary>A 4 GiB heap, as in the brief.</summary>
    private const long CapacityBytes = 4L << 30;

    /// <summary>Fixed so every run replays the same requests.</summary>
    private const int Seed = 20240603;

    private readonly long[] _sizesBytes = new long[StreamLength];
    private readonly long[] _alignmentsBytes = new long[StreamLength];
    private readonly int[] _slots = new int[StreamLength];

    private Tlsf _tlsf = null!;
    private readonly TlsfAllocation[] _tlsfLive = new TlsfAllocation[LiveCount];
    private int _tlsfCursor;

    private FirstFit _firstFit = null!;
    private readonly long[] _firstFitOffsets = new long[LiveCount];
    private readonly long[] _firstFitSizes = new long[LiveCount];
    private int _firstFitCursor;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(Seed);
        for (var i = 0; i < StreamLength; i++)
        {
            _sizesBytes[i] = MediaLikeSizeBytes(random);
            _alignmentsBytes[i] = 256L << random.Next(9); // 256 B .. 64 KiB
            _slots[i] = random.Next(LiveCount);
        }

        _tlsf = new Tlsf(CapacityBytes);
        _firstFit = new FirstFit(CapacityBytes);
        for (var slot = 0; slot < LiveCount; slot++)
        {
            _tlsfLive[slot] = _tlsf.Allocate(_sizesBytes[slot], _alignmentsBytes[slot]);
            _firstFitOffsets[slot] = _firstFit.Allocate(_sizesBytes[slot], _alignmentsBytes[slot], out _firstFitSizes[slot]);
        }

        _tlsfCursor = LiveCount;
        _firstFitCursor = LiveCount;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = PairsPerInvoke)]
    public long FirstFit_FreeThenAllocate()
    {
        var checksum = 0L;
        var cursor = _firstFitCursor;
        for (var i = 0; i < PairsPerInvoke; i++)
        {
            var request = cursor++ & (StreamLength - 1);
            var slot = _slots[request];
            if (_firstFitSizes[slot] != 0)
            {
                _firstFit.Free(_firstFitOffsets[slot], _firstFitSizes[slot]);
            }

            _firstFitOffsets[slot] = _firstFit.Allocate(_sizesBytes[request], _alignmentsBytes[request], out _firstFitSizes[slot]);
            checksum += _firstFitOffsets[slot];
        }

        _firstFitCursor = cursor;
        return checksum;
    }

    [Benchmark(OperationsPerInvoke = PairsPerInvoke)]
    public long Tlsf_FreeThenAllocate()
    {
        var checksum = 0L;
        var cursor = _tlsfCursor;
        for (var i = 0; i < PairsPerInvoke; i++)
        {
            var request = cursor++ & (StreamLength - 1);
            var slot = _slots[request];
            if (_tlsfLive[slot].IsIssued)
            {
                _tlsf.Free(_tlsfLive[slot]);
            }

            _tlsf.TryAllocate(_sizesBytes[request], _alignmentsBytes[request], out _tlsfLive[slot]);
            checksum += _tlsfLive[slot].OffsetBytes;
        }

        _tlsfCursor = cursor;
        return checksum;
    }

    /// <summary>Thumbnails, HD/4K textures and buffers: log-uniform 4 KiB .. 64 MiB, often a texture size.</summary>
    private static long MediaLikeSizeBytes(Random random) => random.Next(4) switch
    {
        0 => (long)Math.Pow(2, 12 + (random.NextDouble() * 14)),  // 4 KiB .. 64 MiB, log-uniform
        1 => 256L * 256 * 4,                                       // a 256 px BGRA8 thumbnail
        2 => 1920L * 1080 * 4,                                     // an HD BGRA8 texture
        _ => random.Next(2) == 0 ? 3840L * 2160 * 4 : (random.Next(1, 4096) * 4096L), // a 4K BGRA8 texture or a buffer
    };

    /// <summary>
    /// The peer: first fit over free ranges kept sorted by offset in two parallel arrays, coalescing on free
    /// (binary search for the slot, then a memmove). O(free ranges) per call; no managed allocation once the
    /// arrays have grown. Same 16-byte granularity as the <see cref="Tlsf"/>, so the layouts are comparable.
    /// </summary>
    private sealed class FirstFit
    {
        private long[] _offsets = new long[64];
        private long[] _sizes = new long[64];
        private int _count;

        public FirstFit(long capacityBytes)
        {
            _offsets[0] = 0;
            _sizes[0] = capacityBytes;
            _count = 1;
        }

        /// <summary>Returns the offset, and the rounded size (0 when nothing fits).</summary>
        public long Allocate(long sizeBytes, long alignmentBytes, out long roundedBytes)
        {
            roundedBytes = (sizeBytes + 15) & ~15L;
            for (var i = 0; i < _count; i++)
            {
                var start = _offsets[i];
                var end = start + _sizes[i];
                var aligned = (start + alignmentBytes - 1) & ~(alignmentBytes - 1);
                if (aligned + roundedBytes > end)
                {
                    continue;
                }

                var tail = end - (aligned + roundedBytes);
                if (aligned == start)
                {
                    if (tail == 0)
                    {
                        RemoveAt(i);
                    }
                    else
                    {
                        _offsets[i] = aligned + roundedBytes;
                        _sizes[i] = tail;
                    }
                }
                else
                {
                    _sizes[i] = aligned - start;
                    if (tail != 0)
                    {
                        InsertAt(i + 1, aligned + roundedBytes, tail);
                    }
                }

                return aligned;
            }

            roundedBytes = 0;
            return -1;
        }

        public void Free(long offsetBytes, long sizeBytes)
        {
            // First free range above the freed one.
            int low = 0, high = _count;
            while (low < high)
            {
                var middle = (low + high) >>> 1;
                if (_offsets[middle] < offsetBytes)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            var mergesLeft = low > 0 && _offsets[low - 1] + _sizes[low - 1] == offsetBytes;
            var mergesRight = low < _count && offsetBytes + sizeBytes == _offsets[low];
            if (mergesLeft && mergesRight)
            {
                _sizes[low - 1] += sizeBytes + _sizes[low];
                RemoveAt(low);
            }
            else if (mergesLeft)
            {
                _sizes[low - 1] += sizeBytes;
            }
            else if (mergesRight)
            {
                _offsets[low] = offsetBytes;
                _sizes[low] += sizeBytes;
            }
            else
            {
                InsertAt(low, offsetBytes, sizeBytes);
            }
        }

        private void InsertAt(int index, long offsetBytes, long sizeBytes)
        {
            if (_count == _offsets.Length)
            {
                Array.Resize(ref _offsets, _count * 2);
                Array.Resize(ref _sizes, _count * 2);
            }

            Array.Copy(_offsets, index, _offsets, index + 1, _count - index);
            Array.Copy(_sizes, index, _sizes, index + 1, _count - index);
            _offsets[index] = offsetBytes;
            _sizes[index] = sizeBytes;
            _count++;
        }

        private void RemoveAt(int index)
        {
            _count--;
            Array.Copy(_offsets, index + 1, _offsets, index, _count - index);
            Array.Copy(_sizes, index + 1, _sizes, index, _count - index);
        }
    }
}
