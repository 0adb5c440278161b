using MediaMemory.Budgeting;
using MediaMemory.Platform;
using MediaMemory.Pressure;
using MediaMemory.Purgeable;
using MediaMemory.Tests.Pressure;
using static MediaMemory.Tests.Purgeable.PurgeableTestKit;

namespace MediaMemory.Tests.Purgeable;

public sealed class PurgeableRegistryTests
{
    private readonly MemoryBudget _budget = new(256 * MiB);
    private readonly PurgeableRegistry _registry = new();

    [Fact]
    public void EnsureResident_OnAKeptBuffer_ReturnsItsContents_WithoutCallingRestore()
    {
        using var buffer = Registered(2 * MiB, seed: 1, out var restores);
        buffer.SetState(PurgeableState.Volatile);

        Assert.Equal(PurgeableState.Volatile, _registry.EnsureResident(buffer));

        Assert.Equal(0, restores());
        Assert.Equal(Expected(2 * MiB, seed: 1), Hash(buffer));
    }

    [Fact]
    public void EnsureResident_OnAnEmptiedBuffer_RebuildsItExactly()
    {
        using var buffer = Registered(3 * MiB + 5, seed: 2, out var restores);
        buffer.SetState(PurgeableState.Volatile);
        buffer.SetState(PurgeableState.Empty); // the explicit purge path, as on a system without MADV_FREE

        Assert.Equal(PurgeableState.Empty, _registry.EnsureResident(buffer));

        Assert.Equal(1, restores());
        Assert.Equal(1, _registry.RestoredBuffers);
        Assert.Equal(PurgeableState.NonVolatile, buffer.State);
        Assert.Equal(Expected(3 * MiB + 5, seed: 2), Hash(buffer));
    }

    [Fact]
    public void PurgeVolatile_EmptiesOnlyVolatileBuffers_AndGivesTheirBytesBack()
    {
        using var kept = Registered(1 * MiB, seed: 3, out _);
        using var volatile1 = Registered(2 * MiB, seed: 4, out _);
        using var volatile2 = Registered(4 * MiB, seed: 5, out _);
        volatile1.SetState(PurgeableState.Volatile);
        volatile2.SetState(PurgeableState.Volatile);

        Assert.Equal(6 * MiB, _registry.PurgeVolatile());

        Assert.Equal((PurgeableState.NonVolatile, PurgeableState.Empty, PurgeableState.Empty), (kept.State, volatile1.State, volatile2.State));
        var snapshot = _budget.GetSnapshot();
        Assert.Equal((1 * MiB, 0L), (snapshot.UsedBytes, snapshot.VolatileBytes));
        Assert.Equal(6 * MiB, _registry.PurgedBytes);
        Assert.Equal(Expected(2 * MiB, seed: 4), HashAfterEnsure(volatile1));
        Assert.Equal(Expected(4 * MiB, seed: 5), HashAfterEnsure(volatile2));
    }

    [Fact]
    public void AsAResponder_ItPurgesAtCritical_AndNotAtWarning()
    {
        using var coordinator = new PressureCoordinator(_budget);
        var source = new ManualSource();
        coordinator.AddSource(source);
        using var registration = coordinator.Register(_registry);
        coordinator.Start();
        using var buffer = Registered(1 * MiB, seed: 6, out _);
        buffer.SetState(PurgeableState.Volatile);

        source.Set(PressureLevel.Warning);
        Assert.Equal(PurgeableState.Volatile, buffer.State);

        source.Set(PressureLevel.Critical);
        Assert.Equal(PurgeableState.Empty, buffer.State);
        Assert.Equal(PurgeReason.CriticalPressure, buffer.LastPurgeReason);
        Assert.Equal(PressureStage.PurgeVolatile, _registry.Stage);
    }

    [Fact]
    public void Respond_AtCritical_PurgesDirectly()
    {
        using var buffer = Registered(1 * MiB, seed: 8, out _);
        buffer.SetState(PurgeableState.Volatile);

        _registry.Respond(new PressureResponse(PressureLevel.Critical, PressureLevel.Warning, ThermalState.Nominal, "test"));

        Assert.Equal(PurgeableState.Empty, buffer.State);
        Assert.Equal(0, _budget.UsedBytes);
    }

    [Fact]
    public void ARestoreThatThrows_LeavesTheBufferEmpty_NeverHalfRebuilt()
    {
        using var buffer = new PurgeableBuffer(_budget, 1 * MiB, AllocationCategory.CacheTextures);
        _registry.Register(buffer, span =>
        {
            span[..1000].Fill(42);
            throw new IOException("source file vanished");
        });
        buffer.SetState(PurgeableState.Empty);

        Assert.Throws<IOException>(() => _registry.EnsureResident(buffer));

        Assert.Equal(PurgeableState.Empty, buffer.State);
        Assert.Equal(0, _budget.UsedBytes);
    }

    [Fact]
    public void BadInput_IsRefusedClearly()
    {
        using var buffer = new PurgeableBuffer(_budget, 4096, AllocationCategory.CacheTextures);
        Assert.Throws<ArgumentException>(() => _registry.EnsureResident(buffer));
        _registry.Register(buffer, _ => { });
        Assert.Throws<ArgumentException>(() => _registry.Register(buffer, _ => { }));
        Assert.Throws<ArgumentNullException>(() => _registry.Register(buffer, null!));
        Assert.True(_registry.Unregister(buffer));
        Assert.False(_registry.Unregister(buffer));

        var disposed = new PurgeableBuffer(_budget, 4096, AllocationCategory.CacheTextures);
        disposed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _registry.Register(disposed, _ => { }));
    }

    [Fact]
    public void ADisposedBufferLeftRegistered_IsSkipped_AndEnsureResidentSaysItWasDisposed()
    {
        var buffer = Registered(4096, seed: 9, out _);
        buffer.SetState(PurgeableState.Volatile);
        buffer.Dispose();

        Assert.Equal(0, _registry.PurgeVolatile());
        Assert.Throws<ObjectDisposedException>(() => _registry.EnsureResident(buffer));
    }

    [Fact]
    public void Reclaim_PurgesInRegistrationOrder_AlsoAfterAnUnregister()
    {
        using var a = Registered(1 * MiB, seed: 10, out _);
        using var b = Registered(1 * MiB, seed: 11, out _);
        using var c = Registered(1 * MiB, seed: 12, out _);
        Assert.True(_registry.Unregister(a));
        using var d = Registered(1 * MiB, seed: 13, out _); // a dictionary would enumerate it in a's old place, first
        foreach (var buffer in new[] { b, c, d })
        {
            buffer.SetState(PurgeableState.Volatile);
        }

        Assert.Equal(1 * MiB, _registry.Reclaim(1 * MiB, ReclaimReason.Requested));

        Assert.Equal((PurgeableState.Empty, PurgeableState.Volatile, PurgeableState.Volatile), (b.State, c.State, d.State));
    }

    [Fact]
    public async Task AReservationMadeUnderOneBuffersLock_ReclaimsFromTheRegistry_WithoutWaitingForThatLock()
    {
        // The budget is full. Thread 1 rebuilds buffer A (its restore runs under A's lock) and stays there
        // until told; meanwhile a reservation must reclaim. The registry used to take every buffer's lock to
        // count and purge, so it waited for A while A's thread could be waiting for it (two buffers leaving
        // Empty at once deadlocked that way). Now it reads the count without locks and skips a busy buffer.
        var budget = new MemoryBudget(4 * MiB);
        var registry = new PurgeableRegistry();
        using var reclaimer = budget.RegisterReclaimer(registry);
        using var a = new PurgeableBuffer(budget, 1 * MiB, AllocationCategory.CacheTextures);
        using var b = new PurgeableBuffer(budget, 1 * MiB, AllocationCategory.CacheTextures);
        using var inRestore = new ManualResetEventSlim();
        using var leave = new ManualResetEventSlim();
        var leftByTimeout = false;
        registry.Register(a, span =>
        {
            inRestore.Set();
            leftByTimeout = !leave.Wait(TimeSpan.FromSeconds(30));
            span.Fill(1);
        });
        registry.Register(b, span => span.Fill(2));
        a.SetState(PurgeableState.Empty);
        b.SetState(PurgeableState.Volatile);
        using var rest = budget.Reserve(2 * MiB, AllocationCategory.UI, Priority.Essential); // a (1) + b (1) + rest (2) = 4

        var rebuild = Task.Factory.StartNew(() => registry.EnsureResident(a), TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(inRestore.Wait(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken), "the rebuild of A started");

        // Needs 1 MiB: only purging b gives it. A's lock is held by the rebuild all along.
        using var needed = budget.Reserve(1 * MiB, AllocationCategory.UI, Priority.High);
        leave.Set();

        Assert.Equal(PurgeableState.Empty, await rebuild);
        Assert.False(leftByTimeout, "the reservation completed while A's rebuild held its lock");
        Assert.Equal(PurgeableState.Empty, b.State);
    }

    private PurgeableBuffer Registered(long sizeBytes, int seed, out Func<int> restoreCount)
    {
        var buffer = Filled(_budget, sizeBytes, seed);
        var count = 0;
        _registry.Register(buffer, span =>
        {
            count++;
            Fill(span, seed);
        });
        restoreCount = () => count;
        return buffer;
    }

    private byte[] HashAfterEnsure(PurgeableBuffer buffer)
    {
        _registry.EnsureResident(buffer);
        return Hash(buffer);
    }
}
