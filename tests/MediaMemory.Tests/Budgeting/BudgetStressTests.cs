using System.Collections.Concurrent;
using System.Diagnostics;
using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Budgeting;

[Trait("Category", "Stress")]
[Collection(StressTestsRunAlone.Name)]
public sealed class BudgetStressTests
{
    // 4 workers: enough to contend on 2 cores without starving the watcher (arbitrary).
    private const int Workers = 4;

    // Each worker stops at whichever comes first; the test asserts no time (DESIGN.md: tests never assert a time).
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);
    private const int MaxIterationsPerWorker = 400_000;

    // 256 KiB against requests of up to 4 KiB and up to 48 tokens held per worker plus the caches:
    // the budget is full most of the time, so reclaims and refusals are frequent (arbitrary).
    private const long LimitBytes = 256 * 1024;
    private const int MaxRequestBytes = 4096;
    private const int MaxLocalTokens = 48;

    [Fact]
    public void WhenManyThreadsReserveAndReclaim_UsedNeverExceedsLimitAndEndsAtZero()
    {
        var budget = new MemoryBudget(LimitBytes);
        var low = new TestCache("low", Priority.Low);
        var normal = new TestCache("normal", Priority.Normal);
        using var r1 = budget.RegisterReclaimer(low);
        using var r2 = budget.RegisterReclaimer(normal);
        long eventReleasedBytes = 0;
        long reclaimEvents = 0;
        budget.Reclaimed += (_, e) =>
        {
            Interlocked.Add(ref eventReleasedBytes, e.ReleasedBytes);
            Interlocked.Increment(ref reclaimEvents);
        };

        var violations = new ConcurrentQueue<string>();
        var failures = new ConcurrentQueue<Exception>();
        long granted = 0;
        long refused = 0;
        long watcherChecks = 0;
        var workersLeft = Workers;
        var stopwatch = Stopwatch.StartNew();

        var watcher = new Thread(() =>
        {
            try
            {
                while (Volatile.Read(ref workersLeft) > 0)
                {
                    var used = budget.UsedBytes;
                    if (used > budget.LimitBytes || used < 0)
                    {
                        violations.Enqueue($"UsedBytes {used} outside [0, {budget.LimitBytes}]");
                    }

                    var s = budget.GetSnapshot();
                    var sum = s.UsedByCategory.Sum();
                    if (s.UsedBytes > s.LimitBytes || sum != s.UsedBytes || s.PeakUsedBytes > s.LimitBytes || s.LiveTokens < 0)
                    {
                        violations.Enqueue($"snapshot used {s.UsedBytes}, sum {sum}, limit {s.LimitBytes}, peak {s.PeakUsedBytes}, live {s.LiveTokens}");
                    }

                    watcherChecks++;
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
            }
        })
        { IsBackground = true, Name = "budget-watcher" };

        var workers = Enumerable.Range(0, Workers).Select(seed => new Thread(() =>
        {
            var random = new Random(seed);
            var local = new List<AllocationToken>();
            long myGranted = 0;
            long myRefused = 0;
            try
            {
                for (var i = 0; i < MaxIterationsPerWorker && stopwatch.Elapsed < Deadline; i++)
                {
                    var op = random.Next(10);
                    if (op < 5)
                    {
                        var bytes = random.Next(0, MaxRequestBytes + 1);
                        var category = BudgetIntegrity.Categories[random.Next(BudgetIntegrity.Categories.Length)];
                        var priority = (Priority)random.Next(4);
                        if (!budget.TryReserve(bytes, category, priority, out var token))
                        {
                            myRefused++;
                            continue;
                        }

                        myGranted++;
                        if (priority == Priority.Low && random.Next(4) != 0)
                        {
                            low.Add(token, bytes);
                        }
                        else if (priority == Priority.Normal && random.Next(2) == 0)
                        {
                            normal.Add(token, bytes);
                        }
                        else
                        {
                            local.Add(token);
                        }
                    }
                    else if (op < 8 && local.Count > 0)
                    {
                        var index = random.Next(local.Count);
                        if (op == 7)
                        {
                            budget.Release(local[index]);
                        }
                        else
                        {
                            local[index].Dispose();
                        }

                        local.RemoveAt(index);
                    }
                    else if (op == 8 && (random.Next(2) == 0 ? low : normal).TryTake(out var taken))
                    {
                        // Possibly another thread's token: the cache owns it now.
                        taken.Dispose();
                    }

                    while (local.Count > MaxLocalTokens)
                    {
                        local[0].Dispose();
                        local.RemoveAt(0);
                    }
                }
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
            }
            finally
            {
                foreach (var token in local)
                {
                    token.Dispose();
                }

                Interlocked.Add(ref granted, myGranted);
                Interlocked.Add(ref refused, myRefused);
                Interlocked.Decrement(ref workersLeft);
            }
        })
        { IsBackground = true, Name = $"budget-worker-{seed}" }).ToList();

        watcher.Start();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        watcher.Join();

        Assert.Empty(failures);
        Assert.True(violations.IsEmpty, $"{violations.Count} invariant violations, first: {violations.FirstOrDefault()}");
        Assert.True(watcherChecks > 0, "the watcher never checked");

        // Integrity check: drop what the caches still hold; everything must come back to zero.
        low.Clear();
        normal.Clear();
        BudgetIntegrity.AssertEmpty(budget);
        var snapshot = budget.GetSnapshot();
        Assert.Equal(0, low.HeldBytes + normal.HeldBytes);
        Assert.True(snapshot.PeakUsedBytes <= LimitBytes, $"peak {snapshot.PeakUsedBytes} > limit {LimitBytes}");
        Assert.True(reclaimEvents > 0, "the stress never made the budget reclaim; the test is too gentle");
        Assert.True(snapshot.Refusals > 0, "the stress never filled the budget; the test is too gentle");
        Assert.Equal(Interlocked.Read(ref eventReleasedBytes), snapshot.ReclaimedBytes);
        Assert.Equal(granted, snapshot.Reservations);
        Assert.Equal(refused, snapshot.Refusals);
    }
}
