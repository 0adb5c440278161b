using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

/// <summary>Small cases whose best plan and lower bound are worked out by hand.</summary>
public sealed class AliasPlannerTests
{
    [Fact]
    public void DisjointLifetimes_AllShareOffsetZero()
    {
        TransientResource[] resources =
        [
            new("a", 1000, 256, 0, 1),
            new("b", 3000, 256, 2, 2),
            new("c", 2000, 256, 3, 7),
        ];

        var plan = AliasPlanner.Plan(resources);

        AliasPlannerAssert.Valid(resources, plan);
        Assert.All(plan.Placements, p => Assert.Equal(0, p.OffsetBytes));
        Assert.Equal(3000, plan.ArenaBytes);
        Assert.Equal(3000, plan.LowerBoundBytes);
        Assert.Equal(6000, plan.NaiveBytes);
        Assert.Equal(1.0, plan.Ratio);
    }

    [Fact]
    public void Chain_WhereEachStepReadsOneAndWritesTheNext_PingPongsBetweenTwoSlots()
    {
        // op i is alive at steps i and i+1: neighbours conflict, every other one may share.
        var resources = Enumerable.Range(0, 8).Select(i => new TransientResource($"op{i}", 4096, 256, i, i + 1)).ToArray();

        var plan = AliasPlanner.Plan(resources);

        AliasPlannerAssert.Valid(resources, plan);
        Assert.Equal(2 * 4096, plan.LowerBoundBytes);
        Assert.Equal(2 * 4096, plan.ArenaBytes);
        Assert.Equal(8 * 4096, plan.NaiveBytes);
    }

    [Fact]
    public void LowerBound_IsTheLargestTotalAliveAtOneStep()
    {
        // Step 0: a = 100. Steps 1–2: a + b = 150. Step 3: b + c = 120. Step 4: c + d = 80.
        TransientResource[] resources =
        [
            new("a", 100, 1, 0, 2),
            new("b", 50, 1, 1, 3),
            new("c", 70, 1, 3, 4),
            new("d", 10, 1, 4, 4),
        ];

        Assert.Equal(150, AliasPlanner.LowerBoundBytes(resources));
        var plan = AliasPlanner.Plan(resources);
        AliasPlannerAssert.Valid(resources, plan);
        Assert.Equal(150, plan.LowerBoundBytes);
        Assert.Equal(150, plan.ArenaBytes);
    }

    [Fact]
    public void LifetimesThatTouchAtOneStep_AreAliveTogether_AndDoNotShareMemory()
    {
        // Inclusive steps: a's last use and b's first use are both step 3.
        TransientResource[] resources = [new("a", 512, 1, 0, 3), new("b", 512, 1, 3, 5)];

        var plan = AliasPlanner.Plan(resources);

        AliasPlannerAssert.Valid(resources, plan);
        Assert.Equal(1024, plan.ArenaBytes);
        Assert.Equal(1024, plan.LowerBoundBytes);
    }

    [Fact]
    public void WhenAlignmentPunishesTheInputOrder_ThePlannerBeatsGreedyBySize()
    {
        // Equal sizes, so greedy-by-size keeps the input order: "small-align" at 0 pushes the
        // 64 KiB-aligned one to 65536. Placing the aligned one first packs both into 20 bytes.
        TransientResource[] resources = [new("small-align", 10, 1, 0, 1), new("big-align", 10, 65536, 0, 1)];

        var greedy = AliasPlanner.PlanGreedyBySize(resources);
        var plan = AliasPlanner.Plan(resources);

        AliasPlannerAssert.Valid(resources, greedy);
        AliasPlannerAssert.Valid(resources, plan);
        Assert.Equal(65546, greedy.ArenaBytes);
        Assert.Equal(20, plan.ArenaBytes);
        Assert.Equal(0, plan.Placements[1].OffsetBytes);
        Assert.Equal(10, plan.Placements[0].OffsetBytes);
    }

    [Fact]
    public void GreedyBySize_PutsASmallerResourceIntoAGapBelowTheTop()
    {
        // Largest first: a [0,1000) at step 0; b [0,600) at steps 1–2 (a is gone); c conflicts with
        // both, so [1000,1500). d (step 2) conflicts with b and c only: the gap [600,1000) takes it.
        TransientResource[] resources =
        [
            new("a", 1000, 1, 0, 0),
            new("b", 600, 1, 1, 2),
            new("c", 500, 1, 0, 2),
            new("d", 300, 1, 2, 2),
        ];

        var plan = AliasPlanner.PlanGreedyBySize(resources);

        AliasPlannerAssert.Valid(resources, plan);
        Assert.Equal([0L, 0, 1000, 600], plan.Placements.Select(p => p.OffsetBytes));
        Assert.Equal(1500, plan.ArenaBytes);
        Assert.Equal(1500, plan.LowerBoundBytes); // step 0: a + c
    }

    [Fact]
    public void NoResources_GiveAnEmptyArenaWithRatioOne()
    {
        var plan = AliasPlanner.Plan([]);

        Assert.Empty(plan.Placements);
        Assert.Equal(0, plan.ArenaBytes);
        Assert.Equal(0, plan.LowerBoundBytes);
        Assert.Equal(1.0, plan.Ratio);
    }

    [Fact]
    public void NullInput_IsRefusedNamingWhatIsNull()
    {
        Assert.Throws<ArgumentNullException>(() => AliasPlanner.Plan(null!));
        var ex = Assert.Throws<ArgumentException>(() => AliasPlanner.Plan([new("a", 1, 1, 0, 0), null!]));
        Assert.Contains("resources[1]", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0L, 1L, 0, 0, "sizeBytes")]
    [InlineData(-5L, 1L, 0, 0, "sizeBytes")]
    [InlineData(8L, 0L, 0, 0, "alignmentBytes")]
    [InlineData(8L, 3L, 0, 0, "alignmentBytes")]
    [InlineData(8L, -4L, 0, 0, "alignmentBytes")]
    [InlineData(8L, 4L, -1, 0, "firstUse")]
    [InlineData(8L, 4L, 5, 4, "lastUse")]
    public void TransientResource_OutOfRange_ThrowsNamingTheValue(long sizeBytes, long alignmentBytes, int firstUse, int lastUse, string parameter)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TransientResource("r", sizeBytes, alignmentBytes, firstUse, lastUse));

        Assert.Equal(parameter, ex.ParamName);
        Assert.NotNull(ex.ActualValue);
    }

    [Theory]
    [InlineData(long.MaxValue, 65536L)] // was planned as an "empty" arena of 0 bytes
    [InlineData((1L << 48) + 1, 1L)] // one byte above the limit
    [InlineData(10L, 1L << 62)] // was planned with an arena of 2^62 + 10 bytes
    [InlineData(10L, 128L * 1024)] // twice the largest alignment
    public void ResourceBeyondTheLimits_IsRefusedNamingIt_NeverPlanned(long sizeBytes, long alignmentBytes)
    {
        TransientResource[] resources = [new("small", 64, 64, 0, 1), new("big", sizeBytes, alignmentBytes, 0, 1)];

        foreach (var call in new Func<object>[] { () => AliasPlanner.Plan(resources), () => AliasPlanner.PlanGreedyBySize(resources), () => AliasPlanner.LowerBoundBytes(resources) })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(call);
            Assert.Equal("resources", ex.ParamName);
            Assert.Contains("resources[1] 'big'", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ResourcesAtTheLimits_ArePlannedExactly()
    {
        // 2^48 bytes (256 TiB) aligned to 64 KiB: the largest resource accepted.
        TransientResource[] resources = [new("a", 1L << 48, 65536, 0, 1), new("b", 1L << 48, 65536, 1, 2), new("c", 1L << 48, 65536, 3, 3)];

        var plan = AliasPlanner.Plan(resources);

        AliasPlannerAssert.Valid(resources, plan);
        Assert.Equal(2L << 48, plan.ArenaBytes);
        Assert.Equal(2L << 48, plan.LowerBoundBytes);
        Assert.Equal("size/best-fit", plan.Strategy);
    }

    [Fact]
    public void ResourcesWhoseSizesAndPaddingAddUpToMoreThan2To62_AreRefused()
    {
        // 2^14 resources of 2^48 bytes, each aligned to 64 KiB, may need 2^14 × (2^48 + 2^16 − 1) bytes: just over 2^62.
        var resources = Enumerable.Range(0, 1 << 14).Select(i => new TransientResource($"r{i}", 1L << 48, 65536, 0, 0)).ToArray();

        foreach (var call in new Func<object>[] { () => AliasPlanner.LowerBoundBytes(resources), () => AliasPlanner.PlanGreedyBySize(resources), () => AliasPlanner.Plan(resources) })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(call);
            Assert.Equal("resources", ex.ParamName);
            Assert.Contains("resources[16383] 'r16383'", ex.Message, StringComparison.Ordinal);
            Assert.Contains("4611686018427387904", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TransientResource_WithoutAName_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new TransientResource(string.Empty, 1, 1, 0, 0));

    [Fact]
    public void TwoThousandResources_PlanValidly_AndNoLargerThanGreedyBySize()
    {
        // The size of a long effect graph: planning is O(n²) per try with a bounded number of tries.
        var random = new Random(7);
        var resources = Enumerable.Range(0, 2000).Select(i =>
        {
            var first = random.Next(0, 1000);
            return new TransientResource($"r{i}", random.Next(1, 1 << 26), 1L << random.Next(0, 17), first, first + random.Next(0, 100));
        }).ToArray();

        var plan = AliasPlanner.Plan(resources);
        var greedy = AliasPlanner.PlanGreedyBySize(resources);

        AliasPlannerAssert.Valid(resources, plan);
        Assert.True(plan.ArenaBytes <= greedy.ArenaBytes, $"planner {plan.ArenaBytes} > greedy {greedy.ArenaBytes}");
    }

    [Fact]
    public void TwoThousandResourcesAllAliveTogether_StackWithoutSharing()
    {
        var resources = Enumerable.Range(0, 2000).Select(i => new TransientResource($"r{i}", 256 * (1 + (i % 37)), 256, 0, 10)).ToArray();

        var plan = AliasPlanner.Plan(resources);

        AliasPlannerAssert.Valid(resources, plan);
        Assert.Equal(plan.NaiveBytes, plan.ArenaBytes);
    }
}
