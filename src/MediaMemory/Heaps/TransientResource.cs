using System.Globalization;
using System.Numerics;

namespace MediaMemory.Heaps;

/// <summary>
/// A transient resource for <see cref="AliasPlanner"/>: a named region of <see cref="SizeBytes"/> bytes,
/// aligned to <see cref="AlignmentBytes"/>, alive from step <see cref="FirstUse"/> to step
/// <see cref="LastUse"/> inclusive (an intermediate texture or buffer of one frame's effect graph).
/// Immutable, so thread-safe.
/// </summary>
/// <remarks>
/// Two resources are alive at the same time when their step intervals <c>[FirstUse, LastUse]</c>
/// intersect; a resource whose last use is step 3 and one whose first use is step 3 therefore conflict
/// (step 3 reads the first while it writes the second).
/// </remarks>
public sealed record TransientResource
{
    /// <summary>Creates a resource, checking every value.</summary>
    /// <param name="name">Name, for reports; not checked for uniqueness here.</param>
    /// <param name="sizeBytes">Size in bytes, more than 0.</param>
    /// <param name="alignmentBytes">Alignment of the offset in bytes: a positive power of two.</param>
    /// <param name="firstUse">First step (inclusive) at which the resource is alive; 0 or more.</param>
    /// <param name="lastUse">Last step (inclusive) at which the resource is alive; at least <paramref name="firstUse"/>.</param>
    /// <exception cref="ArgumentException">The name is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size, alignment or step is out of range; the message names the value.</exception>
    public TransientResource(string name, long sizeBytes, long alignmentBytes, int firstUse, int lastUse)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (sizeBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), sizeBytes, $"resource '{name}': size must be more than 0 bytes");
        }

        if (alignmentBytes <= 0 || !BitOperations.IsPow2(alignmentBytes))
        {
            throw new ArgumentOutOfRangeException(nameof(alignmentBytes), alignmentBytes, $"resource '{name}': alignment must be a positive power of two");
        }

        if (firstUse < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(firstUse), firstUse, $"resource '{name}': first use must be step 0 or later");
        }

        if (lastUse < firstUse)
        {
            throw new ArgumentOutOfRangeException(nameof(lastUse), lastUse, $"resource '{name}': last use must not be before first use ({firstUse.ToString(CultureInfo.InvariantCulture)})");
        }

        Name = name;
        SizeBytes = sizeBytes;
        AlignmentBytes = alignmentBytes;
        FirstUse = firstUse;
        LastUse = lastUse;
    }

    /// <summary>Name, for reports.</summary>
    public string Name { get; }

    /// <summary>Size in bytes (more than 0).</summary>
    public long SizeBytes { get; }

    /// <summary>Alignment of the resource's offset in bytes (a positive power of two).</summary>
    public long AlignmentBytes { get; }

    /// <summary>First step at which the resource is alive (inclusive).</summary>
    public int FirstUse { get; }

    /// <summary>Last step at which the resource is alive (inclusive).</summary>
    public int LastUse { get; }

    /// <summary>True when both resources are alive at some common step.</summary>
    public bool IsAliveWith(TransientResource other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return FirstUse <= other.LastUse && other.FirstUse <= LastUse;
    }
}
