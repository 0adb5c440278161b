using System.Numerics;

namespace MediaMemory.Units;

/// <summary>A processing tile: width and height in pixels, and its bytes in a format.</summary>
/// <param name="Width">Tile width in pixels (a power of two, or a power of two of blocks).</param>
/// <param name="Height">Tile height in pixels.</param>
/// <param name="SizeBytes">Bytes of one tile, tightly packed.</param>
public readonly record struct TileSize(int Width, int Height, long SizeBytes);

/// <summary>
/// Chooses processing tiles: the power-of-two, as-square-as-possible rectangle whose bytes fit a
/// budget, 32 KiB by default (RGBA16Float → 64×64, BGRA8 → 128×64). Stateless and thread-safe.
/// </summary>
/// <remarks>
/// 32 KiB is a typical L1 data cache (32–48 KiB on current x86 and Apple cores), so one tile of
/// source plus its working state stays close to the core. When the tile is not square, width is the
/// larger side: rows are contiguous in memory. Block-compressed formats count in blocks: the tile is
/// a power-of-two rectangle of blocks (ASTC 12×12 → 64×32 blocks = 768×384 pixels), so tiles never
/// split a block. Planar formats count all planes (NV12: 12 bits per pixel).
/// </remarks>
public static class TileMemory
{
    /// <summary>Default tile budget: 32 KiB.</summary>
    public const int DefaultTileBytes = 32 * 1024;

    /// <summary>The tile for <paramref name="format"/> within <paramref name="maxTileBytes"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The budget is smaller than one pixel or block, or above 1 GiB.</exception>
    public static TileSize For(PixelFormat format, int maxTileBytes = DefaultTileBytes)
    {
        var info = PixelFormatInfo.Get(format);
        if (maxTileBytes is < 1 or > (1 << 30))
        {
            throw new ArgumentOutOfRangeException(nameof(maxTileBytes), maxTileBytes, "tile budget must be 1 byte…1 GiB");
        }

        // Elements per tile: pixels, or blocks for compressed formats. A planar 4:2:0 pixel costs its
        // luma bytes plus a quarter of a chroma sample, so count in 2×2 quads to stay in integers.
        long elements;
        if (info.IsPlanar)
        {
            var quadBytes = (4L * info.BytesPerBlock) + info.ChromaBytesPerSample;
            elements = maxTileBytes / quadBytes * 4;
        }
        else
        {
            elements = maxTileBytes / info.BytesPerBlock;
        }

        if (elements < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxTileBytes), maxTileBytes, $"{format} needs more than {maxTileBytes} bytes for one element");
        }

        var log2 = BitOperations.Log2((ulong)elements);
        var widthElements = 1 << ((log2 + 1) / 2);
        var heightElements = 1 << (log2 / 2);
        var width = widthElements * info.BlockWidth;
        var height = heightElements * info.BlockHeight;
        return new TileSize(width, height, info.GetSurfaceBytes(width, height));
    }
}
