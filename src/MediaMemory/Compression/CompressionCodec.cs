namespace MediaMemory.Compression;

/// <summary>The lossless codec that compresses an entry's bytes.</summary>
public enum CompressionCodec
{
    /// <summary>LZ4 block format (K4os.Compression.LZ4, fast level): several GB/s to decompress, modest ratio.
    /// The default for inactive entries, which may be needed again soon.</summary>
    Lz4 = 1,

    /// <summary>Zstandard (ZstdSharp.Port): a better ratio, slower both ways. Meant for the coldest entries.</summary>
    Zstd = 2,
}
