namespace MediaMemory.Heaps;

/// <summary>
/// Carries out an <see cref="AliasPlan"/> inside a <see cref="ResourceHeap"/>: one aliasable allocation
/// of the plan's arena size, and every transient resource placed on it at its planned offset, so
/// resources that are never alive together share memory.
/// </summary>
/// <remarks>
/// The arena is aligned to the largest alignment among the resources, so each planned offset keeps its
/// resource's alignment as an address. The plan guarantees that resources alive at the same step never
/// overlap; using a resource outside its planned steps breaks that promise (the heap's
/// <see cref="ResourceHeapOptions.DebugAliasChecks"/> catches overlapping leases). Not thread-safe to
/// dispose concurrently with use; the heap underneath is thread-safe.
/// </remarks>
public sealed class TransientArena : IDisposable
{
    private readonly HeapAllocation[] _resources;
    private readonly Dictionary<string, int> _byName;
    private HeapAllocation _arena;

    /// <summary>Allocates the arena in <paramref name="heap"/> and places every resource of <paramref name="plan"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A resource needs an alignment above 64 KiB.</exception>
    /// <exception cref="Budgeting.MemoryBudgetExceededException">The heap cannot hold the arena.</exception>
    public TransientArena(ResourceHeap heap, AliasPlan plan, string name = "transient-arena")
    {
        ArgumentNullException.ThrowIfNull(heap);
        ArgumentNullException.ThrowIfNull(plan);
        long alignment = 1;
        foreach (var placement in plan.Placements)
        {
            alignment = Math.Max(alignment, placement.Resource.AlignmentBytes);
        }

        if (alignment > Tlsf.MaxAlignmentBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(plan), alignment, "a resource needs an alignment above 64 KiB, more than a heap serves");
        }

        Plan = plan;
        _arena = heap.AllocateBuffer(Math.Max(plan.ArenaBytes, 1), alignment, aliasable: true, name);
        _resources = new HeapAllocation[plan.Placements.Count];
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < _resources.Length; i++)
            {
                var placement = plan.Placements[i];
                _resources[i] = heap.AllocateAliasedAligned(placement.Resource.SizeBytes, placement.Resource.AlignmentBytes, _arena, placement.OffsetBytes, placement.Resource.Name);
                _byName.TryAdd(placement.Resource.Name, i);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The plan carried out.</summary>
    public AliasPlan Plan { get; }

    /// <summary>The single allocation all resources live on.</summary>
    public HeapAllocation Arena => _arena;

    /// <summary>Resources, in the plan's order.</summary>
    public int Count => _resources.Length;

    /// <summary>The resource at <paramref name="index"/> (the plan's order).</summary>
    public HeapAllocation this[int index] => _resources[index];

    /// <summary>The resource named <paramref name="name"/> (the first, if names repeat).</summary>
    /// <exception cref="KeyNotFoundException">No resource has that name.</exception>
    public HeapAllocation this[string name] =>
        _byName.TryGetValue(name, out var index) ? _resources[index] : throw new KeyNotFoundException($"no transient resource named '{name}'");

    /// <summary>Frees every resource, then the arena. Later calls do nothing.</summary>
    public void Dispose()
    {
        foreach (var resource in _resources ?? [])
        {
            resource.Dispose();
        }

        _arena.Dispose();
        _arena = default;
    }
}
