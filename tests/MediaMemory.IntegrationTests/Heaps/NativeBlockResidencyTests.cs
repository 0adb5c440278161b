using MediaMemory.Heaps;
using MediaMemory.Internals;
using MediaMemory.Platform;

namespace MediaMemory.IntegrationTests.Heaps;

/// <summary>What the kernel says about a block's pages: resident when pre-faulted, gone when freed.</summary>
[Trait("Category", "Integration")]
[Collection(nameof(ResidencyTestsRunAlone))]
public sealed partial class NativeBlockResidencyTests
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
    public void PreFaultedBlockWithHugePagesOff_IsResidentAtOnce_AndFreeingGivesItBack()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("residency is read from /proc/self/status, which needs Linux");
        }

        var before = ProcessMemory.ResidentBytes()!.Value;
        var block = new NativeBlock(BlockBytes, preFault: true, hugePages: false);
        var faulted = ProcessMemory.ResidentBytes()!.Value;
        var hugeBytes = AnonHugePagesBytes(block);
        block.Dispose();
        var after = ProcessMemory.ResidentBytes()!.Value;

        Assert.True(faulted - before >= BlockBytes * 9 / 10, $"RSS grew by {faulted - before} bytes for a pre-faulted {BlockBytes}-byte block");
        Assert.True(faulted - after >= BlockBytes * 9 / 10, $"RSS fell by only {faulted - after} bytes when the block was freed");
        Assert.Equal(0L, hugeBytes);
    }

    [Fact]
    public void HugePageBlock_IsBackedByHugePages_WhenPreFaulted()
    {
        if (LinuxMemory.HugePageBytes == 0)
        {
            Assert.Skip("transparent huge pages are not granted here (not Linux, THP mode 'never' in /sys/kernel/mm/transparent_hugepage/enabled, or disabled for this process)");
        }

        using var block = new NativeBlock(Math.Max(BlockBytes, 4 * LinuxMemory.HugePageBytes), preFault: true);
        var hugeBytes = AnonHugePagesBytes(block);

        // The kernel uses 4 KiB pages where it finds no free huge page, so how much of the block is huge
        // depends on the machine's free memory: all of it here. A quarter is the bar: populated before
        // the madvise, the block had 2 MiB of 256 in huge pages.
        Assert.True(block.HugePagesRequested, "madvise(MADV_HUGEPAGE) was refused");
        Assert.True(hugeBytes >= block.SizeBytes / 4, $"only {hugeBytes} bytes of the pre-faulted {block.SizeBytes}-byte block are in huge pages");
    }

    /// <summary>The block's own anonymous memory in transparent huge pages: the AnonHugePages of the
    /// mapping that holds its address in /proc/self/smaps (the block alone, unless the kernel merged it
    /// with a neighbour of the same flags).</summary>
    private static long AnonHugePagesBytes(NativeBlock block)
    {
        var address = (ulong)block.Address(0, 1);
        var inMapping = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            if (MappingHeader().Match(line) is { Success: true } header)
            {
                var from = ulong.Parse(header.Groups[1].Value, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                var to = ulong.Parse(header.Groups[2].Value, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                inMapping = from <= address && address < to;
            }
            else if (inMapping && line.StartsWith("AnonHugePages:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"/proc/self/smaps has no mapping holding 0x{address:x}");
    }

    [System.Text.RegularExpressions.GeneratedRegex("^([0-9a-f]+)-([0-9a-f]+) ")]
    private static partial System.Text.RegularExpressions.Regex MappingHeader();
}

[CollectionDefinition(nameof(ResidencyTestsRunAlone), DisableParallelization = true)]
public sealed class ResidencyTestsRunAlone;
