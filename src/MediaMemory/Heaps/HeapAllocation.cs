using MediaMemory.Units;

namespace MediaMemory.Heaps;

/// <summary>
/// A handle to memory in a <see cref="ResourceHeap"/>: a slot in the heap and the slot's generation.
/// Disposing it frees the memory.
/// </summary>
/// <remarks>
/// A small struct, so allocating costs no managed memory. The heap keeps where the memory is (block,
/// offset), so the handle stays valid when defragmentation moves it. Once freed, the slot's generation
/// moves on: every copy of the handle is stale, its properties throw <see cref="ObjectDisposedException"/>,
/// <see cref="Dispose"/> does nothing and <see cref="ResourceHeap.Free"/> throws
/// <see cref="InvalidOperationException"/>. <c>default(HeapAllocation)</c> is invalid. The bytes are
/// reached only through <see cref="Lease"/>, which keeps defragmentation from moving them meanwhile.
/// Thread-safe: the heap locks.
/// </remarks>
public readonly struct HeapAllocation : IDisposable, IEquatable<HeapAllocation>
{
    internal HeapAllocation(ResourceHeap heap, int slot, int generation)
    {
        Heap = heap;
        Slot = slot;
        Generation = generation;
    }

    /// <summary>The heap, or null for <c>default</c>.</summary>
    public ResourceHeap? Heap { get; }

    internal int Slot { get; }

    internal int Generation { get; }

    /// <summary>True while the allocation has not been freed.</summary>
    public bool IsLive => Heap is not null && Heap.IsLive(this);

    /// <summary>Offset in bytes within its block (changes when defragmentation moves it).</summary>
    public long OffsetBytes => Info.OffsetBytes;

    /// <summary>Bytes usable: the requested size (the texture's total for textures).</summary>
    public long SizeBytes => Info.SizeBytes;

    /// <summary>Index of its block in the heap's statistics.</summary>
    public int BlockIndex => Info.BlockIndex;

    /// <summary>The texture it holds, or null for a buffer.</summary>
    public TextureDescriptor? Descriptor => Info.Descriptor;

    /// <summary>Its name, for statistics and the profiler.</summary>
    public string? Name => Info.Name;

    /// <summary>True when other resources may be placed on its memory with <see cref="ResourceHeap.AllocateAliased(long, HeapAllocation, long, string?)"/>.</summary>
    public bool IsAliasable => Info.IsAliasable;

    /// <summary>True when it was placed on another allocation's memory.</summary>
    public bool IsAlias => Info.IsAlias;

    private HeapAllocationInfo Info => ResolvedHeap.Describe(this);

    private ResourceHeap ResolvedHeap => Heap ?? throw new ObjectDisposedException(nameof(HeapAllocation), "default(HeapAllocation) is no allocation");

    /// <summary>Gives access to the bytes until the lease is disposed; defragmentation skips leased allocations.</summary>
    /// <exception cref="ObjectDisposedException">The allocation was freed.</exception>
    /// <exception cref="InvalidOperationException">With <see cref="ResourceHeapOptions.DebugAliasChecks"/>, another member of its alias set is leased.</exception>
    public HeapLease Lease() => ResolvedHeap.AcquireLease(this);

    /// <summary>Frees the memory; does nothing if already freed.</summary>
    /// <exception cref="InvalidOperationException">It is leased, or aliases placed on it are still live.</exception>
    public void Dispose() => Heap?.FreeCore(this, throwIfStale: false);

    /// <inheritdoc />
    public bool Equals(HeapAllocation other) => ReferenceEquals(Heap, other.Heap) && Slot == other.Slot && Generation == other.Generation;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is HeapAllocation other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Heap, Slot, Generation);

    /// <summary>Compares handles.</summary>
    public static bool operator ==(HeapAllocation left, HeapAllocation right) => left.Equals(right);

    /// <summary>Compares handles.</summary>
    public static bool operator !=(HeapAllocation left, HeapAllocation right) => !left.Equals(right);
}
