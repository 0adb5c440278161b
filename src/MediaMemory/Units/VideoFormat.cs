namespace MediaMemory.Units;

/// <summary>
/// The memory layout of one video frame: width, height and pixel format, giving plane sizes and
/// strides. Planes are stored back to back in one buffer (luma, then chroma), as decoders hand them
/// out (CVPixelBuffer, AVFrame with one buffer).
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Block-compressed formats are refused: video frames are pixels.
/// 4:2:0 formats need no even dimensions: the chroma plane covers ceil(width/2) × ceil(height/2).
/// </remarks>
public sealed record VideoFormat
{
    /// <summary>Default stride alignment: 64 bytes (a cache line; what FFmpeg and VideoToolbox use for SIMD rows).</summary>
    public const int DefaultStrideAlignmentBytes = 64;

    /// <summary>8K UHD: 7680×4320.</summary>
    public static VideoFormat Uhd8K(PixelFormat format) => new(7680, 4320, format);

    /// <summary>4K UHD: 3840×2160.</summary>
    public static VideoFormat Uhd4K(PixelFormat format) => new(3840, 2160, format);

    /// <summary>Full HD: 1920×1080.</summary>
    public static VideoFormat FullHd(PixelFormat format) => new(1920, 1080, format);

    /// <summary>Creates and validates a video format.</summary>
    /// <param name="width">Width in pixels, 1…65,536.</param>
    /// <param name="height">Height in pixels, 1…65,536.</param>
    /// <param name="format">An uncompressed or planar pixel format.</param>
    /// <param name="strideAlignmentBytes">Row alignment in bytes, a power of two.</param>
    public VideoFormat(int width, int height, PixelFormat format, int strideAlignmentBytes = DefaultStrideAlignmentBytes)
    {
        if (width is < 1 or > TextureDescriptor.MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"frame width must be 1…{TextureDescriptor.MaxDimension} pixels");
        }

        if (height is < 1 or > TextureDescriptor.MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, $"frame height must be 1…{TextureDescriptor.MaxDimension} pixels");
        }

        var info = PixelFormatInfo.Get(format);
        if (info.IsBlockCompressed)
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "video frames need an uncompressed or planar format");
        }

        if (!ByteMath.IsPowerOfTwo(strideAlignmentBytes))
        {
            throw new ArgumentOutOfRangeException(nameof(strideAlignmentBytes), strideAlignmentBytes, "stride alignment must be a positive power of two");
        }

        Width = width;
        Height = height;
        PixelFormat = format;
        StrideAlignmentBytes = strideAlignmentBytes;

        var luma = new VideoPlane(width, height, ByteMath.AlignUp(info.GetPlaneRowBytes(0, width), strideAlignmentBytes), 0);
        if (info.IsPlanar)
        {
            var chroma = new VideoPlane(
                (int)ByteMath.DivideRoundingUp(width, 2),
                (int)info.GetPlaneRows(1, height),
                ByteMath.AlignUp(info.GetPlaneRowBytes(1, width), strideAlignmentBytes),
                luma.SizeBytes);
            Planes = [luma, chroma];
        }
        else
        {
            Planes = [luma];
        }

        FrameSizeBytes = Planes.Sum(plane => plane.SizeBytes);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixel format.</summary>
    public PixelFormat PixelFormat { get; }

    /// <summary>Row alignment in bytes.</summary>
    public int StrideAlignmentBytes { get; }

    /// <summary>The planes, luma first.</summary>
    public IReadOnlyList<VideoPlane> Planes { get; }

    /// <summary>Bytes of one frame, all planes with their padding.</summary>
    public long FrameSizeBytes { get; }

    /// <summary>Equal when width, height, format and stride alignment are: the planes follow from them.</summary>
    /// <remarks>Written by hand because the compiler's record equality would compare the
    /// <see cref="Planes"/> list by reference, so no two separately built formats were ever equal.</remarks>
    public bool Equals(VideoFormat? other) =>
        other is not null && Width == other.Width && Height == other.Height &&
        PixelFormat == other.PixelFormat && StrideAlignmentBytes == other.StrideAlignmentBytes;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Width, Height, PixelFormat, StrideAlignmentBytes);

    /// <inheritdoc />
    public override string ToString() => $"{Width}×{Height} {PixelFormat}";
}
