using MediaMemory.Heaps;
using MediaMemory.Internals;
using MediaMemory.Platform;

namespace MediaMemory.IntegrationTests.Heaps;

/// <summary>What the kernel says about a block's pages: resident when pre-faulted, gone when freed.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(ResidencyTestsRunAlone))]
public sealed class NativeBlockResidencyTests
{
    private const long BlockBytes = 256L << 20;

    [Fact]
    public void PreFaultedBlock_IsResidentAtOnce_AndFreeingGivesItBack()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("residency is read from /proc/self/status, which needs Linux");
        }

        var before = ProcessMemory.ResidentBytes()!.Value;
        var block = new NativeBlock(BlockBytes, preFault: true);
        var faulted = ProcessMemory.ResidentBytes()!.Value;
        block.Dispose();
        var after = ProcessMemory.ResidentBytes()!.Value;

        Assert.True(faulted - before >= BlockBytes * 9 / 10, $"RSS grew by {faulted - before} bytes for a pre-faulted {BlockBytes}-byte block");
        Assert.True(faulted - after >= BlockBytes * 9 / 10, $"RSS fell by only {faulted - after} bytes when the block was freed");
    }

    [Fact]
    public void BlockWithoutPreFault_CostsNoResidentMemoryUntilTouched()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("residency is read from /proc/self/status, which needs Linux");
        }

        var before = ProcessMemory.ResidentBytes()!.Value;
        using var block = new NativeBlock(BlockBytes);
        var mapped = ProcessMemory.ResidentBytes()!.Value;
        for (long offset = 0; offset < BlockBytes; offset += 4096)
        {
            block.GetSpan(offset, 1)[0] = 1;
        }

        var touched = ProcessMemory.ResidentBytes()!.Value;

        Assert.True(mapped - before < 16L << 20, $"mapping alone made {mapped - before} bytes resident");
        Assert.True(touched - before >= BlockBytes * 9 / 10, $"touching every page made only {touched - before} bytes resident");
    }

    [Fact]
    public void HugePageBlock_IsBackedByHugePages_WhenTouched()
    {
        if (LinuxMemory.HugePageBytes == 0)
        {
            Assert.Skip("transparent huge pages are not available here (not Linux, or THP mode 'never' in /sys/kernel/mm/transparent_hugepage/enabled)");
        }

        var before = AnonHugePagesBytes();
        using var block = new NativeBlock(BlockBytes, preFault: true);
        var faulted = AnonHugePagesBytes();

        // The kernel falls back to 4 KiB pages where it finds no free huge page; on a machine with
        // memory to spare it finds them for most of the block.
        Assert.True(block.UsesHugePages, "madvise(MADV_HUGEPAGE) was refused");
        Assert.True(faulted - before >= BlockBytes / 2, $"AnonHugePages grew by {faulted - before} bytes for a pre-faulted {BlockBytes}-byte huge page block");
    }

    /// <summary>The process's anonymous memory in transparent huge pages (/proc/self/smaps_rollup).</summary>
    private static long AnonHugePagesBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/smaps_rollup"))
        {
            if (line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("/proc/self/smaps_rollup has no AnonHugePages line");
    }
}

[CollectionDefinition(nameof(ResidencyTestsRunAlone), DisableParallelization = true)]
public sealed class ResidencyTestsRunAlone;
