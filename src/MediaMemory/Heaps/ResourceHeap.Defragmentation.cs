using MediaMemory.Internals;

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
    /// <para>The pass, under the heap's lock (allocation waits meanwhile; the emptied blocks are unmapped
    /// after it is left):</para>
    /// <list type="number">
    /// <item>Compact each block: re-place its movable allocations in offset order into a fresh
    /// <see cref="Tlsf"/> that holds its pinned ones where they are. Each lands at or below its old offset,
    /// so copying in ascending offset order never overwrites bytes not yet moved.</item>
    /// <item>Move allocations out of the emptiest blocks into fuller ones, largest first.</item>
    /// <item>Compact again, then give empty blocks beyond <see cref="ResourceHeapOptions.MinBlocks"/> back.</item>
    /// </list>
    /// Leased and aliased allocations stay where they are; the others in their block pack around them,
    /// may leave the block, and it may receive others.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">An option is negative.</exception>
    public DefragmentationResult Defragment(DefragmentationOptions? options = null)
    {
        options ??= new DefragmentationOptions();
        options.Validate();
        var detached = new List<HeapBlock>();
        DefragmentationResult result;
        using var release = _release.EnterScope();
        using (new SpinLockScope(ref _spin))
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
            var bytesFreed = TrimEmptyBlocksLocked(long.MaxValue, detached);
            result = new DefragmentationResult(state.Moves, state.BytesMoved, detached.Count, bytesFreed,
                state.SkippedLeased, state.SkippedAliased, before, FragmentationLocked());
        }

        DestroyBlocks(detached);
        return result;
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

    /// <summary>
    /// Packs a block's movable allocations toward offset 0, around its pinned ones. The packed layout places
    /// them in offset order into a fresh <see cref="Tlsf"/> holding the pinned ones at their offsets; each
    /// lands at or below its old offset (otherwise it and the later ones stay). When the pass's limits allow
    /// only some moves, the longest prefix (in offset order) that fits them is moved and the rest stay: a
    /// moved allocation ends at or below its old end, which is at or below the start of every later one, so
    /// the partial layout never overlaps and repeated limited passes still converge.
    /// </summary>
    private void CompactBlock(int blockIndex, HeapBlock block, ref PassState state)
    {
        var members = SlotsIn(blockIndex, out var anyPinned);
        var movable = anyPinned ? members.FindAll(m => !IsPinned(_slots[m])) : members;
        if (movable.Count == 0)
        {
            return;
        }

        movable.Sort((x, y) => _slots[x].OffsetBytes.CompareTo(_slots[y].OffsetBytes));
        var packed = anyPinned
            ? LayOut(blockIndex, block.Memory.SizeBytes, members.FindAll(m => IsPinned(_slots[m])), m => _slots[m].OffsetBytes, handles: null)
            : new Tlsf(block.Memory.SizeBytes);
        var targets = new long[movable.Count];
        var prefix = 0;
        long bytesToMove = 0;
        var moves = 0;
        for (var k = 0; k < movable.Count; k++)
        {
            ref var slot = ref _slots[movable[k]];
            // Without pins the old layout fits, so the packed one does; with pins a request may not fit below.
            if (!packed.TryAllocate(slot.SizeBytes, slot.AlignmentBytes, out var placed) || placed.OffsetBytes > slot.OffsetBytes)
            {
                break; // Moving up could overwrite an allocation not yet moved: this and later ones stay.
            }

            if (placed.OffsetBytes != slot.OffsetBytes)
            {
                if (state.Moves + moves >= state.MaxMoves || state.BytesMoved + bytesToMove + slot.SizeBytes > state.MaxBytesToMove)
                {
                    break;
                }

                bytesToMove += slot.SizeBytes;
                moves++;
            }

            targets[k] = placed.OffsetBytes;
            prefix = k + 1;
        }

        if (moves == 0)
        {
            return;
        }

        // The block's new allocator is built from the final offsets before any byte moves, so that a
        // failure there (a bug, or no memory for its nodes) leaves slots, bytes and allocator as they were.
        var finalOffsets = new Dictionary<int, long>(prefix);
        for (var k = 0; k < prefix; k++)
        {
            finalOffsets[movable[k]] = targets[k];
        }

        var handles = new Dictionary<int, TlsfAllocation>(members.Count);
        var allocator = LayOut(blockIndex, block.Memory.SizeBytes, members,
            m => finalOffsets.TryGetValue(m, out var target) ? target : _slots[m].OffsetBytes, handles);

        // Ascending old offsets: each copy goes down, onto bytes already moved away or free.
        for (var k = 0; k < prefix; k++)
        {
            ref var slot = ref _slots[movable[k]];
            if (targets[k] != slot.OffsetBytes)
            {
                CopyBytes(block, slot.OffsetBytes, block, targets[k], slot.SizeBytes);
                slot.OffsetBytes = targets[k];
            }
        }

        foreach (var (member, handle) in handles)
        {
            _slots[member].Tlsf = handle;
        }

        block.Allocator = allocator;
        state.Moves += moves;
        state.BytesMoved += bytesToMove;
    }

    /// <summary>
    /// A fresh allocator holding <paramref name="members"/> exactly at <paramref name="offsetOf"/>(member)
    /// (granule-aligned offsets), the gaps free; their new handles go into <paramref name="handles"/> when
    /// given (the caller points the slots at them). <see cref="Tlsf"/> has no allocate-at, so the layout is
    /// laid down front to back with alignment 1, a filler for each gap (with a single free range, every
    /// request lands at its start), and the fillers are freed afterwards.
    /// </summary>
    private Tlsf LayOut(int blockIndex, long capacityBytes, List<int> members, Func<int, long> offsetOf, Dictionary<int, TlsfAllocation>? handles)
    {
        var ordered = new List<int>(members);
        ordered.Sort((x, y) => offsetOf(x).CompareTo(offsetOf(y)));
        var tlsf = new Tlsf(capacityBytes);
        var fillers = new List<TlsfAllocation>();
        long endBytes = 0;
        foreach (var member in ordered)
        {
            var offset = offsetOf(member);
            if (offset > endBytes)
            {
                fillers.Add(tlsf.Allocate(offset - endBytes, 1));
            }

            var placed = tlsf.Allocate(_slots[member].SizeBytes, 1);
            if (placed.OffsetBytes != offset)
            {
                throw new InvalidOperationException(
                    $"defragmentation could not lay out block {blockIndex}: '{_slots[member].Name}' landed at {placed.OffsetBytes}, not {offset}");
            }

            if (handles is not null)
            {
                handles[member] = placed;
            }

            endBytes = placed.EndBytes;
        }

        foreach (var filler in fillers)
        {
            tlsf.Free(filler);
        }

        return tlsf;
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
