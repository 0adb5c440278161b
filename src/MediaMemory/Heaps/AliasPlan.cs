namespace MediaMemory.Heaps;

/// <summary>
/// The result of <see cref="AliasPlanner"/>: an offset for every transient resource inside one arena,
/// such that resources alive at the same step never share a byte. Immutable, so thread-safe.
/// </summary>
/// <remarks>
/// The arena's base must be aligned to the largest alignment of its resources for the offsets'
/// alignment to carry over to addresses.
/// </remarks>
public sealed class AliasPlan
{
    internal AliasPlan(IReadOnlyList<AliasPlacement> placements, long arenaBytes, long lowerBoundBytes, long naiveBytes, string strategy)
    {
        Placements = placements;
        ArenaBytes = arenaBytes;
        LowerBoundBytes = lowerBoundBytes;
        NaiveBytes = naiveBytes;
        Strategy = strategy;
    }

    /// <summary>One placement per resource, in the order the resources were given.</summary>
    public IReadOnlyList<AliasPlacement> Placements { get; }

    /// <summary>Bytes the arena needs: the largest offset + size of any placement (0 for no resources).</summary>
    public long ArenaBytes { get; }

    /// <summary>
    /// The largest total of bytes alive at one step: no plan can use fewer bytes (alignment may force
    /// a plan to use more).
    /// </summary>
    public long LowerBoundBytes { get; }

    /// <summary>Bytes without aliasing: the sum of all sizes.</summary>
    public long NaiveBytes { get; }

    /// <summary><see cref="ArenaBytes"/> / <see cref="LowerBoundBytes"/>: 1.0 is optimal; 1.0 for no resources.</summary>
    public double Ratio => LowerBoundBytes == 0 ? 1.0 : (double)ArenaBytes / LowerBoundBytes;

    /// <summary>Which ordering and fit produced this plan (for reports), e.g. <c>size/best-fit</c>.</summary>
    public string Strategy { get; }
}
