namespace MediaMemory.Compression;

/// <summary>A snapshot of one entry of a <see cref="CompressedStore"/>.</summary>
/// <param name="Id">The entry.</param>
/// <param name="State">Resident or compressed.</param>
/// <param name="OriginalBytes">Uncompressed size in bytes.</param>
/// <param name="CompressedBytes">Size of the compressed form in bytes; 0 while resident.</param>
/// <param name="Codec">The codec of the compressed form; null while resident.</param>
/// <param name="ActiveLeases">Leases open now (an entry with leases is never compressed).</param>
/// <param name="IdleTime">Time since the last lease was released (zero while leased).</param>
public sealed record CompressedEntryInfo(
    CompressedEntryId Id,
    CompressedEntryState State,
    long OriginalBytes,
    long CompressedBytes,
    CompressionCodec? Codec,
    int ActiveLeases,
    TimeSpan IdleTime);
