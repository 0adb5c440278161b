using CsCheck;
using MediaMemory.Budgeting;
using MediaMemory.Heaps;
using MediaMemory.Units;
using static MediaMemory.Tests.Heaps.ResourceHeapTestKit;

namespace MediaMemory.Tests.Heaps;

/// <summary>
/// Random sequences of allocate buffer/texture (sizes up to several blocks, alignments 1 B .. 64 KiB, some
/// aliasable), free, aliased allocate, lease-write-verify, defragment (limited or not, sometimes around a
/// lease) and trim, against a model of the live handles and the byte pattern each holds. After every step
/// the heap's statistics are checked against themselves, the budget and the model; after every defragment
/// every allocation's bytes are verified; the run ends by freeing everything and trimming.
/// </summary>
public sealed class ResourceHeapModelTests
{
    private const long BlockBytes = 1 * MiB;
    private const int MinBlocks = 1;

    private static readonly TextureDescriptor[] Textures =
    [
        new(64, 64, PixelFormat.R8Unorm),                                     // 4 KiB, 4 KiB alignment
        new(128, 128, PixelFormat.BGRA8Unorm),                                // 64 KiB, 4 KiB alignment
        new(256, 256, PixelFormat.BGRA8Unorm, usage: TextureUsage.RenderTarget), // 256 KiB, 64 KiB alignment
        new(300, 200, PixelFormat.RGBA16Float, mipLevels: 4),                 // ~640 KiB with mips
        new(512, 512, PixelFormat.BGRA8Unorm),                                // exactly one block
        new(640, 480, PixelFormat.RGBA16Float),                               // larger than a block: dedicated
        new(1920, 1080, PixelFormat.NV12),                                    // ~3 MiB video frame: dedicated
    ];

    private static readonly Gen<Op> GenOp =
        Gen.Select(Gen.Int[0, 99], Gen.Int[0, 99], Gen.Int[0, 16], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue])
            .Select((kind, sizeKind, alignmentLog2, a, b) => new Op(kind, sizeKind, alignmentLog2, a, b));

    private static readonly Gen<(long BudgetBytes, Op[] Ops)> GenRun =
        Gen.Select(Gen.OneOf(Gen.Const(64 * MiB), Gen.Long[4 * MiB, 12 * MiB].Select(x => x / BlockBytes * BlockBytes)), GenOp.Array[1, 80]);

    [Fact]
    public void RandomSequences_MatchTheModel_AndEndInOneFreeRangePerBlock()
    {
        GenRun.Sample(run => Execute(run.BudgetBytes, run.Ops), iter: 150, threads: 1);
    }

    private static void Execute(long budgetBytes, Op[] ops)
    {
        var budget = new MemoryBudget(budgetBytes);
        var heap = NewHeap(budget, blockSizeBytes: BlockBytes, minBlocks: MinBlocks);
        var model = new List<Entry>();
        ulong nextSeed = 1;
        var step = 0;
        try
        {
            foreach (var op in ops)
            {
                step++;
                var context = $"step {step} {op} (budget {budgetBytes})";
                switch (op.Kind)
                {
                    case < 30:
                        AllocateBuffer(heap, budget, model, op, ref nextSeed, context);
                        break;
                    case < 45:
                        AllocateTexture(heap, budget, model, op, ref nextSeed, context);
                        break;
                    case < 65:
                        Free(heap, model, op, context);
                        break;
                    case < 77:
                        AllocateAlias(heap, model, op, context);
                        break;
                    case < 87:
                        LeaseWriteVerify(model, op, ref nextSeed, context);
                        break;
                    case < 95:
                        Defragment(heap, budget, model, op, context);
                        break;
                    default:
                        heap.Trim();
                        break;
                }

                AssertMatchesModel(heap, budget, model, context);
            }

            FreeEverythingAndTrim(heap, budget, model);
        }
        finally
        {
            heap.Dispose();
        }

        Assert.True(budget.UsedBytes == 0, $"budget holds {budget.UsedBytes} bytes after the heap was disposed");
    }

    private static void AllocateBuffer(ResourceHeap heap, MemoryBudget budget, List<Entry> model, Op op, ref ulong nextSeed, string context)
    {
        var sizeBytes = op.SizeKind switch
        {
            < 40 => 1 + (op.A % 4096),                                   // small
            < 80 => 1 + (op.A % (256 * KiB)),                            // medium
            < 95 => 1 + (op.A % BlockBytes),                             // up to one block
            _ => BlockBytes + 1 + (op.A % (2 * BlockBytes)),             // dedicated
        };
        var alignmentBytes = 1L << op.AlignmentLog2;
        var aliasable = op.B % 4 == 0;
        var statsBefore = heap.GetStatistics();
        if (heap.TryAllocateBuffer(sizeBytes, alignmentBytes, out var allocation, aliasable, $"buf{nextSeed}"))
        {
            Added(model, allocation, sizeBytes, alignmentBytes, aliasable, ref nextSeed, context);
        }
        else
        {
            AssertRefusalWasJustified(budget, statsBefore, sizeBytes, alignmentBytes, context);
        }
    }

    private static void AllocateTexture(ResourceHeap heap, MemoryBudget budget, List<Entry> model, Op op, ref ulong nextSeed, string context)
    {
        var descriptor = op.SizeKind < 70
            ? Textures[op.A % Textures.Length]
            : new TextureDescriptor(1 + (op.A % 400), 1 + (op.B % 400), (PixelFormat)(op.A % 9), usage: op.B % 2 == 0 ? TextureUsage.RenderTarget : TextureUsage.ShaderRead);
        var aliasable = op.B % 3 == 0;
        var statsBefore = heap.GetStatistics();
        if (heap.TryAllocateTexture(descriptor, out var allocation, aliasable, $"tex{nextSeed}"))
        {
            Assert.Same(descriptor, allocation.Descriptor);
            Added(model, allocation, descriptor.TotalSizeBytes, descriptor.RequiredAlignmentBytes, aliasable, ref nextSeed, context);
        }
        else
        {
            AssertRefusalWasJustified(budget, statsBefore, descriptor.TotalSizeBytes, descriptor.RequiredAlignmentBytes, context);
        }
    }

    private static void Added(List<Entry> model, HeapAllocation allocation, long sizeBytes, long alignmentBytes, bool aliasable, ref ulong nextSeed, string context)
    {
        Assert.True(allocation.SizeBytes == sizeBytes, $"{context}: allocation of {allocation.SizeBytes} bytes, requested {sizeBytes}");
        Assert.True(allocation.OffsetBytes % alignmentBytes == 0, $"{context}: offset {allocation.OffsetBytes} not aligned to {alignmentBytes}");
        Assert.True(allocation.IsAliasable == aliasable && !allocation.IsAlias, $"{context}: aliasable {allocation.IsAliasable}, alias {allocation.IsAlias}");
        var seed = nextSeed++;
        Fill(allocation, seed);
        model.Add(new Entry(allocation, sizeBytes, alignmentBytes, aliasable, baseEntry: null, offsetInBaseBytes: 0) { Seed = seed });
    }

    /// <summary>A refusal is allowed only if no ordinary block had room and the budget cannot hold the block needed.</summary>
    private static void AssertRefusalWasJustified(MemoryBudget budget, HeapStatistics before, long sizeBytes, long alignmentBytes, string context)
    {
        var granules = (sizeBytes + 15) / 16 * 16;
        if (sizeBytes <= BlockBytes)
        {
            foreach (var block in before.Blocks.Where(b => !b.Dedicated))
            {
                Assert.False(block.FreeRanges.Any(r => AlignUp(r.OffsetBytes, alignmentBytes) + granules <= r.EndBytes),
                    $"{context}: refused {sizeBytes} bytes aligned to {alignmentBytes}, but block {block.Index} had room: {string.Join(", ", block.FreeRanges)}");
            }
        }

        var blockNeeded = sizeBytes <= BlockBytes ? BlockBytes : AlignUp(sizeBytes, 64 * KiB);
        Assert.True(budget.AvailableBytes < blockNeeded,
            $"{context}: refused {sizeBytes} bytes while the budget has {budget.AvailableBytes} bytes available for a {blockNeeded}-byte block");
    }

    private static void Free(ResourceHeap heap, List<Entry> model, Op op, string context)
    {
        if (model.Count == 0)
        {
            return;
        }

        var entry = model[op.A % model.Count];
        if (entry.AliasCount > 0)
        {
            Assert.Throws<InvalidOperationException>(() => heap.Free(entry.Allocation));
            Assert.True(entry.Allocation.IsLive, $"{context}: a refused free of a base with aliases lost it");
            entry = model.First(e => e.Base == entry);
        }

        if (op.B % 2 == 0)
        {
            heap.Free(entry.Allocation);
        }
        else
        {
            entry.Allocation.Dispose();
        }

        Assert.False(entry.Allocation.IsLive, $"{context}: freed handle is still live");
        Assert.Throws<InvalidOperationException>(() => heap.Free(entry.Allocation));
        if (entry.Base is { } baseEntry)
        {
            baseEntry.AliasCount--;
        }

        model.Remove(entry);
    }

    private static void AllocateAlias(ResourceHeap heap, List<Entry> model, Op op, string context)
    {
        var bases = model.Where(e => e.Aliasable).ToList();
        if (bases.Count == 0)
        {
            return;
        }

        var baseEntry = bases[op.A % bases.Count];
        HeapAllocation alias;
        long offsetInBase;
        if (op.SizeKind < 30 && Textures[0].TotalSizeBytes <= baseEntry.SizeBytes)
        {
            // A small texture at a 4 KiB step inside the base (the base's own offset is at least 4 KiB-aligned when it is a texture).
            var descriptor = Textures[0];
            var steps = (baseEntry.SizeBytes - descriptor.TotalSizeBytes) / (4 * KiB);
            offsetInBase = steps == 0 ? 0 : (op.B % (steps + 1)) * 4 * KiB;
            if ((baseEntry.Allocation.OffsetBytes + offsetInBase) % descriptor.RequiredAlignmentBytes != 0)
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => heap.AllocateAliased(descriptor, baseEntry.Allocation, offsetInBase));
                return;
            }

            alias = heap.AllocateAliased(descriptor, baseEntry.Allocation, offsetInBase, "alias-tex");
        }
        else
        {
            var sizeBytes = 1 + (op.B % baseEntry.SizeBytes);
            offsetInBase = (op.A % (baseEntry.SizeBytes - sizeBytes + 1)) & ~7L;
            alias = heap.AllocateAliased(sizeBytes, baseEntry.Allocation, offsetInBase, "alias-buf");
        }

        Assert.True(alias.IsAlias && alias.BlockIndex == baseEntry.Allocation.BlockIndex && alias.OffsetBytes == baseEntry.Allocation.OffsetBytes + offsetInBase,
            $"{context}: alias at block {alias.BlockIndex} offset {alias.OffsetBytes}, base at block {baseEntry.Allocation.BlockIndex} offset {baseEntry.Allocation.OffsetBytes} + {offsetInBase}");
        AssertPattern(alias, baseEntry.Seed, $"{context}: new alias", offsetInBase);
        baseEntry.AliasCount++;
        model.Add(new Entry(alias, alias.SizeBytes, alias.Descriptor?.RequiredAlignmentBytes ?? 1, aliasable: false, baseEntry, offsetInBase));
    }

    private static void LeaseWriteVerify(List<Entry> model, Op op, ref ulong nextSeed, string context)
    {
        if (model.Count == 0)
        {
            return;
        }

        var entry = model[op.A % model.Count];
        VerifyEntry(entry, context);
        if (entry.Base is null)
        {
            entry.Seed = nextSeed++;
            Fill(entry.Allocation, entry.Seed);
        }
    }

    private static void Defragment(ResourceHeap heap, MemoryBudget budget, List<Entry> model, Op op, string context)
    {
        var options = (op.SizeKind % 3) switch
        {
            0 => new DefragmentationOptions(),
            1 => new DefragmentationOptions { MaxMoves = 1 + (op.A % 4) },
            _ => new DefragmentationOptions { MaxBytesToMove = 1 + (op.A % BlockBytes) },
        };
        var budgetBefore = budget.GetUsedBytes(Category);
        var blocksBefore = heap.BlockCount;
        DefragmentationResult result;
        if (model.Count > 0 && op.B % 3 == 0)
        {
            var pinned = model[op.B % model.Count];
            var where = (pinned.Allocation.BlockIndex, pinned.Allocation.OffsetBytes);
            using (pinned.Allocation.Lease())
            {
                result = heap.Defragment(options);
            }

            Assert.True(where == (pinned.Allocation.BlockIndex, pinned.Allocation.OffsetBytes),
                $"{context}: the leased allocation moved from {where} to ({pinned.Allocation.BlockIndex}, {pinned.Allocation.OffsetBytes})");
            Assert.True(result.SkippedLeased == 1, $"{context}: SkippedLeased {result.SkippedLeased}");
        }
        else
        {
            result = heap.Defragment(options);
        }

        Assert.True(options.MaxMoves == 0 || result.Moves <= options.MaxMoves, $"{context}: {result.Moves} moves, limit {options.MaxMoves}");
        Assert.True(options.MaxBytesToMove == 0 || result.BytesMoved <= options.MaxBytesToMove, $"{context}: {result.BytesMoved} bytes moved, limit {options.MaxBytesToMove}");
        Assert.True(blocksBefore - result.BlocksFreed == heap.BlockCount, $"{context}: {blocksBefore} blocks, {result.BlocksFreed} freed, {heap.BlockCount} left");
        Assert.True(budgetBefore - result.BytesFreed == budget.GetUsedBytes(Category), $"{context}: budget {budgetBefore} - freed {result.BytesFreed} != {budget.GetUsedBytes(Category)}");
        var skippedAliased = model.Count(e => e.Base is not null || e.AliasCount > 0);
        Assert.True(result.SkippedAliased <= skippedAliased, $"{context}: SkippedAliased {result.SkippedAliased}, model has {skippedAliased} alias-set members");
        foreach (var entry in model)
        {
            VerifyEntry(entry, $"{context}: after defragmentation");
        }
    }

    private static void VerifyEntry(Entry entry, string context)
    {
        if (entry.Base is { } baseEntry)
        {
            Assert.True(entry.Allocation.OffsetBytes == baseEntry.Allocation.OffsetBytes + entry.OffsetInBaseBytes && entry.Allocation.BlockIndex == baseEntry.Allocation.BlockIndex,
                $"{context}: alias at ({entry.Allocation.BlockIndex}, {entry.Allocation.OffsetBytes}) left its base at ({baseEntry.Allocation.BlockIndex}, {baseEntry.Allocation.OffsetBytes}) + {entry.OffsetInBaseBytes}");
            AssertPattern(entry.Allocation, baseEntry.Seed, context, entry.OffsetInBaseBytes);
        }
        else
        {
            AssertPattern(entry.Allocation, entry.Seed, context);
        }
    }

    private static void AssertMatchesModel(ResourceHeap heap, MemoryBudget budget, List<Entry> model, string context)
    {
        var stats = AssertIntegrity(heap, budget, context);
        Assert.True(stats.AllocationCount == model.Count, $"{context}: heap has {stats.AllocationCount} allocations, model {model.Count}");
        var modelUsed = model.Where(e => e.Base is null).Sum(e => e.SizeBytes);
        Assert.True(stats.UsedBytes == modelUsed, $"{context}: heap uses {stats.UsedBytes} bytes, model {modelUsed}");
        Assert.True(stats.Blocks.Where(b => !b.Dedicated).Take(MinBlocks).Count() == MinBlocks, $"{context}: fewer than {MinBlocks} ordinary blocks");
        foreach (var entry in model)
        {
            Assert.True(entry.Allocation.IsLive, $"{context}: a model entry of {entry.SizeBytes} bytes is not live");
            Assert.True(entry.Allocation.OffsetBytes % entry.AlignmentBytes == 0, $"{context}: offset {entry.Allocation.OffsetBytes} not aligned to {entry.AlignmentBytes}");
            if (entry.Base is null)
            {
                Assert.True(AliasCountOf(entry.Allocation) == entry.AliasCount, $"{context}: statistics show {AliasCountOf(entry.Allocation)} aliases, model {entry.AliasCount}");
            }
        }
    }

    private static void FreeEverythingAndTrim(ResourceHeap heap, MemoryBudget budget, List<Entry> model)
    {
        foreach (var entry in model.Where(e => e.Base is not null).ToList())
        {
            entry.Allocation.Dispose();
            entry.Base!.AliasCount--;
            model.Remove(entry);
        }

        foreach (var entry in model)
        {
            VerifyEntry(entry, "before the final free");
            heap.Free(entry.Allocation);
        }

        model.Clear();
        heap.Trim();
        var stats = AssertIntegrity(heap, budget, "after freeing everything and trimming");
        Assert.True(stats.AllocationCount == 0 && stats.UsedBytes == 0, $"{stats.AllocationCount} allocations, {stats.UsedBytes} bytes left");
        Assert.True(stats.Blocks.Count == MinBlocks, $"{stats.Blocks.Count} blocks left, MinBlocks {MinBlocks}");
        foreach (var block in stats.Blocks)
        {
            Assert.True(!block.Dedicated && block.FreeRanges.Count == 1 && block.FreeRanges[0] == new TlsfRange(0, BlockBytes),
                $"block {block.Index} (dedicated {block.Dedicated}) ends with free ranges {string.Join(", ", block.FreeRanges)}");
        }

        Assert.True(budget.GetUsedBytes(Category) == MinBlocks * BlockBytes, $"budget holds {budget.GetUsedBytes(Category)} bytes, MinBlocks are {MinBlocks * BlockBytes}");
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;

    /// <summary>One live handle in the model: what was asked, the pattern it holds (for an alias: its base's,
    /// from <see cref="OffsetInBaseBytes"/>), and its live aliases.</summary>
    private sealed class Entry(HeapAllocation allocation, long sizeBytes, long alignmentBytes, bool aliasable, Entry? baseEntry, long offsetInBaseBytes)
    {
        public HeapAllocation Allocation { get; } = allocation;

        public long SizeBytes { get; } = sizeBytes;

        public long AlignmentBytes { get; } = alignmentBytes;

        public bool Aliasable { get; } = aliasable;

        public Entry? Base { get; } = baseEntry;

        public long OffsetInBaseBytes { get; } = offsetInBaseBytes;

        public ulong Seed { get; set; }

        public int AliasCount { get; set; }
    }

    private readonly record struct Op(int Kind, int SizeKind, int AlignmentLog2, int A, int B);
}
