using MediaMemory.Budgeting;
using MediaMemory.Compression;
using MediaMemory.Platform;
using MediaMemory.Pressure;
using MediaMemory.Tests.Pressure;
using Microsoft.Extensions.Time.Testing;

namespace MediaMemory.Tests.Compression;

public sealed class CompressedStoreTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly MemoryBudget _budget = new(1L << 30);

    private CompressedStore NewStore(TimeSpan? coldAfter = null) => new(_budget, new CompressedStoreOptions
    {
        Category = AllocationCategory.SourceAssets,
        InactiveAfter = TimeSpan.FromSeconds(10),
        ColdAfter = coldAfter,
        TimeProvider = _time,
    });

    private static byte[] Gradient(int length)
    {
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = (byte)((i % 4 == 3) ? 255 : (i / 4) % 251);
        }

        return data;
    }

    [Fact]
    public void Compressing_ReleasesTheOriginalsBytes_AndTheFirstAccessRestoresThemBitExact()
    {
        using var store = NewStore();
        var pixels = TestImages.Rgba8(TestImages.SomeKodak()[0]);
        var id = store.Add(pixels, bytesPerElement: 4);
        Assert.Equal(pixels.Length, _budget.GetUsedBytes(AllocationCategory.SourceAssets));

        _time.Advance(TimeSpan.FromSeconds(11));
        var sweep = store.CompressInactive();

        var info = store.GetInfo(id);
        Assert.Equal(1, sweep.Compressed);
        Assert.Equal(CompressedEntryState.Compressed, info.State);
        Assert.Equal(CompressionCodec.Lz4, info.Codec);
        Assert.Equal(info.CompressedBytes, _budget.GetUsedBytes(AllocationCategory.SourceAssets));
        Assert.True(info.CompressedBytes < pixels.Length, $"{info.CompressedBytes} ≥ {pixels.Length}");
        Assert.Equal(pixels.Length - info.CompressedBytes, sweep.SavedBytes);

        using (var lease = store.Acquire(id))
        {
            Assert.True(lease.Span.SequenceEqual(pixels), "decompressed bytes differ");
            Assert.Equal(pixels.Length, _budget.UsedBytes);
        }

        store.Remove(id);
        Assert.Equal(0, _budget.UsedBytes);
    }

    [Fact]
    public void WarningResponder_CompressesOnlyInactiveEntries_NeverLeasedOnes()
    {
        using var store = NewStore();
        var old = store.Add(Gradient(1 << 20), 4);
        var leased = store.Add(Gradient(1 << 20), 4);
        _time.Advance(TimeSpan.FromSeconds(20));
        var recent = store.Add(Gradient(1 << 20), 4);
        _time.Advance(TimeSpan.FromSeconds(5));
        using var lease = store.Acquire(leased);

        Assert.Equal("compress inactive resources", store.Name);
        Assert.Equal(PressureStage.Compress, store.Stage);
        store.Respond(new PressureResponse(PressureLevel.Normal, PressureLevel.Normal, ThermalState.Nominal, "test"));
        Assert.Equal(CompressedEntryState.Resident, store.GetInfo(old).State);

        store.Respond(new PressureResponse(PressureLevel.Warning, PressureLevel.Normal, ThermalState.Nominal, "test"));

        Assert.Equal(CompressedEntryState.Compressed, store.GetInfo(old).State);
        Assert.Equal(CompressedEntryState.Resident, store.GetInfo(leased).State);
        Assert.Equal(CompressedEntryState.Resident, store.GetInfo(recent).State);
        Assert.True(lease.Span.SequenceEqual(Gradient(1 << 20)), "leased bytes changed");
    }

    [Fact]
    public void UnderTheCoordinator_WarningCompressesAndFreesBudget()
    {
        using var store = NewStore();
        using var coordinator = new PressureCoordinator(_budget, new PressureCoordinatorOptions { TimeProvider = _time });
        using var registration = coordinator.Register(store);
        var id = store.Add(Gradient(4 << 20), 4);
        _time.Advance(TimeSpan.FromMinutes(1));
        var source = new ManualSource("test", SignalKind.Scripted, _time);
        coordinator.AddSource(source);
        coordinator.Start();

        source.Set(PressureLevel.Warning);

        Assert.Equal(CompressedEntryState.Compressed, store.GetInfo(id).State);
        Assert.True(_budget.UsedBytes < (4 << 20) / 10, $"used {_budget.UsedBytes}");
    }

    [Fact]
    public void ColdEntries_UseZstd()
    {
        using var store = NewStore(coldAfter: TimeSpan.FromMinutes(5));
        var warm = store.Add(Gradient(1 << 20), 4);
        _time.Advance(TimeSpan.FromMinutes(4));
        var cold = store.Add(Gradient(1 << 20), 4);
        _time.Advance(TimeSpan.FromMinutes(1));
        var coldest = warm;

        store.CompressInactive();

        Assert.Equal(CompressionCodec.Zstd, store.GetInfo(coldest).Codec);
        Assert.Equal(CompressionCodec.Lz4, store.GetInfo(cold).Codec);
        using var lease = store.Acquire(coldest);
        Assert.True(lease.Span.SequenceEqual(Gradient(1 << 20)), "zstd round trip differs");
    }

    [Fact]
    public void IncompressibleData_StaysResident()
    {
        using var store = NewStore();
        var noise = new byte[1 << 20];
        new Random(1).NextBytes(noise);
        var id = store.Add(noise);
        _time.Advance(TimeSpan.FromMinutes(1));

        var sweep = store.CompressInactive();

        Assert.Equal(0, sweep.Compressed);
        Assert.Equal(1, sweep.Skipped);
        Assert.Equal(CompressedEntryState.Resident, store.GetInfo(id).State);
        Assert.Equal(noise.Length, _budget.UsedBytes);
    }

    [Fact]
    public void Dispose_WithALeaseOpen_IsRefused_AndLeavesTheStoreWorking()
    {
        // Disposing used to free the leased entry's memory: the lease's Span then threw NullReferenceException,
        // and a span taken before pointed at unmapped memory.
        var store = NewStore();
        var id = store.Add(Gradient(4096));
        var other = store.Add(Gradient(8192));
        var lease = store.Acquire(id);

        Assert.Contains("lease", Assert.Throws<InvalidOperationException>(store.Dispose).Message, StringComparison.Ordinal);

        Assert.Equal(Gradient(4096), lease.Span.ToArray());
        using (var second = store.Acquire(other))
        {
            Assert.Equal(Gradient(8192), second.Span.ToArray());
        }

        lease.Dispose();
        store.Dispose();
        Assert.Equal(0, _budget.GetSnapshot().UsedBytes);
        Assert.Throws<ObjectDisposedException>(() => store.Acquire(id));
    }

    [Fact]
    public void BadIds_AndUseAfterRemove_GiveClearErrors()
    {
        using var store = NewStore();
        var id = store.Add(Gradient(4096));
        var lease = store.Acquire(id);

        var busy = Assert.Throws<InvalidOperationException>(() => store.Remove(id));
        Assert.Contains("lease", busy.Message, StringComparison.Ordinal);
        lease.Dispose();
        lease.Dispose();
        Assert.Throws<ObjectDisposedException>(() => lease.Span.Length);
        store.Remove(id);

        Assert.Contains("removed", Assert.Throws<ObjectDisposedException>(() => store.Acquire(id)).Message, StringComparison.Ordinal);
        Assert.Throws<ObjectDisposedException>(() => store.Remove(id));
        Assert.Contains("unknown", Assert.Throws<KeyNotFoundException>(() => store.Acquire(new CompressedEntryId(99))).Message, StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => store.GetInfo(default));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Add([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Add(new byte[4], 0));
    }

    [Fact]
    public void CorruptCompressedBytes_AreDetected_AndTheEntryStaysCompressed()
    {
        using var store = NewStore();
        var id = store.Add(Gradient(1 << 20), 4);
        _time.Advance(TimeSpan.FromMinutes(1));
        store.CompressInactive();
        var compressedBytes = store.GetInfo(id).CompressedBytes;
        store.CorruptCompressedBytes(id, compressedBytes / 2);

        Assert.Throws<InvalidDataException>(() => store.Acquire(id));

        Assert.Equal(CompressedEntryState.Compressed, store.GetInfo(id).State);
        Assert.Equal(compressedBytes, _budget.UsedBytes);
    }

    [Fact]
    public void BudgetRefusal_OnAdd_IsTheBudgetsException()
    {
        var small = new MemoryBudget(1000);
        using var store = new CompressedStore(small);
        Assert.Throws<MemoryBudgetExceededException>(() => store.Add(new byte[2000]));
        Assert.Equal(0, small.UsedBytes);
    }

    [Fact]
    public void ConcurrentAccessAndSweeps_KeepEveryEntryIntact()
    {
        using var store = NewStore();
        var ids = Enumerable.Range(0, 16).Select(i => store.Add(Gradient(65_536 + i), 4)).ToArray();
        var stop = 0;
        var sweeper = new Thread(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                _time.Advance(TimeSpan.FromSeconds(11));
                store.CompressInactive();
            }
        });
        sweeper.Start();
        Parallel.For(0, 2000, i =>
        {
            var id = ids[i % ids.Length];
            using var lease = store.Acquire(id);
            Assert.True(lease.Span.SequenceEqual(Gradient(65_536 + (i % ids.Length))), $"entry {id} differs");
        });
        Volatile.Write(ref stop, 1);
        sweeper.Join();

        foreach (var id in ids)
        {
            store.Remove(id);
        }

        Assert.Equal(0, _budget.UsedBytes);
    }
}
