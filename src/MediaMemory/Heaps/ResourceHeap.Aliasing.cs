using MediaMemory.Internals;
using MediaMemory.Units;

namespace MediaMemory.Heaps;

/// <summary>Explicit aliasing: resources placed on the memory of an aliasable allocation.</summary>
public sealed partial class ResourceHeap
{
    /// <summary>
    /// Places <paramref name="descriptor"/> on the memory of <paramref name="over"/>, at
    /// <paramref name="offsetBytes"/> from its start. The caller promises that the two are never in use
    /// at the same time; <see cref="ResourceHeapOptions.DebugAliasChecks"/> catches leases that break the promise.
    /// </summary>
    /// <exception cref="ObjectDisposedException"><paramref name="over"/> was freed.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="over"/> is not aliasable, is itself an alias, or belongs to another heap.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The texture does not fit in <paramref name="over"/> at that offset, or the offset breaks its alignment.</exception>
    public HeapAllocation AllocateAliased(TextureDescriptor descriptor, HeapAllocation over, long offsetBytes = 0, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return AllocateAliasedCore(SizeOf(descriptor), descriptor.RequiredAlignmentBytes, descriptor, over, offsetBytes, name);
    }

    /// <summary>Places a buffer of <paramref name="sizeBytes"/> on the memory of <paramref name="over"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive or does not fit at that offset.</exception>
    public HeapAllocation AllocateAliased(long sizeBytes, HeapAllocation over, long offsetBytes = 0, string? name = null) =>
        AllocateAliasedCore(sizeBytes, 1, descriptor: null, over, offsetBytes, name);

    private HeapAllocation AllocateAliasedCore(long sizeBytes, long alignmentBytes, TextureDescriptor? descriptor, HeapAllocation over, long offsetBytes, string? name)
    {
        if (sizeBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), sizeBytes, "allocation size must be positive");
        }

        if (!ReferenceEquals(over.Heap, this))
        {
            throw new InvalidOperationException($"the allocation to alias does not belong to heap '{Name}' (or is default)");
        }

        using (new SpinLockScope(ref _spin))
        {
            ref var baseSlot = ref Resolve(over.Slot, over.Generation);
            if (!baseSlot.Aliasable || baseSlot.AliasOf >= 0)
            {
                throw new InvalidOperationException($"allocation '{baseSlot.Name}' is not aliasable; allocate it with aliasable: true");
            }

            if (offsetBytes < 0 || offsetBytes > baseSlot.SizeBytes - sizeBytes)
            {
                throw new ArgumentOutOfRangeException(nameof(offsetBytes), offsetBytes,
                    $"{sizeBytes} bytes at offset {offsetBytes} do not fit in '{baseSlot.Name}' ({baseSlot.SizeBytes} bytes)");
            }

            if ((baseSlot.OffsetBytes + offsetBytes) % alignmentBytes != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(offsetBytes), offsetBytes, $"the resource needs {alignmentBytes}-byte alignment");
            }

            var baseIndex = over.Slot;
            var block = baseSlot.Block;
            var offset = baseSlot.OffsetBytes + offsetBytes;
            // NewSlot may grow (move) the slot table, so baseSlot is not used after it; and the base's
            // alias count rises only once the alias's slot exists.
            var index = NewSlot();
            _slots[baseIndex].AliasCount++;
            ref var slot = ref _slots[index];
            slot.InUse = true;
            slot.Block = block;
            slot.Tlsf = default;
            slot.OffsetBytes = offset;
            slot.SizeBytes = sizeBytes;
            slot.AlignmentBytes = alignmentBytes;
            slot.Descriptor = descriptor;
            slot.Name = name;
            slot.Aliasable = false;
            slot.AliasOf = baseIndex;
            slot.AliasCount = 0;
            slot.Leases = 0;
            _liveAllocations++;
            return new HeapAllocation(this, index, slot.Generation);
        }
    }

    /// <summary>With debug checks on: refuses a lease when another member of the alias set, whose memory
    /// overlaps, is leased. Scans the slot table (debug only).</summary>
    private void CheckNoOtherAliasLeased(int slotIndex)
    {
        ref var slot = ref _slots[slotIndex];
        var root = slot.AliasOf >= 0 ? slot.AliasOf : slotIndex;
        if (_slots[root].AliasCount == 0)
        {
            return;
        }

        for (var i = 0; i < _slotsInitialized; i++)
        {
            ref var other = ref _slots[i];
            var otherRoot = other.AliasOf >= 0 ? other.AliasOf : i;
            if (i != slotIndex && other.InUse && otherRoot == root && other.Leases > 0 &&
                other.OffsetBytes < slot.OffsetBytes + slot.SizeBytes && slot.OffsetBytes < other.OffsetBytes + other.SizeBytes)
            {
                throw new InvalidOperationException(
                    $"'{slot.Name}' and '{other.Name}' share memory and would be in use at once (alias debug check)");
            }
        }
    }
}
