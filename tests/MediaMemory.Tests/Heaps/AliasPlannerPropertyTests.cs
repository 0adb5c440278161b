using CsCheck;
using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

/// <summary>Random resources and lifetimes: every plan keeps the contract, and never loses to greedy-by-size.</summary>
public sealed class AliasPlannerPropertyTests
{
    private static readonly Gen<TransientResource> GenResource =
        Gen.Select(Gen.Long[1, 1 << 20], Gen.Int[0, 16], Gen.Int[0, 30], Gen.Int[0, 12])
            .Select((size, alignmentLog2, first, length) => new TransientResource("r", size, 1L << alignmentLog2, first, first + length));

    private static readonly Gen<TransientResource[]> GenResources =
        GenResource.Array[0, 40].Select(rs => rs.Select((r, i) => new TransientResource($"r{i}", r.SizeBytes, r.AlignmentBytes, r.FirstUse, r.LastUse)).ToArray());

    [Fact]
    public void RandomLifetimes_NeverOverlapInTimeAndMemoryTogether_AndRespectAlignmentAndBounds()
    {
        GenResources.Sample(
            resources =>
            {
                var plan = AliasPlanner.Plan(resources);
                AliasPlannerAssert.Valid(resources, plan);
            },
            iter: 300);
    }

    [Fact]
    public void RandomLifetimes_GreedyBySizeIsValidToo_AndThePlannerIsNeverLarger()
    {
        GenResources.Sample(
            resources =>
            {
                var greedy = AliasPlanner.PlanGreedyBySize(resources);
                AliasPlannerAssert.Valid(resources, greedy);
                var plan = AliasPlanner.Plan(resources);
                Assert.True(plan.ArenaBytes <= greedy.ArenaBytes, $"planner {plan.ArenaBytes} > greedy-by-size {greedy.ArenaBytes} ({plan.Strategy})");
            },
            iter: 300);
    }

    [Fact]
    public void RandomLifetimes_WithSizesMultipleOfOneAlignment_NeverExceedTheNaiveSum()
    {
        // With one alignment and sizes that are multiples of it, every end is aligned, so no padding is
        // ever needed and the arena is at most the sum of sizes.
        Gen.Select(Gen.Int[0, 12], Gen.Select(Gen.Int[1, 64], Gen.Int[0, 20], Gen.Int[0, 8]).Array[1, 40]).Sample(
            input =>
            {
                var (alignmentLog2, rows) = input;
                var alignment = 1L << alignmentLog2;
                var resources = rows.Select((row, i) => new TransientResource($"r{i}", row.Item1 * alignment, alignment, row.Item2, row.Item2 + row.Item3)).ToArray();
                var plan = AliasPlanner.Plan(resources);
                AliasPlannerAssert.Valid(resources, plan);
                Assert.True(plan.ArenaBytes <= plan.NaiveBytes, $"arena {plan.ArenaBytes} > naive {plan.NaiveBytes}");
            },
            iter: 200);
    }

    [Fact]
    public void RandomLifetimes_PlanIsDeterministic()
    {
        GenResources.Sample(
            resources =>
            {
                var first = AliasPlanner.Plan(resources);
                var second = AliasPlanner.Plan(resources);
                Assert.Equal(first.Placements.Select(p => p.OffsetBytes), second.Placements.Select(p => p.OffsetBytes));
                Assert.Equal(first.Strategy, second.Strategy);
            },
            iter: 50);
    }

    [Fact]
    public void RandomLifetimes_WithUniformAlignedSizes_AllDisjointOrAllTogether_HitTheBounds()
    {
        // All alive at one step: nothing can share, so arena = naive = lower bound when sizes are multiples
        // of the common alignment. All disjoint: everything shares offset 0.
        Gen.Select(Gen.Int[1, 64].Array[1, 30], Gen.Bool).Sample(
            input =>
            {
                var (units, together) = input;
                var resources = units.Select((u, i) => together
                    ? new TransientResource($"r{i}", u * 256L, 256, 0, 3)
                    : new TransientResource($"r{i}", u * 256L, 256, i * 2, (i * 2) + 1)).ToArray();
                var plan = AliasPlanner.Plan(resources);
                AliasPlannerAssert.Valid(resources, plan);
                Assert.Equal(together ? plan.NaiveBytes : resources.Max(r => r.SizeBytes), plan.ArenaBytes);
                Assert.Equal(plan.LowerBoundBytes, plan.ArenaBytes);
            },
            iter: 100);
    }
}
