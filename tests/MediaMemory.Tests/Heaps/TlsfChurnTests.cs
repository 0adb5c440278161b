using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

/// <summary>Long deterministic churn with media-like requests, ending in integrity checks.</summary>
public sealed class TlsfChurnTests
{
    private const long CapacityBytes = 1L << 30; // 1 GiB, the fill-utilization heap

    [Fact]
    public void ChurnAtSeventyPercentFill_KeepsEveryInvariantAndFreesBackToOneRange()
    {
        var random = new Random(20240603);
        var tlsf = new Tlsf(CapacityBytes);
        var model = new TlsfModel(CapacityBytes);
        var fillTarget = (long)(CapacityBytes * 0.7);
        var refusals = 0;

        for (var step = 0; step < 4000; step++)
        {
            var used = tlsf.GetStatistics().UsedBytes;
            if (used < fillTarget || model.Live.Count == 0)
            {
                var sizeBytes = MediaLikeSizeBytes(random);
                var alignmentBytes = 256L << random.Next(9); // 256 B .. 64 KiB
                var fits = model.Fits(sizeBytes, alignmentBytes);
                Assert.Equal(fits, tlsf.TryAllocate(sizeBytes, alignmentBytes, out var allocation));
                if (fits)
                {
                    model.Add(allocation, sizeBytes, alignmentBytes);
                }
                else
                {
                    refusals++;
                }
            }
            else
            {
                var victim = model.Live[random.Next(model.Live.Count)];
                tlsf.Free(victim);
                model.Remove(victim);
            }

            if (step % 100 == 0)
            {
                model.AssertMatches(tlsf, 1L << random.Next(17));
            }
        }

        model.AssertMatches(tlsf, 1);
        Assert.True(model.Live.Count > 20, $"only {model.Live.Count} live allocations at the end of the churn ({refusals} refusals)");
        foreach (var allocation in model.Live.ToArray())
        {
            tlsf.Free(allocation);
            model.Remove(allocation);
        }

        tlsf.CheckIntegrity();
        Assert.Equal([new TlsfRange(0, CapacityBytes)], tlsf.GetFreeRanges());
    }

    [Fact]
    public void SteadyStateFreeAndAllocate_AllocatesNoManagedBytes()
    {
        var random = new Random(7);
        var tlsf = new Tlsf(4L << 30);
        var live = new TlsfAllocation[50];
        var sizes = new long[4096];
        var alignments = new long[4096];
        for (var i = 0; i < sizes.Length; i++)
        {
            sizes[i] = MediaLikeSizeBytes(random);
            alignments[i] = 256L << random.Next(9);
        }

        for (var i = 0; i < live.Length; i++)
        {
            live[i] = tlsf.Allocate(sizes[i], alignments[i]);
        }

        Churn(tlsf, live, sizes, alignments); // warm up: JIT tiers, node array growth
        var before = GC.GetAllocatedBytesForCurrentThread();
        Churn(tlsf, live, sizes, alignments);
        var allocatedBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocatedBytes == 0, $"{allocatedBytes} managed bytes allocated by {sizes.Length} free+allocate pairs");
        tlsf.CheckIntegrity();
    }

    private static void Churn(Tlsf tlsf, TlsfAllocation[] live, long[] sizes, long[] alignments)
    {
        for (var i = 0; i < sizes.Length; i++)
        {
            var slot = i % live.Length;
            tlsf.Free(live[slot]);
            live[slot] = tlsf.Allocate(sizes[i], alignments[i]);
        }
    }

    /// <summary>Thumbnails, HD/4K textures and buffers: log-uniform 4 KiB .. 64 MiB, often a texture size.</summary>
    private static long MediaLikeSizeBytes(Random random) => random.Next(4) switch
    {
        0 => (long)Math.Pow(2, 12 + (random.NextDouble() * 14)),  // 4 KiB .. 64 MiB, log-uniform
        1 => 256L * 256 * 4,                                       // a 256 px BGRA8 thumbnail
        2 => 1920L * 1080 * 4,                                     // an HD BGRA8 texture
        _ => random.Next(2) == 0 ? 3840L * 2160 * 4 : (random.Next(1, 4096) * 4096L), // a 4K BGRA8 texture or a buffer
    };
}
