using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MediaMemory.Heaps.Internals;

namespace MediaMemory.Heaps;

/// <summary>The node array: one struct per range, spare slots recycled through a free list.</summary>
public sealed partial class Tlsf
{
    /// <summary>Every range, free or used, plus spare slots; grows by doubling, never shrinks.</summary>
    private TlsfNode[] _nodes;

    /// <summary>Slots [0, _nodeCount) have been handed out at least once; the rest are untouched.</summary>
    private int _nodeCount;

    /// <summary>Head of the spare-slot list (linked through <see cref="TlsfNode.NextFree"/>).</summary>
    private int _spareNodeHead;

    /// <summary>Length of the spare-slot list.</summary>
    private int _spareNodeCount;

    /// <summary>Sum of the live allocations' sizes, in bytes.</summary>
    private long _usedBytes;

    /// <summary>Number of live allocations.</summary>
    private int _allocationCount;

    /// <summary>
    /// The node at <paramref name="index"/>, without a bounds check: every index reaching here is a link the
    /// allocator wrote itself, or a handle <see cref="IsLive"/> has checked against <see cref="_nodeCount"/>.
    /// Measured: the checks were a visible share of a free+allocate pair. The ref dies at the next
    /// <see cref="GrowNodes"/>, which only <see cref="EnsureSpareNodes"/> calls before any ref is taken.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref TlsfNode Node(int index)
    {
        Debug.Assert((uint)index < (uint)_nodes.Length, "node links stay inside the array");
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_nodes), index);
    }

    /// <summary>
    /// The first node of the array, for the hot paths to index with <see cref="At"/>. Read once per call
    /// instead of once per node access: the JIT must reload a field after every store through a ref (the
    /// store might have changed it), and with the null check each reload cost three instructions, 20 to 30
    /// times per free+allocate pair (seen in the disassembly). Valid until the next <see cref="GrowNodes"/>,
    /// which only <see cref="EnsureSpareNodes"/> calls, before any base is taken.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref TlsfNode NodesBase() => ref MemoryMarshal.GetArrayDataReference(_nodes);

    /// <summary>The node at <paramref name="index"/> from a base <see cref="NodesBase"/> returned, without a
    /// bounds check, under the same guarantee as <see cref="Node"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref TlsfNode At(ref TlsfNode nodes, int index)
    {
        Debug.Assert((uint)index < (uint)_nodes.Length, "node links stay inside the array");
        Debug.Assert(Unsafe.AreSame(ref nodes, ref MemoryMarshal.GetArrayDataReference(_nodes)), "the base is the current array's");
        return ref Unsafe.Add(ref nodes, index);
    }

    /// <summary>Makes sure an allocation's two splits (padding, remainder) can take a node without growing
    /// the array while a ref into it is held.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureSpareNodes()
    {
        // An allocation splits at most twice: front padding and remainder.
        if (_spareNodeCount + (_nodes.Length - _nodeCount) < 2)
        {
            GrowNodes();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GrowNodes() => Array.Resize(ref _nodes, _nodes.Length * 2);

    /// <summary>A slot for a new range: a recycled one (keeping its generation) or a fresh one (generation 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int TakeNode(ref TlsfNode nodes)
    {
        var node = _spareNodeHead;
        if (node != NoNode)
        {
            ref var spare = ref At(ref nodes, node);
            Debug.Assert(spare.State == TlsfNodeState.Spare, "the spare list holds spare slots only");
            _spareNodeHead = spare.NextFree;
            _spareNodeCount--;
            return node;
        }

        Debug.Assert(_nodeCount < _nodes.Length, "EnsureSpareNodes or the constructor left room");
        node = _nodeCount++;
        At(ref nodes, node).Generation = 1;
        return node;
    }

    /// <summary>Puts a slot that no longer describes a range on the spare list when <paramref name="mask"/> is
    /// all ones; changes nothing when it is 0 (the writes go to the scratch node). Without a branch, for
    /// <see cref="FreeCore"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ReleaseNodeIf(ref TlsfNode nodes, int node, int mask)
    {
        // Only the state and the spare link are written: nothing reads a spare slot's other fields (IsLive
        // and the dumps look at the state first, TakeNode's callers overwrite them), and the pair is hot.
        ref var spare = ref At(ref nodes, Select(mask, node, ScratchNode));
        spare.State = TlsfNodeState.Spare;
        spare.NextFree = _spareNodeHead;
        _spareNodeHead = Select(mask, node, _spareNodeHead);
        _spareNodeCount -= mask;
    }
}
