namespace MediaMemory.Compression;

/// <summary>What one <see cref="CompressedStore.CompressInactive"/> pass did.</summary>
/// <param name="Compressed">Entries compressed.</param>
/// <param name="Skipped">Inactive entries left resident: the compressed form was not smaller enough
/// (see <see cref="CompressedStoreOptions.MinimumSavingFraction"/>) or its reservation was refused.</param>
/// <param name="OriginalBytes">Uncompressed bytes of the compressed entries (released from the budget).</param>
/// <param name="CompressedBytes">Bytes their compressed forms hold (reserved in the budget).</param>
public sealed record CompressionSweep(int Compressed, int Skipped, long OriginalBytes, long CompressedBytes)
{
    /// <summary>Bytes the pass gave back to the budget: original minus compressed.</summary>
    public long SavedBytes => OriginalBytes - CompressedBytes;
}
