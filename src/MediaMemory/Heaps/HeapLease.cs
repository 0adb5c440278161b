namespace MediaMemory.Heaps;

/// <summary>
/// Access to an allocation's bytes while it is held; the allocation is not moved by defragmentation
/// (nor freed) until the lease is disposed. Obtain with <see cref="HeapAllocation.Lease"/> and dispose
/// with <c>using</c>.
/// </summary>
/// <remarks>
/// A <c>ref struct</c>: it lives on the stack, so it cannot outlive the scope that took it, and taking
/// one allocates nothing. Dispose it once (a <c>using</c> declaration does); a second dispose of the
/// same lease does nothing. Each lease has an id of its own: a copy disposed after its original is an
/// <see cref="InvalidOperationException"/> and ends no other lease.
/// </remarks>
public ref struct HeapLease : IDisposable
{
    private readonly ResourceHeap? _heap;
    private readonly int _slot;
    private readonly int _generation;
    private readonly long _id;
    private bool _released;

    internal HeapLease(ResourceHeap heap, int slot, int generation, long id, Span<byte> span)
    {
        _heap = heap;
        _slot = slot;
        _generation = generation;
        _id = id;
        Span = span;
    }

    /// <summary>The allocation's bytes (its whole size; allocations above 2 GiB cannot be leased whole).</summary>
    public Span<byte> Span { get; }

    /// <summary>Ends the lease.</summary>
    public void Dispose()
    {
        if (_released || _heap is null)
        {
            return;
        }

        _released = true;
        _heap.ReleaseLease(_slot, _generation, _id);
    }
}
