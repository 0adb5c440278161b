using System.Text.Json;
using MediaMemory.Budgeting;
using MediaMemory.Heaps;
using MediaMemory.Units;
using static MediaMemory.Tests.Heaps.ResourceHeapTestKit;

namespace MediaMemory.Tests.Heaps;

/// <summary>GetStatistics and its JSON dump against what was allocated.</summary>
public sealed class ResourceHeapStatisticsTests
{
    [Fact]
    public void Statistics_ListEveryAllocationAndFreeRange_PerBlock()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB, name: "stats");
        var a = heap.AllocateBuffer(1000, 16, name: "a");
        var b = heap.AllocateBuffer(4096, 256, name: "b");
        var c = heap.AllocateTexture(new TextureDescriptor(64, 64, PixelFormat.BGRA8Unorm), aliasable: true, name: "c");
        var d = heap.AllocateBuffer(980 * KiB, 64 * KiB, name: "d"); // does not fit after a, b, c at a 64 KiB boundary
        var bOffset = b.OffsetBytes;
        heap.Free(b);

        var stats = AssertIntegrity(heap, budget, "four allocations, one freed");

        Assert.Equal("stats", stats.Name);
        Assert.Equal(Category, stats.Category);
        Assert.Equal(3, stats.AllocationCount);
        Assert.Equal(1000 + c.SizeBytes + (980 * KiB), stats.UsedBytes);
        Assert.Equal(2 * MiB, stats.BlockBytes);
        var first = stats.Blocks.Single(x => x.Index == a.BlockIndex);
        Assert.Equal(a.BlockIndex, c.BlockIndex);
        Assert.False(first.Dedicated);
        Assert.Collection(
            first.Allocations,
            x => Assert.Equal((a.OffsetBytes, 1000L, "a", false, 16L), (x.OffsetBytes, x.SizeBytes, x.Name, x.IsAliasable, x.AlignmentBytes)),
            x => Assert.Equal((c.OffsetBytes, c.SizeBytes, "c", true, (long)c.Descriptor!.RequiredAlignmentBytes), (x.OffsetBytes, x.SizeBytes, x.Name, x.IsAliasable, x.AlignmentBytes)));
        Assert.Contains(first.FreeRanges, r => r.OffsetBytes <= bOffset && bOffset + 4096 <= r.EndBytes);
        var second = stats.Blocks.Single(x => x.Index == d.BlockIndex);
        Assert.Equal((0L, 980 * KiB, "d"), (second.Allocations[0].OffsetBytes, second.Allocations[0].SizeBytes, second.Allocations[0].Name));
        Assert.Equal([new TlsfRange(980 * KiB, 44 * KiB)], second.FreeRanges);
        Assert.Equal(980 * KiB, second.UsedBytes);

        var allFree = stats.Blocks.SelectMany(x => x.FreeRanges).ToList();
        var expected = 1 - ((double)allFree.Max(r => r.SizeBytes) / allFree.Sum(r => r.SizeBytes));
        Assert.Equal(expected, stats.Fragmentation, 12);
        Assert.Equal(stats.Fragmentation, heap.Fragmentation, 12);
        a.Dispose();
        c.Dispose();
        d.Dispose();
    }

    [Fact]
    public void Fragmentation_IsZeroForAFullOrAnEmptyHeap_AndIgnoresDedicatedBlocks()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB);
        Assert.Equal(0, heap.Fragmentation);
        using var full = heap.AllocateBuffer(1 * MiB);
        Assert.Equal(0, heap.Fragmentation);
        using var dedicated = heap.AllocateBuffer((2 * MiB) + 100);
        Assert.Equal(0, heap.Fragmentation);
        Assert.Equal(0, heap.GetStatistics().Fragmentation);
    }

    [Fact]
    public void ToJson_ParsesAndCarriesEveryField()
    {
        var budget = new MemoryBudget(1L << 30);
        using var heap = NewHeap(budget, blockSizeBytes: 1 * MiB, name: "json \"heap\"");
        using var a = heap.AllocateBuffer(1000, name: "a");
        using var gap = heap.AllocateBuffer(5000);
        using var texture = heap.AllocateTexture(new TextureDescriptor(64, 64, PixelFormat.BGRA8Unorm), aliasable: true);
        using var alias = heap.AllocateAliased(100, texture, name: "alias");
        gap.Dispose();
        var stats = heap.GetStatistics();

        using var json = JsonDocument.Parse(stats.ToJson());

        var root = json.RootElement;
        Assert.Equal("json \"heap\"", root.GetProperty("name").GetString());
        Assert.Equal(Category.ToString(), root.GetProperty("category").GetString());
        Assert.Equal(stats.BlockBytes, root.GetProperty("block_bytes").GetInt64());
        Assert.Equal(stats.UsedBytes, root.GetProperty("used_bytes").GetInt64());
        Assert.Equal(stats.AllocationCount, root.GetProperty("allocation_count").GetInt32());
        Assert.Equal(stats.Fragmentation, root.GetProperty("fragmentation").GetDouble(), 12);
        var blocks = root.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal(stats.Blocks.Count, blocks.Count);
        for (var i = 0; i < blocks.Count; i++)
        {
            var expected = stats.Blocks[i];
            var block = blocks[i];
            Assert.Equal(expected.Index, block.GetProperty("index").GetInt32());
            Assert.Equal(expected.SizeBytes, block.GetProperty("size_bytes").GetInt64());
            Assert.Equal(expected.Dedicated, block.GetProperty("dedicated").GetBoolean());
            Assert.Equal(expected.UsedBytes, block.GetProperty("used_bytes").GetInt64());
            Assert.Equal(expected.Fragmentation, block.GetProperty("fragmentation").GetDouble(), 12);
            var allocations = block.GetProperty("allocations").EnumerateArray().ToList();
            Assert.Equal(expected.Allocations.Count, allocations.Count);
            for (var k = 0; k < allocations.Count; k++)
            {
                var info = expected.Allocations[k];
                var element = allocations[k];
                Assert.Equal(info.OffsetBytes, element.GetProperty("offset").GetInt64());
                Assert.Equal(info.SizeBytes, element.GetProperty("size").GetInt64());
                Assert.Equal(info.Name, element.GetProperty("name").GetString());
                Assert.Equal(info.IsAliasable, element.GetProperty("aliasable").GetBoolean());
                Assert.Equal(info.IsAlias, element.GetProperty("alias").GetBoolean());
                Assert.Equal(info.IsLeased, element.GetProperty("leased").GetBoolean());
                Assert.Equal(info.Descriptor?.ToString(), element.GetProperty("texture").GetString());
            }

            var ranges = block.GetProperty("free_ranges").EnumerateArray()
                .Select(r => new TlsfRange(r.GetProperty("offset").GetInt64(), r.GetProperty("size").GetInt64())).ToList();
            Assert.Equal(expected.FreeRanges, ranges);
        }

        Assert.Contains(blocks[0].GetProperty("allocations").EnumerateArray(), x => x.GetProperty("name").ValueKind == JsonValueKind.Null);
        alias.Dispose();
    }
}
