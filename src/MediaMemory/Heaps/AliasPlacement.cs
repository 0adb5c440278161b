namespace MediaMemory.Heaps;

/// <summary>Where an <see cref="AliasPlan"/> puts one resource: its byte offset inside the arena.</summary>
/// <param name="Resource">The resource placed.</param>
/// <param name="OffsetBytes">Offset in bytes from the start of the arena; a multiple of the resource's alignment.</param>
public readonly record struct AliasPlacement(TransientResource Resource, long OffsetBytes)
{
    /// <summary>One past the resource's last byte: <see cref="OffsetBytes"/> + size, in bytes.</summary>
    public long EndBytes => OffsetBytes + Resource.SizeBytes;
}
