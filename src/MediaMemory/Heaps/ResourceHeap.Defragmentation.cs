namespace MediaMemory.Heaps;

/// <summary>Defragmentation: explicit passes that move allocations by copying their bytes.</summary>
public sealed partial class ResourceHeap
{
    /// <summary>
    /// Moves allocations toward fewer blocks and lower offsets by copying their bytes, then gives the
    /// emptied blocks back. Leased allocations, and allocations in an alias set, are never moved. Every
    /// handle stays valid and every moved allocation's contents are bit-exact.
    /// </summary>
    /// <remarks>
    /// <para>The pass, under the heap's lock (allocation waits meanwhile):</para>
    /// <list type="number">
    /// <item>Compact each block that holds nothing pinned: re-place its allocations in offset order into a
    /// fresh <see cref="Tlsf"/>. Each lands at or below its old offset (the fresh allocator fills from
    /// the front), so copying in ascending offset order never overwrites bytes not yet moved.</item>
    /// <item>Move allocations out of the emptiest blocks into fuller ones, largest first.</item>
    /// <item>Compact again, then give empty blocks beyond <see cref="ResourceHeapOptions.MinBlocks"/> back.</item>
    /// </list>
    /// A block holding a leased or aliased allocation is not compacted in place, but its movable
    /// allocations may still leave it, and it may receive others.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An option is negative.</exception>
    public DefragmentationResult Defragment(DefragmentationOptions? options = null)
    {
        options ??= new DefragmentationOptions();
        options.Validate();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var state = new PassState(
                options.MaxMoves == 0 ? int.MaxValue : options.MaxMoves,
                options.MaxBytesToMove == 0 ? long.MaxValue : options.MaxBytesToMove);
            var before = FragmentationLocked();
            CountSkipped(ref state);
            CompactBlocks(ref state);
            MoveBetweenBlocks(ref state);
            CompactBlocks(ref state);
            var (bytesFreed, blocksFreed) = TrimEmptyBlocksLocked(long.MaxValue);
            return new DefragmentationResult(state.Moves, state.BytesMoved, blocksFreed, bytesFreed,
                state.SkippedLeased, state.SkippedAliased, before, FragmentationLocked());
        }
    }

    private static bool IsPinned(in Slot slot) => slot.Leases > 0 || slot.AliasCount > 0 || slot.AliasOf >= 0;

    private void CountSkipped(ref PassState state)
    {
        for (var i = 0; i < _slotsInitialized; i++)
        {
            ref var slot = ref _slots[i];
            if (slot.InUse && slot.Leases > 0)
            {
                state.SkippedLeased++;
            }
            else if (slot.InUse && (slot.AliasCount > 0 || slot.AliasOf >= 0))
            {
                state.SkippedAliased++;
            }
        }
    }

    private void CompactBlocks(ref PassState state)
    {
        for (var b = 0; b < _blocks.Count; b++)
        {
            if (_blocks[b] is { Dedicated: false } block && block.LiveAllocations > 0)
            {
                CompactBlock(b, block, ref state);
            }
        }
    }

    private void CompactBlock(int blockIndex, HeapBlock block, ref PassState state)
    {
        var members = SlotsIn(blockIndex, out var anyPinned);
        if (anyPinned || members.Count == 0)
        {
            return;
        }

        members.Sort((x, y) => _slots[x].OffsetBytes.CompareTo(_slots[y].OffsetBytes));
        var fresh = new Tlsf(block.Memory.SizeBytes);
        var placed = new TlsfAllocation[members.Count];
        long bytesToMove = 0;
        var moves = 0;
        for (var k = 0; k < members.Count; k++)
        {
            ref var slot = ref _slots[members[k]];
            // The old layout fits, so the packed one does; anything else would be a Tlsf bug.
            placed[k] = fresh.Allocate(slot.SizeBytes, slot.AlignmentBytes);
            if (placed[k].OffsetBytes > slot.OffsetBytes)
            {
                return; // Moving up could overwrite an allocation not yet moved: leave this block as it is.
            }

            if (placed[k].OffsetBytes != slot.OffsetBytes)
            {
                bytesToMove += slot.SizeBytes;
                moves++;
            }
        }

        if (moves == 0 || state.Moves + moves > state.MaxMoves || state.BytesMoved + bytesToMove > state.MaxBytesToMove)
        {
            return;
        }

        for (var k = 0; k < members.Count; k++)
        {
            ref var slot = ref _slots[members[k]];
            if (placed[k].OffsetBytes != slot.OffsetBytes)
            {
                CopyBytes(block, slot.OffsetBytes, block, placed[k].OffsetBytes, slot.SizeBytes);
                slot.OffsetBytes = placed[k].OffsetBytes;
            }

            slot.Tlsf = placed[k];
        }

        block.Allocator = fresh;
        state.Moves += moves;
        state.BytesMoved += bytesToMove;
    }

    private void MoveBetweenBlocks(ref PassState state)
    {
        // Fullest first: destinations come before sources.
        var order = new List<int>();
        for (var b = 0; b < _blocks.Count; b++)
        {
            if (_blocks[b] is { Dedicated: false, LiveAllocations: > 0 })
            {
                order.Add(b);
            }
        }

        order.Sort((x, y) => _blocks[y]!.Allocator.GetStatistics().UsedBytes.CompareTo(_blocks[x]!.Allocator.GetStatistics().UsedBytes));
        for (var s = order.Count - 1; s > 0; s--)
        {
            var sourceIndex = order[s];
            var source = _blocks[sourceIndex]!;
            var members = SlotsIn(sourceIndex, out _);
            members.Sort((x, y) => _slots[y].SizeBytes.CompareTo(_slots[x].SizeBytes));
            foreach (var member in members)
            {
                ref var slot = ref _slots[member];
                if (IsPinned(slot) || state.Moves >= state.MaxMoves || state.BytesMoved + slot.SizeBytes > state.MaxBytesToMove)
                {
                    continue;
                }

                for (var d = 0; d < s; d++)
                {
                    var destination = _blocks[order[d]]!;
                    if (destination.Allocator.TryAllocate(slot.SizeBytes, slot.AlignmentBytes, out var placed))
                    {
                        CopyBytes(source, slot.OffsetBytes, destination, placed.OffsetBytes, slot.SizeBytes);
                        source.Allocator.Free(slot.Tlsf);
                        source.LiveAllocations--;
                        destination.LiveAllocations++;
                        slot.Block = order[d];
                        slot.OffsetBytes = placed.OffsetBytes;
                        slot.Tlsf = placed;
                        state.Moves++;
                        state.BytesMoved += slot.SizeBytes;
                        break;
                    }
                }
            }
        }
    }

    /// <summary>The live non-alias allocations in a block, and whether any of them is pinned.</summary>
    private List<int> SlotsIn(int blockIndex, out bool anyPinned)
    {
        var members = new List<int>();
        anyPinned = false;
        for (var i = 0; i < _slotsInitialized; i++)
        {
            ref var slot = ref _slots[i];
            if (slot.InUse && slot.Block == blockIndex && slot.AliasOf < 0)
            {
                members.Add(i);
                anyPinned |= IsPinned(slot);
            }
        }

        return members;
    }

    /// <summary>Copies with memmove semantics (the ranges may overlap within one block), in chunks of at most 1 GiB.</summary>
    private static void CopyBytes(HeapBlock from, long fromOffset, HeapBlock to, long toOffset, long sizeBytes)
    {
        const int ChunkBytes = 1 << 30;
        if (from == to && toOffset > fromOffset)
        {
            throw new InvalidOperationException("defragmentation only moves allocations down within a block");
        }

        // Front to back: a downward overlapping move reads each chunk before it is overwritten.
        for (long done = 0; done < sizeBytes; done += ChunkBytes)
        {
            var length = (int)Math.Min(ChunkBytes, sizeBytes - done);
            from.Memory.GetSpan(fromOffset + done, length).CopyTo(to.Memory.GetSpan(toOffset + done, length));
        }
    }

    private struct PassState(int maxMoves, long maxBytesToMove)
    {
        public readonly int MaxMoves = maxMoves;
        public readonly long MaxBytesToMove = maxBytesToMove;
        public int Moves;
        public long BytesMoved;
        public int SkippedLeased;
        public int SkippedAliased;
    }
}
