using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Budgeting;

public sealed class BudgetMetricsTests
{
    [Fact]
    public void WithAMeterListener_ReservationsRefusalsReclaimsAndLimitChangesAreReported()
    {
        // Instruments are process-wide and other tests run in parallel: keep only this budget's tags.
        var name = "metrics-" + Guid.NewGuid().ToString("N");
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "MediaMemory")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? budgetTag = null;
            string? reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "budget")
                {
                    budgetTag = tag.Value as string;
                }
                else if (tag.Key == "reason")
                {
                    reason = tag.Value as string;
                }
            }

            if (budgetTag == name)
            {
                totals.AddOrUpdate(reason is null ? instrument.Name : $"{instrument.Name}/{reason}", value, (_, sum) => sum + value);
            }
        });
        listener.Start();

        var budget = new MemoryBudget(new MemoryBudgetOptions { LimitBytes = 1000, Name = name });
        var cache = new TestCache("cache", Priority.Low);
        cache.Fill(budget, 4, 100);
        using var r = budget.RegisterReclaimer(cache);
        using var pinned = budget.Reserve(500, AllocationCategory.SourceAssets, Priority.High);
        using var reclaimedFor = budget.Reserve(250, AllocationCategory.UI, Priority.Normal);
        Assert.False(budget.TryReserve(2000, AllocationCategory.UI, Priority.Normal, out _));
        Assert.False(budget.TryReserve(900, AllocationCategory.UI, Priority.Normal, out _));
        cache.Fill(budget, 2, 100);
        var result = budget.SetLimit(600);

        // 250 did not fit: 200 reclaimed; 900 did not fit: the other 200 reclaimed, then refused;
        // the limit lowered to 600 with 950 used: the refilled 200 reclaimed, 150 left over.
        Assert.Equal(150, result.UnreclaimedBytes);
        Assert.Equal(8, totals.GetValueOrDefault("mediamemory.budget.reservations"));
        Assert.Equal(1350, totals.GetValueOrDefault("mediamemory.budget.reserved"));
        Assert.Equal(1, totals.GetValueOrDefault("mediamemory.budget.refusals/LargerThanLimit"));
        Assert.Equal(1, totals.GetValueOrDefault("mediamemory.budget.refusals/ReclaimInsufficient"));
        Assert.Equal(400, totals.GetValueOrDefault("mediamemory.budget.reclaimed/ReservationDidNotFit"));
        Assert.Equal(200, totals.GetValueOrDefault("mediamemory.budget.reclaimed/LimitLowered"));
        Assert.Equal(1, totals.GetValueOrDefault("mediamemory.budget.limit_changes"));
        Assert.Equal(budget.GetSnapshot().ReclaimedBytes, totals.Where(t => t.Key.StartsWith("mediamemory.budget.reclaimed/", StringComparison.Ordinal)).Sum(t => t.Value));
    }
}
