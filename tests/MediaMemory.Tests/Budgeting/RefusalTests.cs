using MediaMemory.Budgeting;
using Microsoft.Extensions.Time.Testing;

namespace MediaMemory.Tests.Budgeting;

public sealed class RefusalTests
{
    [Fact]
    public void WhenRequestIsLargerThanLimit_RefusesWithoutAskingReclaimers()
    {
        var budget = new MemoryBudget(1000);
        var cache = new TestCache("cache", Priority.Low);
        cache.Fill(budget, 10, 100);
        using var r = budget.RegisterReclaimer(cache);
        var refusals = new List<ReservationRefusedEventArgs>();
        budget.ReservationRefused += (_, e) => refusals.Add(e);

        Assert.False(budget.TryReserve(1001, AllocationCategory.SourceAssets, Priority.Essential, out var token));
        var ex = Assert.Throws<MemoryBudgetExceededException>(() => budget.Reserve(long.MaxValue, AllocationCategory.SourceAssets, Priority.Essential));

        Assert.Equal(default, token);
        Assert.Equal(0, cache.ReclaimCalls);
        Assert.Equal(1000, cache.HeldBytes);
        Assert.Equal(RefusalReason.LargerThanLimit, ex.Reason);
        Assert.Contains("larger than the whole limit", ex.Message, StringComparison.Ordinal);
        Assert.Equal([RefusalReason.LargerThanLimit, RefusalReason.LargerThanLimit], refusals.Select(e => e.Reason));
        Assert.Equal(2, budget.GetSnapshot().Refusals);
    }

    [Fact]
    public void WhenReserveIsRefused_TheExceptionDescribesRequestCategoryAvailableAndLargestCategories()
    {
        var budget = new MemoryBudget(10 * 1024 * 1024);
        using var video = budget.Reserve(4 * 1024 * 1024, AllocationCategory.VideoFrames, Priority.High);
        using var source = budget.Reserve(3 * 1024 * 1024, AllocationCategory.SourceAssets, Priority.High);
        using var effects = budget.Reserve(2 * 1024 * 1024, AllocationCategory.Effects, Priority.High);
        using var ui = budget.Reserve(512 * 1024, AllocationCategory.UI, Priority.High);

        var ex = Assert.Throws<MemoryBudgetExceededException>(() => budget.Reserve(1536 * 1024, AllocationCategory.WorkingTextures, Priority.Normal));

        Assert.Equal(1536 * 1024, ex.RequestedBytes);
        Assert.Equal(AllocationCategory.WorkingTextures, ex.Category);
        Assert.Equal(RefusalReason.ReclaimInsufficient, ex.Reason);
        Assert.Equal(512 * 1024, ex.AvailableBytes);
        Assert.Equal(10 * 1024 * 1024, ex.LimitBytes);
        var message = ex.Message;
        Assert.Contains("1.5 MiB", message, StringComparison.Ordinal);
        Assert.Contains("1572864 bytes", message, StringComparison.Ordinal);
        Assert.Contains("WorkingTextures", message, StringComparison.Ordinal);
        Assert.Contains("512 KiB of 10 MiB available", message, StringComparison.Ordinal);
        Assert.Contains("Largest categories: VideoFrames 4 MiB, SourceAssets 3 MiB, Effects 2 MiB.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("UI", message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhenNothingIsHeld_TheExceptionSaysNoLargestCategories()
    {
        var budget = new MemoryBudget(100);

        var ex = Assert.Throws<MemoryBudgetExceededException>(() => budget.Reserve(101, AllocationCategory.UI, Priority.Normal));

        Assert.Contains("Largest categories: none.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("100 B available", ex.Message, StringComparison.Ordinal);
        Assert.Equal(100, ex.AvailableBytes);
    }

    [Fact]
    public void WhenRefused_TheEventCarriesTheRequestAndTheFakeClocksTime()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
        var budget = new MemoryBudget(new MemoryBudgetOptions { LimitBytes = 1000, TimeProvider = clock });
        using var held = budget.Reserve(700, AllocationCategory.SourceAssets, Priority.High);
        var refusals = new List<ReservationRefusedEventArgs>();
        budget.ReservationRefused += (sender, e) =>
        {
            Assert.Same(budget, sender);
            refusals.Add(e);
        };
        clock.Advance(TimeSpan.FromMinutes(5));

        Assert.False(budget.TryReserve(400, AllocationCategory.VideoFrames, Priority.Normal, out _));

        var refusal = Assert.Single(refusals);
        Assert.Equal(400, refusal.RequestedBytes);
        Assert.Equal(AllocationCategory.VideoFrames, refusal.Category);
        Assert.Equal(Priority.Normal, refusal.Priority);
        Assert.Equal(300, refusal.AvailableBytes);
        Assert.Equal(RefusalReason.ReclaimInsufficient, refusal.Reason);
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 9, 5, TimeSpan.Zero), refusal.At);
    }

    [Fact]
    public void ExceptionConstructors_KeepTheirArguments()
    {
        var inner = new InvalidOperationException("inner");
        Assert.Equal("m", new MemoryBudgetExceededException("m").Message);
        Assert.Same(inner, new MemoryBudgetExceededException("m", inner).InnerException);
        Assert.NotEmpty(new MemoryBudgetExceededException().Message);
        Assert.Throws<ArgumentNullException>(() => new MemoryBudgetExceededException(1, AllocationCategory.UI, RefusalReason.LargerThanLimit, null!));
    }
}
