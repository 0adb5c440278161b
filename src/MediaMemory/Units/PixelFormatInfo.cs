using System.Collections.Frozen;

namespace MediaMemory.Units;

/// <summary>
/// The memory layout of a <see cref="PixelFormat"/>: an element is one pixel, or one block of a
/// block-compressed format; planar video formats have a luma plane and a subsampled chroma plane.
/// </summary>
/// <param name="Format">The format described.</param>
/// <param name="BytesPerBlock">Bytes of one element of the first (or only) plane: a pixel, or a compressed block.</param>
/// <param name="BlockWidth">Pixels across one element (1 for uncompressed formats).</param>
/// <param name="BlockHeight">Pixels down one element (1 for uncompressed formats).</param>
/// <param name="ChromaBytesPerSample">For planar 4:2:0 formats, bytes of one interleaved CbCr sample
/// (covering 2×2 pixels); 0 for single-plane formats.</param>
public sealed record PixelFormatInfo(PixelFormat Format, int BytesPerBlock, int BlockWidth, int BlockHeight, int ChromaBytesPerSample = 0)
{
    private static readonly FrozenDictionary<PixelFormat, PixelFormatInfo> Table = new PixelFormatInfo[]
    {
        new(PixelFormat.R8Unorm, 1, 1, 1),
        new(PixelFormat.BGR5A1Unorm, 2, 1, 1),
        new(PixelFormat.RG16Float, 4, 1, 1),
        new(PixelFormat.R32Float, 4, 1, 1),
        new(PixelFormat.BGRA8Unorm, 4, 1, 1),
        new(PixelFormat.RGBA8Unorm, 4, 1, 1),
        new(PixelFormat.BGR10_XR, 4, 1, 1),
        new(PixelFormat.RGBA16Float, 8, 1, 1),
        new(PixelFormat.RGBA32Float, 16, 1, 1),
        // 4:2:0: one CbCr pair per 2×2 luma pixels.
        new(PixelFormat.NV12, 1, 1, 1, ChromaBytesPerSample: 2),
        new(PixelFormat.P010, 2, 1, 1, ChromaBytesPerSample: 4),
        // BCn: 4×4 texel blocks of 64 or 128 bits (D3D11 block-compression specification).
        new(PixelFormat.BC1, 8, 4, 4),
        new(PixelFormat.BC3, 16, 4, 4),
        new(PixelFormat.BC4, 8, 4, 4),
        new(PixelFormat.BC5, 16, 4, 4),
        new(PixelFormat.BC6H, 16, 4, 4),
        new(PixelFormat.BC7, 16, 4, 4),
        // ASTC: every block is 128 bits whatever its footprint (Khronos data format specification).
        new(PixelFormat.Astc4x4, 16, 4, 4),
        new(PixelFormat.Astc5x4, 16, 5, 4),
        new(PixelFormat.Astc5x5, 16, 5, 5),
        new(PixelFormat.Astc6x5, 16, 6, 5),
        new(PixelFormat.Astc6x6, 16, 6, 6),
        new(PixelFormat.Astc8x5, 16, 8, 5),
        new(PixelFormat.Astc8x6, 16, 8, 6),
        new(PixelFormat.Astc8x8, 16, 8, 8),
        new(PixelFormat.Astc10x5, 16, 10, 5),
        new(PixelFormat.Astc10x6, 16, 10, 6),
        new(PixelFormat.Astc10x8, 16, 10, 8),
        new(PixelFormat.Astc10x10, 16, 10, 10),
        new(PixelFormat.Astc12x10, 16, 12, 10),
        new(PixelFormat.Astc12x12, 16, 12, 12),
    }.ToFrozenDictionary(info => info.Format);

    /// <summary>Every format in the table.</summary>
    public static IReadOnlyCollection<PixelFormatInfo> All => Table.Values;

    /// <summary>The layout of <paramref name="format"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a known format.</exception>
    public static PixelFormatInfo Get(PixelFormat format) =>
        Table.TryGetValue(format, out var info)
            ? info
            : throw new ArgumentOutOfRangeException(nameof(format), format, "unknown pixel format");

    /// <summary>True for block-compressed formats (BCn, ASTC).</summary>
    public bool IsBlockCompressed => BlockWidth > 1 || BlockHeight > 1;

    /// <summary>True for planar video formats (NV12, P010).</summary>
    public bool IsPlanar => ChromaBytesPerSample > 0;

    /// <summary>1 for single-plane formats, 2 for planar 4:2:0 (Y, CbCr).</summary>
    public int PlaneCount => IsPlanar ? 2 : 1;

    /// <summary>Average bits per pixel over all planes (12 for NV12, 8 for ASTC 4×4, 32 for BGRA8).</summary>
    public double BitsPerPixel =>
        (BytesPerBlock * 8.0 / (BlockWidth * BlockHeight)) + (ChromaBytesPerSample * 8.0 / 4);

    /// <summary>
    /// Bytes of one tightly packed (unaligned) surface of <paramref name="width"/>×<paramref name="height"/>
    /// pixels, all planes included. Checked 64-bit math.
    /// </summary>
    public long GetSurfaceBytes(long width, long height) =>
        checked(GetPlaneRowBytes(0, width) * GetPlaneRows(0, height)) +
        (IsPlanar ? checked(GetPlaneRowBytes(1, width) * GetPlaneRows(1, height)) : 0);

    /// <summary>Tightly packed bytes of one row (of blocks, for compressed formats) of plane
    /// <paramref name="plane"/> for an image <paramref name="width"/> pixels wide.</summary>
    public long GetPlaneRowBytes(int plane, long width)
    {
        CheckPlane(plane);
        return plane == 0
            ? checked(ByteMath.DivideRoundingUp(width, BlockWidth) * BytesPerBlock)
            : checked(ByteMath.DivideRoundingUp(width, 2) * ChromaBytesPerSample);
    }

    /// <summary>Rows (of blocks, for compressed formats) of plane <paramref name="plane"/> for an
    /// image <paramref name="height"/> pixels high.</summary>
    public long GetPlaneRows(int plane, long height)
    {
        CheckPlane(plane);
        return plane == 0 ? ByteMath.DivideRoundingUp(height, BlockHeight) : ByteMath.DivideRoundingUp(height, 2);
    }

    private void CheckPlane(int plane)
    {
        if (plane < 0 || plane >= PlaneCount)
        {
            throw new ArgumentOutOfRangeException(nameof(plane), plane, $"{Format} has {PlaneCount} plane(s)");
        }
    }
}
