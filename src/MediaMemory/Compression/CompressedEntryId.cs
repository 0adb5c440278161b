namespace MediaMemory.Compression;

/// <summary>
/// Names an entry of a <see cref="CompressedStore"/>. Ids are never reused, so a stale id is told
/// apart from an unknown one. <c>default</c> names no entry.
/// </summary>
/// <param name="Value">The store's sequence number of the entry, from 1.</param>
public readonly record struct CompressedEntryId(long Value)
{
    /// <inheritdoc />
    public override string ToString() => "#" + Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
