namespace MediaMemory.Heaps;

/// <summary>Limits of one <see cref="ResourceHeap.Defragment"/> pass.</summary>
public sealed class DefragmentationOptions
{
    /// <summary>Most bytes copied in the pass; 0 means no limit. Default 0.</summary>
    public long MaxBytesToMove { get; init; }

    /// <summary>Most allocations moved in the pass; 0 means no limit. Default 0.</summary>
    public int MaxMoves { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxBytesToMove, nameof(MaxBytesToMove));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxMoves, nameof(MaxMoves));
    }
}
