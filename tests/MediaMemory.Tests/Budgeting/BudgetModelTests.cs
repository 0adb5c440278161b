using CsCheck;
using MediaMemory.Budgeting;

namespace MediaMemory.Tests.Budgeting;

/// <summary>
/// Random sequences of reserve, dispose, release, set-limit and stale use, checked after every step
/// against a model: a dictionary of live tokens and the limit. No reclaimers, so the model is exact.
/// </summary>
public sealed class BudgetModelTests
{
    private static readonly Gen<Op> GenOp =
        Gen.Select(Gen.Int[0, 9], Gen.Long[0, 400], Gen.Int[0, 5], Gen.Int[0, 3], Gen.Int[0, 1 << 20])
            .Select((kind, size, category, priority, pick) => new Op(kind, size, (AllocationCategory)category, (Priority)priority, pick));

    private static readonly Gen<(long Limit, Op[] Ops)> GenRun = Gen.Select(Gen.Long[0, 2000], GenOp.Array[1, 120]);

    [Fact]
    public void RandomSequences_MatchTheModelAfterEveryStep()
    {
        GenRun.Sample(run => Execute(run.Limit, run.Ops), iter: 200, threads: 1);
    }

    [Fact]
    public void AFixedSequenceThatOutgrowsTheSlotTable_MatchesTheModel()
    {
        var ops = Enumerable.Range(0, 300)
            .Select(i => new Op(i % 7 == 6 ? 5 : 0, i % 50, (AllocationCategory)(i % 6), Priority.Normal, i))
            .ToArray();
        Execute(100_000, ops);
    }

    private static void Execute(long initialLimit, Op[] ops)
    {
        var budget = new MemoryBudget(initialLimit);
        var refusals = new List<ReservationRefusedEventArgs>();
        budget.ReservationRefused += (_, e) => refusals.Add(e);
        var model = new Model(initialLimit);
        var stale = new List<AllocationToken>();

        foreach (var op in ops)
        {
            switch (op.Kind)
            {
                case <= 4:
                {
                    var fits = op.Size == 0 || op.Size <= model.Limit - model.Used; // an empty reservation always fits
                    var granted = budget.TryReserve(op.Size, op.Category, op.Priority, out var token);
                    Assert.True(fits == granted, $"{op}: granted {granted}, model says fits {fits} (limit {model.Limit}, used {model.Used})");
                    if (granted)
                    {
                        model.Add(token, op.Size, op.Category);
                    }
                    else
                    {
                        model.Refusals++;
                        var refusal = refusals[^1];
                        var reason = op.Size > model.Limit ? RefusalReason.LargerThanLimit : RefusalReason.ReclaimInsufficient;
                        Assert.Equal(reason, refusal.Reason);
                        Assert.Equal(op.Size, refusal.RequestedBytes);
                        Assert.Equal(Math.Max(0, model.Limit - model.Used), refusal.AvailableBytes);
                    }

                    break;
                }

                case 5 or 6 or 7 when model.Live.Count > 0:
                {
                    var id = model.Live.Keys.ElementAt(op.Pick % model.Live.Count);
                    var entry = model.Live[id];
                    Assert.Equal(entry.Bytes, entry.Token.Bytes);
                    Assert.Equal(entry.Category, entry.Token.Category);
                    if (op.Kind == 7)
                    {
                        budget.Release(entry.Token);
                    }
                    else
                    {
                        entry.Token.Dispose();
                    }

                    model.Remove(id);
                    stale.Add(entry.Token);
                    break;
                }

                case 8:
                {
                    var newLimit = op.Size * 5;
                    var result = budget.SetLimit(newLimit);
                    Assert.Equal(new LimitChangeResult(model.Limit, newLimit, 0, Math.Max(0, model.Used - newLimit)), result);
                    model.Limit = newLimit;
                    break;
                }

                case 9 when stale.Count > 0:
                {
                    var token = stale[op.Pick % stale.Count];
                    Assert.False(token.IsHeld);
                    Assert.Throws<ObjectDisposedException>(() => token.Bytes);
                    Assert.Throws<InvalidOperationException>(() => budget.Release(token));
                    token.Dispose();
                    break;
                }
            }

            model.AssertMatches(budget);
        }

        foreach (var entry in model.Live.Values)
        {
            entry.Token.Dispose();
        }

        BudgetIntegrity.AssertEmpty(budget);
    }

    private sealed record Op(int Kind, long Size, AllocationCategory Category, Priority Priority, int Pick);

    private sealed class Model(long limit)
    {
        private readonly long[] _peakByCategory = new long[BudgetIntegrity.Categories.Length];
        private int _nextId;

        public long Limit { get; set; } = limit;

        public Dictionary<int, (AllocationToken Token, long Bytes, AllocationCategory Category)> Live { get; } = [];

        public long Used => Live.Values.Sum(e => e.Bytes);

        public long Peak { get; private set; }

        public long Reservations { get; private set; }

        public long Refusals { get; set; }

        public long UsedBy(AllocationCategory category) => Live.Values.Where(e => e.Category == category).Sum(e => e.Bytes);

        public void Add(AllocationToken token, long bytes, AllocationCategory category)
        {
            Assert.DoesNotContain(Live.Values, e => e.Token == token);
            Live.Add(_nextId++, (token, bytes, category));
            Reservations++;
            Peak = Math.Max(Peak, Used);
            _peakByCategory[(int)category] = Math.Max(_peakByCategory[(int)category], UsedBy(category));
        }

        public void Remove(int id) => Live.Remove(id);

        public void AssertMatches(MemoryBudget budget)
        {
            var s = budget.GetSnapshot();
            Assert.Equal(Limit, s.LimitBytes);
            Assert.Equal(Used, s.UsedBytes);
            Assert.Equal(Used, budget.UsedBytes);
            Assert.Equal(Math.Max(0, Limit - Used), budget.AvailableBytes);
            Assert.Equal(Peak, s.PeakUsedBytes);
            Assert.Equal(Live.Count, s.LiveTokens);
            Assert.Equal(Reservations, s.Reservations);
            Assert.Equal(Refusals, s.Refusals);
            Assert.Equal(0, s.ReclaimedBytes);
            foreach (var category in BudgetIntegrity.Categories)
            {
                Assert.Equal(UsedBy(category), s.UsedBy(category));
                Assert.Equal(_peakByCategory[(int)category], s.PeakBy(category));
            }

            BudgetIntegrity.AssertConsistent(s);
        }
    }
}
