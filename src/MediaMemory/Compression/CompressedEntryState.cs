namespace MediaMemory.Compression;

/// <summary>Where an entry's bytes are now.</summary>
public enum CompressedEntryState
{
    /// <summary>Uncompressed in native memory, ready to use.</summary>
    Resident,

    /// <summary>Compressed; the first access decompresses it.</summary>
    Compressed,
}
