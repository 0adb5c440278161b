using System.Runtime.CompilerServices;
using MediaMemory.Budgeting;
using MediaMemory.Caching;
using MediaMemory.Tests.Pressure.Sources;

namespace MediaMemory.Tests.Caching;

/// <summary>Failed builds and the finalizer thread: these force GCs, so they run alone.</summary>
[Collection(GcTestsRunAlone.Name)]
public sealed class ResourceCacheFailedBuildTests
{
    [Fact]
    public async Task AFailedBuildThatEveryCallerObserved_RaisesNoUnobservedTaskException()
    {
        // Only this test's exception counts: other code's unobserved tasks may surface in the same GCs.
        var failure = new InvalidDataException("decode failed (ResourceCacheFailedBuildTests)");
        var raised = 0;
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            if (e.Exception.InnerExceptions.Any(x => ReferenceEquals(x, failure)))
            {
                Interlocked.Increment(ref raised);
                e.SetObserved();
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await FailBuildsAsync(failure, builds: 10);
            for (var i = 0; i < 3; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers(); // unobserved faulted tasks are reported from their finalizers
            }
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.Equal(0, raised);
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // so that nothing of the cache or its tasks stays reachable from the test's frame
    private static async Task FailBuildsAsync(Exception failure, int builds)
    {
        using var cache = new ResourceCache<int, TrackedValue>(new MemoryBudget(10_000), new ResourceCacheOptions { CapacityBytes = 1_000 });
        for (var key = 0; key < builds; key++)
        {
            var thrown = await Assert.ThrowsAnyAsync<Exception>(async () => await cache.GetOrCreateAsync(key, (_, _) => throw failure, TestContext.Current.CancellationToken));
            Assert.Same(failure, thrown);
        }
    }
}
