using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MediaMemory.Budgeting;
using MediaMemory.Internals;
using MediaMemory.Units;

namespace MediaMemory.Heaps;

/// <summary>
/// A GPU-style heap: large <see cref="NativeBlock"/>s reserved from a <see cref="MemoryBudget"/> under
/// one category, sub-allocated with <see cref="Tlsf"/> into textures and buffers, so that getting
/// texture-sized memory costs no system call, page fault or GC on the hot path.
/// </summary>
/// <remarks>
/// <para>
/// Thread-safe: one spin lock guards the blocks, their allocators and the slot table. Block reservations
/// (which may make the budget call reclaimers, this heap's own among them) and the creation of native
/// blocks happen outside the lock, and so do unmapping freed blocks and releasing their reservations: the
/// blocks are taken out of the table under the lock and given back after it. The budget never calls a
/// reclaimer while holding its own lock, and the heap never calls the budget under its own.
/// </para>
/// <para>
/// Allocations are <see cref="HeapAllocation"/> handles (slot + generation). Requests larger than a
/// block get a dedicated block, freed with them. Empty ordinary blocks stay until <see cref="Trim"/>
/// or until the budget asks for memory (the heap registers as a Low-priority reclaimer of empty blocks).
/// </para>
/// </remarks>
public sealed partial class ResourceHeap : IDisposable
{
    /// <summary>Default alignment of buffers: 256 bytes (D3D12's constant-buffer and row-pitch alignment).</summary>
    public const long DefaultBufferAlignmentBytes = 256;

    // Slot table growth: room for 64 live allocations to start (arbitrary), doubled when full.
    private const int InitialSlots = 64;

    // Not readonly: SpinLatch is a mutable struct and must never be copied. A spin lock released by a
    // store, like the budget's (see SpinLockScope): a Lock round trip costs ~23 ns here, and an allocate
    // + free pair takes the lock twice. Nothing slow runs under it on the allocate/free paths: blocks are
    // reserved, mapped and unmapped outside it; only the rare doubling of the slot table, of a TLSF
    // node array or of the open-lease id set allocates under it (accepted: once per new high-water mark
    // of live allocations or open leases).
    // Defragment holds it while it moves bytes; allocating threads wait meanwhile. Trim and Dispose hold
    // it only to take blocks out of the table.
    private SpinLatch _spin;

    // Held by Trim, Defragment and Dispose from taking blocks out of the table until they are given back
    // (outside the spin lock), and by the reclaimer's count: Dispose returns only once every block is
    // back, and the budget never sees blocks that are neither in the table nor yet returned. Allocation
    // never takes it. Order: _release, then _spin; the budget's lock only after the spin lock is left.
    private readonly Lock _release = new();

    // The open leases' ids (under the spin lock), so a copied lease disposed twice ends only itself.
    private readonly LeaseIds _leaseIds = new();
    private readonly MemoryBudget _budget;
    private readonly ResourceHeapOptions _options;
    private readonly IDisposable? _reclaimerRegistration;
    private Slot[] _slots = new Slot[InitialSlots];
    private int _slotsInitialized;
    private int _freeSlot = -1;
    private int _liveAllocations;
    private int _lastBlock;
    private bool _disposed;

    /// <summary>Creates an empty heap; blocks are reserved from <paramref name="budget"/> when needed.</summary>
    /// <param name="name">Name for statistics and logs.</param>
    /// <param name="category">The budget category of every block.</param>
    /// <param name="budget">The budget blocks are reserved from.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    /// <exception cref="MemoryBudgetExceededException">The budget cannot hold <see cref="ResourceHeapOptions.MinBlocks"/> blocks.</exception>
    public ResourceHeap(string name, AllocationCategory category, MemoryBudget budget, ResourceHeapOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(budget);
        if (category is < AllocationCategory.SourceAssets or > AllocationCategory.UI)
        {
            throw new ArgumentOutOfRangeException(nameof(category), category, "unknown allocation category");
        }

        _options = options ?? new ResourceHeapOptions();
        _options.Validate();
        Name = name;
        Category = category;
        _budget = budget;
        try
        {
            for (var i = 0; i < _options.MinBlocks; i++)
            {
                var block = CreateBlock(_options.BlockSizeBytes, dedicated: false, throwIfRefused: true)!;
                try
                {
                    AddBlock(block);
                }
                catch
                {
                    block.Destroy(); // not in the table, so the cleanup below would miss it
                    throw;
                }
            }
        }
        catch
        {
            // Nothing reserved may outlive a heap that was never made.
            foreach (var block in _blocks)
            {
                block?.Destroy();
            }

            throw;
        }

        if (_options.ReclaimEmptyBlocks)
        {
            _reclaimerRegistration = budget.RegisterReclaimer(new EmptyBlockReclaimer(this));
        }
    }

    /// <summary>The heap's name.</summary>
    public string Name { get; }

    /// <summary>The budget category of its blocks.</summary>
    public AllocationCategory Category { get; }

    /// <summary>Its settings.</summary>
    public ResourceHeapOptions Options => _options;

    /// <summary>Allocates memory for <paramref name="descriptor"/> at its required alignment.</summary>
    /// <exception cref="MemoryBudgetExceededException">No block has room and no block could be added: the budget
    /// refused one (its <see cref="MemoryBudgetExceededException.Reason"/>), or the heap has
    /// <see cref="ResourceHeapOptions.MaxBlocks"/> blocks (<see cref="RefusalReason.BlockLimit"/>).</exception>
    public HeapAllocation AllocateTexture(TextureDescriptor descriptor, bool aliasable = false, string? name = null) =>
        TryAllocateTexture(descriptor, out var allocation, aliasable, name) ? allocation : throw Refused(SizeOf(descriptor));

    /// <summary>Allocates memory for <paramref name="descriptor"/>; returns false if and only if no block has
    /// room and no block could be added (the budget refused one after reclaiming, or the heap has
    /// <see cref="ResourceHeapOptions.MaxBlocks"/> blocks).</summary>
    public bool TryAllocateTexture(TextureDescriptor descriptor, out HeapAllocation allocation, bool aliasable = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return TryAllocateCore(SizeOf(descriptor), descriptor.RequiredAlignmentBytes, descriptor, aliasable, name, out allocation);
    }

    /// <summary>Allocates a buffer of <paramref name="sizeBytes"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not 1 byte … 2^48 bytes, or the alignment not a power of two up to 64 KiB.</exception>
    /// <exception cref="MemoryBudgetExceededException">No block has room and no block could be added (as for
    /// <see cref="AllocateTexture"/>).</exception>
    public HeapAllocation AllocateBuffer(long sizeBytes, long alignmentBytes = DefaultBufferAlignmentBytes, bool aliasable = false, string? name = null) =>
        TryAllocateBuffer(sizeBytes, alignmentBytes, out var allocation, aliasable, name) ? allocation : throw Refused(sizeBytes);

    /// <summary>Allocates a buffer; returns false if and only if no block has room and no block could be added
    /// (the budget refused one after reclaiming, or the heap has <see cref="ResourceHeapOptions.MaxBlocks"/> blocks).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not 1 byte … 2^48 bytes, or the alignment not a power of two up to 64 KiB.</exception>
    public bool TryAllocateBuffer(long sizeBytes, long alignmentBytes, out HeapAllocation allocation, bool aliasable = false, string? name = null) =>
        TryAllocateCore(sizeBytes, alignmentBytes, descriptor: null, aliasable, name, out allocation);

    /// <summary>Allocates a buffer in the free space of the heap's existing ordinary blocks only: it never
    /// reserves a block, so it never asks the budget (no refusal counted, no reclaimer run). For a cache
    /// that first tries the room it already holds before evicting to make more. False when no block has room.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not 1 byte … 2^48 bytes, or the alignment not a power of two up to 64 KiB.</exception>
    public bool TryAllocateBufferInExistingBlocks(long sizeBytes, long alignmentBytes, out HeapAllocation allocation, bool aliasable = false, string? name = null) =>
        TryAllocateCore(sizeBytes, alignmentBytes, descriptor: null, aliasable, name, out allocation, mayAddBlock: false);

    /// <summary>Frees an allocation explicitly.</summary>
    /// <exception cref="InvalidOperationException">It was already freed (or is default, or of another heap),
    /// it is leased, or aliases placed on it are still live.</exception>
    public void Free(HeapAllocation allocation)
    {
        if (!ReferenceEquals(allocation.Heap, this))
        {
            throw new InvalidOperationException($"the allocation does not belong to heap '{Name}' (or is default)");
        }

        FreeCore(allocation, throwIfStale: true);
    }

    /// <summary>Frees every block; outstanding handles become stale. Later calls do nothing.</summary>
    /// <exception cref="InvalidOperationException">An allocation is leased.</exception>
    public void Dispose()
    {
        var detached = new List<HeapBlock>();
        lock (_release)
        {
            DisposeCore(detached);
        }

        // Only once the heap is really gone: a refused Dispose leaves it working, reclaimer included.
        _reclaimerRegistration?.Dispose();
    }

    private void DisposeCore(List<HeapBlock> detached)
    {
        using (new SpinLockScope(ref _spin))
        {
            if (_disposed)
            {
                return;
            }

            for (var i = 0; i < _slotsInitialized; i++)
            {
                if (_slots[i].InUse && _slots[i].Leases > 0)
                {
                    throw new InvalidOperationException($"heap '{Name}' cannot be disposed while allocation '{_slots[i].Name}' is leased");
                }
            }

            _disposed = true;
            for (var i = 0; i < _slotsInitialized; i++)
            {
                ref var slot = ref _slots[i];
                if (slot.InUse)
                {
                    RetireSlot(i);
                }
            }

            for (var i = 0; i < _blocks.Count; i++)
            {
                if (_blocks[i] is { } block)
                {
                    _blocks[i] = null;
                    detached.Add(block);
                }
            }
        }

        DestroyBlocks(detached);
    }

    /// <summary>Places an alias with its own alignment (for <see cref="TransientArena"/>).</summary>
    internal HeapAllocation AllocateAliasedAligned(long sizeBytes, long alignmentBytes, HeapAllocation over, long offsetBytes, string? name) =>
        AllocateAliasedCore(sizeBytes, alignmentBytes, descriptor: null, over, offsetBytes, name);

    internal bool IsLive(HeapAllocation allocation)
    {
        using (new SpinLockScope(ref _spin))
        {
            return IsCurrent(allocation.Slot, allocation.Generation);
        }
    }

    internal HeapAllocationInfo Describe(HeapAllocation allocation)
    {
        using (new SpinLockScope(ref _spin))
        {
            return DescribeSlot(Resolve(allocation.Slot, allocation.Generation));
        }
    }

    internal HeapLease AcquireLease(HeapAllocation allocation)
    {
        using (new SpinLockScope(ref _spin))
        {
            ref var slot = ref Resolve(allocation.Slot, allocation.Generation);
            if (slot.SizeBytes > int.MaxValue)
            {
                throw new NotSupportedException($"allocation '{slot.Name}' of {slot.SizeBytes} bytes is larger than one span (2 GiB)");
            }

            if (_options.DebugAliasChecks)
            {
                CheckNoOtherAliasLeased(allocation.Slot);
            }

            var span = _blocks[slot.Block]!.Memory.GetSpan(slot.OffsetBytes, (int)slot.SizeBytes);
            var id = _leaseIds.Open();
            slot.Leases++;
            return new HeapLease(this, allocation.Slot, allocation.Generation, id, span);
        }
    }

    internal void ReleaseLease(int slotIndex, int generation, long id)
    {
        using (new SpinLockScope(ref _spin))
        {
            // A copy of a lease disposed after the original must end nothing: ending some other live lease
            // of the allocation would let its memory be moved or freed under that lease's reader.
            ref var slot = ref Resolve(slotIndex, generation);
            if (!_leaseIds.TryClose(id))
            {
                throw new InvalidOperationException($"a lease on '{slot.Name}' was released twice (a copy of a lease was disposed)");
            }

            Debug.Assert(slot.Leases > 0, "an open lease id counts in its slot");
            slot.Leases--;
        }
    }

    internal bool FreeCore(HeapAllocation allocation, bool throwIfStale)
    {
        HeapBlock? emptied = null;
        using (new SpinLockScope(ref _spin))
        {
            var index = allocation.Slot;
            if (!IsCurrent(index, allocation.Generation))
            {
                return throwIfStale ? throw new InvalidOperationException("the allocation was already freed") : false;
            }

            ref var slot = ref SlotAt(index);
            if (slot.Leases > 0)
            {
                throw new InvalidOperationException($"allocation '{slot.Name}' is leased; dispose the lease before freeing it");
            }

            if (slot.AliasCount > 0)
            {
                throw new InvalidOperationException($"allocation '{slot.Name}' still has {slot.AliasCount} live alias(es); free them first");
            }

            var blockIndex = slot.Block;
            var block = CollectionsMarshal.AsSpan(_blocks)[blockIndex]!;
            if (slot.AliasOf >= 0)
            {
                _slots[slot.AliasOf].AliasCount--;
            }
            else
            {
                // The slot is current and no alias, so slot.Tlsf is live in this block's allocator: every path
                // that replaces the allocator or moves the range (defragmentation) updates slot.Tlsf with it.
                block.Allocator.FreeUnchecked(slot.Tlsf);
                block.LiveAllocations--;
            }

            RetireSlot(ref slot, index);
            if (block.Dedicated && block.LiveAllocations == 0)
            {
                _blocks[blockIndex] = null;
                emptied = block;
            }
        }

        // Unmapping and releasing the reservation take time (and the budget's lock): outside the heap's.
        emptied?.Destroy();
        return true;
    }

    private bool TryAllocateCore(long sizeBytes, long alignmentBytes, TextureDescriptor? descriptor, bool aliasable, string? name, out HeapAllocation allocation, bool mayAddBlock = true)
    {
        if ((ulong)(sizeBytes - 1) >= NativeBlock.MaxSizeBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), sizeBytes, $"allocation size must be 1 byte … 2^48 bytes (the largest block)");
        }

        if (!ByteMath.IsPowerOfTwo(alignmentBytes) || alignmentBytes > Tlsf.MaxAlignmentBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(alignmentBytes), alignmentBytes, "alignment must be a power of two from 1 byte to 64 KiB");
        }

        // Fast path: room in an existing block.
        using (new SpinLockScope(ref _spin))
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (sizeBytes <= _options.BlockSizeBytes && TryPlaceInBlocks(sizeBytes, alignmentBytes, descriptor, aliasable, name, out allocation))
            {
                return true;
            }
        }

        if (!mayAddBlock)
        {
            allocation = default;
            return false;
        }

        return TryAllocateInNewBlock(sizeBytes, alignmentBytes, descriptor, aliasable, name, out allocation);
    }

    private bool TryPlaceInBlocks(long sizeBytes, long alignmentBytes, TextureDescriptor? descriptor, bool aliasable, string? name, out HeapAllocation allocation)
    {
        // Two rounds: the O(1) good-fit search in every block (the block that served last first), and
        // only if all of them fail the exhaustive scan, so a nearly full block costs no scan per request.
        var blocks = CollectionsMarshal.AsSpan(_blocks);
        for (var round = 0; round < 2; round++)
        {
            var exhaustive = round == 1;
            var i = _lastBlock < blocks.Length ? _lastBlock : 0;
            for (var k = 0; k < blocks.Length; k++, i = i + 1 == blocks.Length ? 0 : i + 1)
            {
                var block = blocks[i];
                if (block is { Dedicated: false } && block.Allocator.TryAllocateCore(sizeBytes, alignmentBytes, exhaustive, out var placed))
                {
                    _lastBlock = i;
                    allocation = NewAllocation(i, block, in placed, sizeBytes, alignmentBytes, descriptor, aliasable, name);
                    return true;
                }
            }
        }

        allocation = default;
        return false;
    }

    private bool TryAllocateInNewBlock(long sizeBytes, long alignmentBytes, TextureDescriptor? descriptor, bool aliasable, string? name, out HeapAllocation allocation)
    {
        var dedicated = sizeBytes > _options.BlockSizeBytes;
        var blockBytes = BlockBytesFor(sizeBytes);
        if (_options.MaxBlocks > 0)
        {
            using (new SpinLockScope(ref _spin))
            {
                if (!dedicated && TryPlaceInBlocks(sizeBytes, alignmentBytes, descriptor, aliasable, name, out allocation))
                {
                    return true; // another thread freed room meanwhile
                }

                if (BlockCountLocked() >= _options.MaxBlocks)
                {
                    allocation = default;
                    return false;
                }
            }
        }

        // Reserving may make the budget call reclaimers (this heap's among them), and mapping takes a
        // system call: both outside the lock.
        var block = CreateBlock(blockBytes, dedicated, throwIfRefused: false);
        if (block is null)
        {
            allocation = default;
            return false;
        }

        var placedHere = false;
        var disposed = false;
        var inTable = false;
        allocation = default;
        try
        {
            using (new SpinLockScope(ref _spin))
            {
                if (_disposed)
                {
                    disposed = true;
                }
                else if (_options.MaxBlocks > 0 && BlockCountLocked() >= _options.MaxBlocks)
                {
                    // Another thread added the last block allowed while this one was made: use the room
                    // there may be, and give the new block back.
                    placedHere = !dedicated && TryPlaceInBlocks(sizeBytes, alignmentBytes, descriptor, aliasable, name, out allocation);
                }
                else
                {
                    var index = AddBlock(block);
                    inTable = true; // from here on, should anything throw, it is an empty block Trim and Dispose give back
                    var placed = block.Allocator.Allocate(sizeBytes, alignmentBytes);
                    allocation = NewAllocation(index, block, in placed, sizeBytes, alignmentBytes, descriptor, aliasable, name);
                    return true;
                }
            }
        }
        finally
        {
            // Outside the spin lock (the using has left it). Also when growing a table threw: a block in no
            // table would otherwise keep its mapping and its reservation for good.
            if (!inTable)
            {
                block.Destroy();
            }
        }

        ObjectDisposedException.ThrowIf(disposed, this);
        return placedHere;
    }

    private HeapAllocation NewAllocation(int blockIndex, HeapBlock block, in TlsfAllocation placed, long sizeBytes, long alignmentBytes, TextureDescriptor? descriptor, bool aliasable, string? name)
    {
        int index;
        try
        {
            index = NewSlot();
        }
        catch
        {
            // Growing the slot table failed (out of memory): give the range back, so nothing leaks.
            block.Allocator.FreeUnchecked(placed);
            throw;
        }

        ref var slot = ref SlotAt(index);
        slot.InUse = true;
        slot.Block = blockIndex;
        // Field by field, from the fields the allocator stored one by one: a whole-struct copy reads them back
        // with one 16-byte load, which the CPU cannot forward from the smaller stores still in flight (a
        // store-forwarding stall, ~5 ns of the pair in perf on this workload).
        slot.Tlsf = new TlsfAllocation(placed.OffsetBytes, placed.SizeBytes, placed.Handle, placed.Generation);
        slot.OffsetBytes = placed.OffsetBytes;
        slot.SizeBytes = sizeBytes;
        slot.AlignmentBytes = alignmentBytes;
        // A retired or fresh slot holds null in both references (RetireSlot clears them), so a buffer without
        // a name skips two stores that would each cost a GC write barrier.
        Debug.Assert(slot.Descriptor is null && slot.Name is null, "NewSlot hands out slots with null references");
        if (descriptor is not null)
        {
            slot.Descriptor = descriptor;
        }

        if (name is not null)
        {
            slot.Name = name;
        }

        slot.Aliasable = aliasable;
        slot.AliasOf = -1;
        slot.AliasCount = 0;
        slot.Leases = 0;
        block.LiveAllocations++;
        _liveAllocations++;
        return new HeapAllocation(this, index, slot.Generation);
    }

    private int NewSlot()
    {
        var reused = _freeSlot;
        if (reused >= 0)
        {
            _freeSlot = SlotAt(reused).NextFree;
            return reused;
        }

        if (_slotsInitialized == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        var index = _slotsInitialized++;
        _slots[index].Generation = 1;
        return index;
    }

    private void RetireSlot(int index) => RetireSlot(ref _slots[index], index);

    /// <summary>Retires <paramref name="slot"/>, which is <c>_slots[<paramref name="index"/>]</c> (the caller
    /// already holds the ref, so the table is not indexed again).</summary>
    private void RetireSlot(ref Slot slot, int index)
    {
        slot.InUse = false;
        slot.Descriptor = null;
        slot.Name = null;
        // Generation 0 is never issued, so default handles never match; wrap after 2^31 − 1 reuses is accepted.
        slot.Generation = slot.Generation == int.MaxValue ? 1 : slot.Generation + 1;
        slot.NextFree = _freeSlot;
        _freeSlot = index;
        _liveAllocations--;
    }

    private bool IsCurrent(int slot, int generation)
    {
        if ((uint)slot >= (uint)_slotsInitialized)
        {
            return false;
        }

        ref var current = ref SlotAt(slot);
        return current.InUse && current.Generation == generation;
    }

    /// <summary>
    /// <c>_slots[<paramref name="index"/>]</c> without a bounds check, for indices the heap guarantees: one
    /// <see cref="IsCurrent"/> checked against <see cref="_slotsInitialized"/> (never above the table's length:
    /// <see cref="NewSlot"/> grows the table first), or one <see cref="NewSlot"/> or the free-slot list handed
    /// out, which stay below it too. The ref dies at the next <see cref="NewSlot"/>, which may resize the table.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Slot SlotAt(int index)
    {
        Debug.Assert((uint)index < (uint)_slotsInitialized && _slotsInitialized <= _slots.Length, "slot indices stay inside the initialized table");
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), index);
    }

    private ref Slot Resolve(int slot, int generation)
    {
        if (!IsCurrent(slot, generation))
        {
            throw new ObjectDisposedException(nameof(HeapAllocation), "the allocation was freed");
        }

        return ref _slots[slot];
    }

    private static HeapAllocationInfo DescribeSlot(in Slot slot) =>
        new(slot.Block, slot.OffsetBytes, slot.SizeBytes, slot.AlignmentBytes, slot.Name, slot.Descriptor, slot.Aliasable,
            slot.AliasOf >= 0, slot.AliasCount, slot.Leases > 0);

    private static long SizeOf(TextureDescriptor descriptor) =>
        descriptor.ResidentSizeBytes > 0
            ? descriptor.ResidentSizeBytes
            : throw new ArgumentOutOfRangeException(nameof(descriptor), descriptor, "a memoryless texture has no memory to allocate");

    /// <summary>The exception for a request no block had room for and no new block could be added for: the
    /// block the heap would have added (its size is <see cref="MemoryBudgetExceededException.RequestedBytes"/>),
    /// and why it could not (the budget's reason for this thread's refusal, or <see cref="RefusalReason.BlockLimit"/>).</summary>
    private MemoryBudgetExceededException Refused(long sizeBytes)
    {
        bool atBlockLimit;
        using (new SpinLockScope(ref _spin))
        {
            atBlockLimit = _options.MaxBlocks > 0 && BlockCountLocked() >= _options.MaxBlocks;
        }

        var blockBytes = BlockBytesFor(sizeBytes);
        return new MemoryBudgetExceededException(
            $"Heap '{Name}' cannot allocate {ByteSize.Format(sizeBytes)} ({sizeBytes} bytes): no block has room for it" +
            (atBlockLimit ? $" and it has its {_options.MaxBlocks} blocks (MaxBlocks)." : "."),
            blockBytes, Category, atBlockLimit ? RefusalReason.BlockLimit : MemoryBudget.LastRefusalOnThisThread, _budget.GetSnapshot());
    }

    /// <summary>The block a request that fits in none would get: a dedicated one (whole base-aligned units)
    /// when it is larger than a block, else an ordinary one.</summary>
    private long BlockBytesFor(long sizeBytes) =>
        sizeBytes > _options.BlockSizeBytes ? ByteMath.AlignUp(sizeBytes, NativeBlock.BaseAlignmentBytes) : _options.BlockSizeBytes;

    /// <summary>One allocation's bookkeeping. Aliases share their base's block and memory.</summary>
    private struct Slot
    {
        public int Generation;
        public bool InUse;
        public int NextFree;
        public int Block;
        public TlsfAllocation Tlsf;
        public long OffsetBytes;
        public long SizeBytes;
        public long AlignmentBytes;
        public TextureDescriptor? Descriptor;
        public string? Name;
        public bool Aliasable;
        public int AliasOf;
        public int AliasCount;
        public int Leases;
    }
}
