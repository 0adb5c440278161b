using MediaMemory.Budgeting;
using MediaMemory.Internals;
using MediaMemory.Purgeable;
using static MediaMemory.Tests.Purgeable.PurgeableTestKit;

namespace MediaMemory.Tests.Purgeable;

/// <summary>The marker protocol on real mmap'd memory; a test plays the kernel by dropping a page with madvise.</summary>
public sealed unsafe class PurgeableBufferProtocolTests
{
    private readonly MemoryBudget _budget = new(512 * MiB);

    [Fact]
    public void FillMarkVolatileAndReadBackAtOnce_NothingIsPurged()
    {
        // 64 buffers of 1 MiB + 123 bytes (a partial last page), well within the machine's memory: the kernel
        // has no reason to take a page in the microseconds between madvise and the return.
        var buffers = Enumerable.Range(0, 64).Select(i => Filled(_budget, MiB + 123, seed: i)).ToList();
        try
        {
            foreach (var buffer in buffers)
            {
                Assert.Equal(PurgeableState.NonVolatile, buffer.SetState(PurgeableState.Volatile));
            }

            Assert.Equal(64 * (MiB + 123), _budget.VolatileBytes);
            var states = buffers.Select(b => b.SetState(PurgeableState.NonVolatile)).ToList();

            Assert.All(states, s => Assert.Equal(PurgeableState.Volatile, s));
            for (var i = 0; i < buffers.Count; i++)
            {
                Assert.Equal(Expected(MiB + 123, seed: i), Hash(buffers[i]));
                Assert.Equal(0, buffers[i].LastKernelReclaimedBytes);
            }

            Assert.Equal(0, _budget.VolatileBytes);
        }
        finally
        {
            buffers.ForEach(b => b.Dispose());
        }
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0xFF)]
    public void PagesWhoseFirstBytesAreAllZeroOrAllOnes_ComeBackExactly(byte value)
    {
        // A saved value of zero is what a reclaimed page reads; the protocol must not compare against it.
        using var buffer = new PurgeableBuffer(_budget, 16 * 4096, AllocationCategory.CacheTextures);
        using (var lease = buffer.Lease())
        {
            lease.Span.Fill(value);
        }

        buffer.SetState(PurgeableState.Volatile);

        Assert.Equal(PurgeableState.Volatile, buffer.SetState(PurgeableState.NonVolatile));
        using var read = buffer.Lease();
        Assert.True(read.Span.IndexOfAnyExcept(value) < 0, "every byte must come back");
    }

    [Fact]
    public void APageTheKernelTook_MakesTheBufferEmpty_AndTheRestIsZeroedNotMixed()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "needs madvise (Linux)");
        using var buffer = Filled(_budget, 64 * LinuxMemory.PageSizeBytes, seed: 3);
        buffer.SetState(PurgeableState.Volatile);

        // Play the kernel: drop page 5 as reclaim of a MADV_FREE page would (it reads as zeros afterwards).
        var page = (void*)(buffer.BaseAddress + (5 * LinuxMemory.PageSizeBytes));
        Assert.Equal(0, LinuxMemory.Advise(page, (nuint)LinuxMemory.PageSizeBytes, LinuxMemory.MadvDontNeed));

        Assert.Equal(PurgeableState.Empty, buffer.SetState(PurgeableState.NonVolatile));
        Assert.Equal(LinuxMemory.PageSizeBytes, buffer.LastKernelReclaimedBytes);
        Assert.Equal(PurgeReason.Kernel, buffer.LastPurgeReason);
        using var lease = buffer.Lease();
        Assert.True(lease.Span.IndexOfAnyExcept((byte)0) < 0, "an Empty buffer holds zeros, not old pages beside zero pages");
        Assert.Equal(64 * LinuxMemory.PageSizeBytes, _budget.GetUsedBytes(AllocationCategory.CacheTextures));
    }

    [Fact]
    public void ARegistryPurgeWhileVolatile_ForgetsTheEpisodesMarker()
    {
        // A marker left behind would be checked against on a later return from Volatile in an episode that set
        // none (no MADV_FREE), find no page holding it, and wipe a buffer nothing had purged.
        Assert.SkipUnless(OperatingSystem.IsLinux(), "needs madvise (Linux)");
        using var buffer = Filled(_budget, 8 * LinuxMemory.PageSizeBytes, seed: 4);
        buffer.SetState(PurgeableState.Volatile);
        Assert.SkipUnless(PurgeableBuffer.KernelPurges, "this kernel has no MADV_FREE, so no marker is set");
        var marker = typeof(PurgeableBuffer).GetField("_marker", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        Assert.NotEqual(0UL, (ulong)marker.GetValue(buffer)!);

        var registry = new PurgeableRegistry();
        registry.Register(buffer, span => span.Clear());
        Assert.Equal(buffer.SizeBytes, registry.PurgeVolatile()); // the purge a budget reclaim or Critical pressure runs

        Assert.Equal(PurgeableState.Empty, buffer.State);
        Assert.Equal(0UL, (ulong)marker.GetValue(buffer)!);
    }
}

