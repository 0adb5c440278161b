using MediaMemory.Budgeting;

namespace MediaMemory.Compression;

/// <summary>Settings of a <see cref="CompressedStore"/>; validated by its constructor.</summary>
public sealed class CompressedStoreOptions
{
    /// <summary>The budget category every reservation of the store is made under (uncompressed and
    /// compressed bytes alike). Default <see cref="AllocationCategory.WorkingTextures"/>.</summary>
    public AllocationCategory Category { get; init; } = AllocationCategory.WorkingTextures;

    /// <summary>The priority of the store's reservations. Default <see cref="Priority.Normal"/>.</summary>
    public Priority Priority { get; init; } = Priority.Normal;

    /// <summary>How long an entry must go without a lease before a pass compresses it with
    /// <see cref="CompressionCodec.Lz4"/>. Default 10 s (arbitrary: longer than a user's pause between
    /// edits of one image); must be ≥ 0.</summary>
    public TimeSpan InactiveAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an entry must go without a lease to be compressed with
    /// <see cref="CompressionCodec.Zstd"/> instead: the coldest entries trade decompression speed for ratio.
    /// Null (the default) never uses zstd; must be ≥ <see cref="InactiveAfter"/>. An entry's codec is chosen
    /// when it is compressed; a pass does not recompress LZ4 entries.</summary>
    public TimeSpan? ColdAfter { get; init; }

    /// <summary>The pre-filter for entries added with more than one byte per element. Default
    /// <see cref="CompressionFilter.Planes"/>: on the photographs it raised LZ4's ratio from 1.44 to 1.68 and
    /// kept decompression above 1 GB/s; <see cref="CompressionFilter.PlanesDelta"/> reaches 1.87 at about
    /// 0.7 GB/s (docs/compression.md).</summary>
    public CompressionFilter Filter { get; init; } = CompressionFilter.Planes;

    /// <summary>The zstd level, 1…19. Default 3 (zstd's own default).</summary>
    public int ZstdLevel { get; init; } = CompressedFormat.DefaultZstdLevel;

    /// <summary>An entry stays resident unless compressing saves at least this fraction of its bytes:
    /// decompressing costs time on the next access, so saving 2 % is not worth it. Default 0.05
    /// (arbitrary); 0 compresses whatever shrinks at all; must be 0…1.</summary>
    public double MinimumSavingFraction { get; init; } = 0.05;

    /// <summary>The clock that decides inactivity. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
