using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

/// <summary>Checks an <see cref="AliasPlan"/> against its contract, independently of the planner.</summary>
internal static class AliasPlannerAssert
{
    /// <summary>
    /// One placement per resource in input order; offsets aligned and not negative; no two resources
    /// alive at a common step share a byte; arena = highest end; lower bound ≤ arena ≤ naive (plus
    /// alignment slack, see below).
    /// </summary>
    public static void Valid(IReadOnlyList<TransientResource> resources, AliasPlan plan)
    {
        Assert.Equal(resources.Count, plan.Placements.Count);
        long highestEndBytes = 0;
        for (var a = 0; a < resources.Count; a++)
        {
            var pa = plan.Placements[a];
            Assert.Same(resources[a], pa.Resource);
            Assert.True(pa.OffsetBytes >= 0, $"{pa.Resource.Name} has negative offset {pa.OffsetBytes}");
            Assert.True(pa.OffsetBytes % pa.Resource.AlignmentBytes == 0, $"{pa.Resource.Name} at {pa.OffsetBytes} is not aligned to {pa.Resource.AlignmentBytes}");
            highestEndBytes = Math.Max(highestEndBytes, pa.OffsetBytes + pa.Resource.SizeBytes);
            for (var b = a + 1; b < resources.Count; b++)
            {
                var pb = plan.Placements[b];
                var together = pa.Resource.FirstUse <= pb.Resource.LastUse && pb.Resource.FirstUse <= pa.Resource.LastUse;
                var shareBytes = pa.OffsetBytes < pb.OffsetBytes + pb.Resource.SizeBytes && pb.OffsetBytes < pa.OffsetBytes + pa.Resource.SizeBytes;
                Assert.False(
                    together && shareBytes,
                    $"{pa.Resource.Name} [{pa.OffsetBytes}, +{pa.Resource.SizeBytes}) steps {pa.Resource.FirstUse}..{pa.Resource.LastUse} and " +
                    $"{pb.Resource.Name} [{pb.OffsetBytes}, +{pb.Resource.SizeBytes}) steps {pb.Resource.FirstUse}..{pb.Resource.LastUse} overlap in time and memory");
            }
        }

        Assert.Equal(highestEndBytes, plan.ArenaBytes);
        Assert.Equal(resources.Sum(r => r.SizeBytes), plan.NaiveBytes);
        Assert.Equal(BruteForceLowerBoundBytes(resources), plan.LowerBoundBytes);
        Assert.True(plan.ArenaBytes >= plan.LowerBoundBytes, $"arena {plan.ArenaBytes} < lower bound {plan.LowerBoundBytes}");
        // Without padding the arena never exceeds the sum of sizes; alignment may add up to
        // alignment - 1 bytes per resource (two resources alive together, sizes 3 and 4 aligned to 4,
        // need 8 bytes, not 7).
        var paddedNaiveBytes = plan.NaiveBytes + resources.Sum(r => r.AlignmentBytes - 1);
        Assert.True(plan.ArenaBytes <= paddedNaiveBytes, $"arena {plan.ArenaBytes} > naive {plan.NaiveBytes} + alignment slack = {paddedNaiveBytes}");
        if (resources.All(r => r.AlignmentBytes == 1))
        {
            Assert.True(plan.ArenaBytes <= plan.NaiveBytes, $"arena {plan.ArenaBytes} > naive {plan.NaiveBytes} with no alignment");
        }
    }

    /// <summary>The lower bound by visiting every step where some resource starts.</summary>
    public static long BruteForceLowerBoundBytes(IReadOnlyList<TransientResource> resources) =>
        resources.Select(r => r.FirstUse)
            .Select(step => resources.Where(r => r.FirstUse <= step && step <= r.LastUse).Sum(r => r.SizeBytes))
            .DefaultIfEmpty(0)
            .Max();
}
