using CsCheck;
using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

/// <summary>
/// Random sequences of allocate (tiny to larger-than-capacity sizes, alignments 1 B .. 64 KiB), free, stale
/// free and exact-maximum probes, checked after every step against <see cref="TlsfModel"/>.
/// </summary>
public sealed class TlsfModelTests
{
    private static readonly Gen<Op> GenOp =
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 3], Gen.Double[0, 1], Gen.Int[0, 16], Gen.Int[0, 1 << 20])
            .Select((kind, sizeKind, fraction, alignmentLog2, pick) => new Op(kind, sizeKind, fraction, 1L << alignmentLog2, pick));

    private static readonly Gen<long> GenCapacity = Gen.OneOf(
        Gen.Long[1, 4096],                    // smaller than one max alignment, often not whole granules
        Gen.Long[4096, 1 << 24],              // a few MiB
        Gen.Const(1L << 40),                  // the contract's minimum supported capacity
        Gen.Const(Tlsf.MaxCapacityBytes));

    private static readonly Gen<(long Capacity, Op[] Ops)> GenRun = Gen.Select(GenCapacity, GenOp.Array[1, 150]);

    [Fact]
    public void RandomSequences_MatchTheIntervalModelAfterEveryStep()
    {
        GenRun.Sample(run => Execute(run.Capacity, run.Ops), iter: 400, threads: 1);
    }

    [Fact]
    public void ManySmallRequestsInATinyCapacity_MatchTheModelUntilFull()
    {
        var ops = Enumerable.Range(0, 200)
            .Select(i => new Op(i % 5 == 4 ? 6 : 0, 0, (i * 37 % 100) / 100.0, 1L << (i % 17), i * 7919))
            .ToArray();
        Execute(1000, ops);
    }

    private static void Execute(long capacityBytes, Op[] ops)
    {
        var tlsf = new Tlsf(capacityBytes);
        var model = new TlsfModel(capacityBytes);
        var freed = new List<TlsfAllocation>();
        model.AssertMatches(tlsf, 1);

        foreach (var op in ops)
        {
            switch (op.Kind)
            {
                case <= 4:
                {
                    var sizeBytes = op.SizeBytes(capacityBytes);
                    var fits = model.Fits(sizeBytes, op.AlignmentBytes);
                    var granted = tlsf.TryAllocate(sizeBytes, op.AlignmentBytes, out var allocation);
                    Assert.True(fits == granted, $"{op}: size {sizeBytes} granted {granted}, model says fits {fits}; gaps {string.Join(", ", model.Gaps())}");
                    if (granted)
                    {
                        model.Add(allocation, sizeBytes, op.AlignmentBytes);
                        Assert.True(tlsf.IsLive(allocation));
                    }
                    else
                    {
                        Assert.Equal(default, allocation);
                    }

                    break;
                }

                case 5 or 6 or 7 when model.Live.Count > 0:
                {
                    var allocation = model.Live[op.Pick % model.Live.Count];
                    tlsf.Free(allocation);
                    model.Remove(allocation);
                    Assert.False(tlsf.IsLive(allocation));
                    freed.Add(allocation);
                    break;
                }

                case 8 when freed.Count > 0:
                {
                    var stale = freed[op.Pick % freed.Count];
                    Assert.False(tlsf.IsLive(stale));
                    Assert.Throws<InvalidOperationException>(() => tlsf.Free(stale));
                    break;
                }

                case 9:
                {
                    // The exact maximum is allocatable, one byte more is not.
                    var maxBytes = tlsf.MaxAvailableSize(op.AlignmentBytes);
                    Assert.False(tlsf.TryAllocate(maxBytes + 1, op.AlignmentBytes, out _), $"MaxAvailableSize({op.AlignmentBytes}) = {maxBytes} but {maxBytes + 1} fits");
                    if (maxBytes > 0)
                    {
                        var probe = tlsf.Allocate(maxBytes, op.AlignmentBytes);
                        model.Add(probe, maxBytes, op.AlignmentBytes);
                        model.AssertMatches(tlsf, op.AlignmentBytes);
                        tlsf.Free(probe);
                        model.Remove(probe);
                    }

                    break;
                }
            }

            model.AssertMatches(tlsf, op.AlignmentBytes);
        }

        foreach (var allocation in model.Live.ToArray())
        {
            tlsf.Free(allocation);
            model.Remove(allocation);
        }

        model.AssertMatches(tlsf, 1);
        Assert.Equal([new TlsfRange(0, capacityBytes)], tlsf.GetFreeRanges());
        Assert.Equal(new TlsfStatistics(capacityBytes, 0, capacityBytes, 0, 1, capacityBytes, 0.0), tlsf.GetStatistics());
    }

    /// <summary>One step. Kind 0-4 allocate, 5-7 free a live one, 8 free a stale one, 9 probe the exact maximum.</summary>
    private sealed record Op(int Kind, int SizeKind, double Fraction, long AlignmentBytes, int Pick)
    {
        public long SizeBytes(long capacityBytes) => SizeKind switch
        {
            0 => 1 + (long)(Fraction * 63),                                        // tiny: below a few granules
            1 => 1 + (long)(Fraction * 65_535),                                     // small: up to 64 KiB
            2 => 1 + (long)(Fraction * Math.Max(1, capacityBytes / 4)),             // up to a quarter of the capacity
            _ => 1 + (long)(Fraction * Math.Min(capacityBytes * 1.2, long.MaxValue / 2)), // huge: may exceed the capacity
        };
    }
}
