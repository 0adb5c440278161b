using MediaMemory.Platform;
using MediaMemory.Pressure;

namespace MediaMemory.Tests.Pressure;

// The items' own cancellation tokens are what these tests are about; the test's token guards the waits.
#pragma warning disable xUnit1051

public sealed class BackgroundWorkTests
{
    // A guard against hangs only; no assertion depends on timing.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task QueuedWork_Runs_AndCompletesItsTask()
    {
        using var work = new BackgroundWork();
        var ran = 0;
        await work.Enqueue("thumb", _ => { Interlocked.Increment(ref ran); return Task.CompletedTask; }).WaitAsync(Guard, Ct);
        Assert.Equal(1, ran);
        Assert.Equal(1, work.CompletedCount);
    }

    [Fact]
    public async Task NoMoreThanMaxConcurrency_RunAtOnce()
    {
        using var work = new BackgroundWork(maxConcurrency: 2);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var counts = new int[2]; // [0] running now, [1] most at once
        var tasks = Enumerable.Range(0, 8).Select(i => work.Enqueue($"w{i}", async _ =>
        {
            var now = Interlocked.Increment(ref counts[0]);
            InterlockedMax(ref counts[1], now);
            await gate.Task;
            Interlocked.Decrement(ref counts[0]);
        })).ToArray();

        await WaitUntil(() => Volatile.Read(ref counts[0]) == 2);
        Assert.Equal(6, work.PendingCount);
        gate.SetResult();
        await Task.WhenAll(tasks).WaitAsync(Guard, Ct);
        Assert.Equal(2, counts[1]);
        Assert.Equal(8, work.CompletedCount);
    }

    [Fact]
    public async Task Pause_StopsNewWorkFromStarting_AndResumeStartsIt()
    {
        using var work = new BackgroundWork();
        work.Pause();
        var ran = false;
        var task = work.Enqueue("prefetch", _ => { ran = true; return Task.CompletedTask; });
        await work.WhenIdleAsync().WaitAsync(Guard, Ct);
        Assert.False(ran);
        Assert.Equal(1, work.PendingCount);
        Assert.True(work.IsPaused);

        work.Resume();
        await task.WaitAsync(Guard, Ct);
        Assert.True(ran);
        Assert.False(work.IsPaused);
    }

    [Fact]
    public async Task CancelAll_CancelsQueuedAndSignalsRunningWork()
    {
        using var work = new BackgroundWork();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = work.Enqueue("long", async token =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, token);
        });
        var queued = work.Enqueue("later", _ => Task.CompletedTask);
        await started.Task.WaitAsync(Guard, Ct);

        Assert.Equal(2, work.CancelAll());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(Guard, Ct));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Guard, Ct));
        Assert.Equal(2, work.CancelledCount);
        Assert.Equal(0, work.CompletedCount);

        // The scheduler still works afterwards.
        await work.Enqueue("after", _ => Task.CompletedTask).WaitAsync(Guard, Ct);
        Assert.Equal(1, work.CompletedCount);
    }

    [Fact]
    public async Task AnItemsOwnToken_CancelsOnlyThatItem()
    {
        using var work = new BackgroundWork();
        work.Pause();
        using var cts = new CancellationTokenSource();
        var mine = work.Enqueue("mine", _ => Task.CompletedTask, cts.Token);
        var other = work.Enqueue("other", _ => Task.CompletedTask);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => mine.WaitAsync(Guard, Ct));
        work.Resume();
        await other.WaitAsync(Guard, Ct);
        Assert.Equal(1, work.CancelledCount);
    }

    [Fact]
    public async Task WorkThatThrows_FaultsItsTask_AndTheNextStillRuns()
    {
        using var work = new BackgroundWork();
        var bad = work.Enqueue("bad", _ => throw new InvalidDataException("corrupt thumbnail"));
        var good = work.Enqueue("good", _ => Task.CompletedTask);
        await Assert.ThrowsAsync<InvalidDataException>(() => bad.WaitAsync(Guard, Ct));
        await good.WaitAsync(Guard, Ct);
        Assert.Equal(1, work.FailedCount);
        Assert.Equal(1, work.CompletedCount);
    }

    [Theory]
    [InlineData(PressureLevel.Normal, ThermalState.Nominal, false, false)]
    [InlineData(PressureLevel.Warning, ThermalState.Nominal, true, false)]
    [InlineData(PressureLevel.Critical, ThermalState.Nominal, true, true)]
    [InlineData(PressureLevel.Normal, ThermalState.Critical, true, true)]
    [InlineData(PressureLevel.Normal, ThermalState.Serious, false, false)]
    public async Task Respond_PausesAtWarning_CancelsAtCriticalOrLowPower(PressureLevel level, ThermalState thermal, bool paused, bool cancelled)
    {
        using var work = new BackgroundWork();
        work.Pause();
        var queued = work.Enqueue("prefetch", _ => Task.CompletedTask);
        work.Respond(new PressureResponse(level, PressureLevel.Normal, thermal, "test"));
        Assert.Equal(paused, work.IsPaused);
        if (cancelled)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Guard, Ct));
        }
        else if (!paused)
        {
            await queued.WaitAsync(Guard, Ct);
        }
        else
        {
            Assert.Equal(1, work.PendingCount);
        }
    }

    [Fact]
    public async Task Dispose_CancelsEverything_AndRefusesNewWork()
    {
        var work = new BackgroundWork();
        work.Pause();
        var queued = work.Enqueue("x", _ => Task.CompletedTask);
        work.Dispose();
        work.Dispose();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Guard, Ct));
        Assert.Throws<ObjectDisposedException>(() => { _ = work.Enqueue("y", _ => Task.CompletedTask); });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void BadConcurrency_IsRefused(int n) => Assert.Throws<ArgumentOutOfRangeException>(() => new BackgroundWork(n));

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Guard;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached");
            await Task.Delay(5, Ct);
        }
    }
}
