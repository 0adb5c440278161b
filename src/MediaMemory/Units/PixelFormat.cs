namespace MediaMemory.Units;

/// <summary>
/// Pixel formats of textures and video frames. <see cref="PixelFormatInfo.Get"/> gives each one's
/// layout: bytes per pixel (or per block, for block-compressed formats) and planes.
/// </summary>
/// <remarks>Names follow Metal's <c>MTLPixelFormat</c> where Metal has the format.</remarks>
public enum PixelFormat
{
    /// <summary>One 8-bit normalized channel; 1 byte per pixel.</summary>
    R8Unorm,

    /// <summary>16-bit 5-5-5-1 packed BGRA; 2 bytes per pixel.</summary>
    BGR5A1Unorm,

    /// <summary>Two 16-bit float channels; 4 bytes per pixel.</summary>
    RG16Float,

    /// <summary>One 32-bit float channel; 4 bytes per pixel.</summary>
    R32Float,

    /// <summary>8-bit BGRA; 4 bytes per pixel.</summary>
    BGRA8Unorm,

    /// <summary>8-bit RGBA; 4 bytes per pixel.</summary>
    RGBA8Unorm,

    /// <summary>Extended-range 10-bit BGR packed in 32 bits (Metal's <c>bgr10_xr</c>); 4 bytes per pixel.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707", Justification = "Metal's name for the format, which users search for.")]
    BGR10_XR,

    /// <summary>Four 16-bit float channels; 8 bytes per pixel.</summary>
    RGBA16Float,

    /// <summary>Four 32-bit float channels; 16 bytes per pixel.</summary>
    RGBA32Float,

    /// <summary>Planar 8-bit 4:2:0 video: a full-size Y plane (1 byte) and a half-size interleaved
    /// CbCr plane (2 bytes per chroma sample); 12 bits per pixel.</summary>
    NV12,

    /// <summary>Planar 10-bit 4:2:0 video in 16-bit containers: Y plane 2 bytes, CbCr plane 4 bytes
    /// per chroma sample; 24 bits per pixel.</summary>
    P010,

    /// <summary>BC1 (DXT1): 4×4 blocks of 8 bytes.</summary>
    BC1,

    /// <summary>BC3 (DXT5): 4×4 blocks of 16 bytes.</summary>
    BC3,

    /// <summary>BC4: one channel, 4×4 blocks of 8 bytes.</summary>
    BC4,

    /// <summary>BC5: two channels, 4×4 blocks of 16 bytes.</summary>
    BC5,

    /// <summary>BC6H: HDR, 4×4 blocks of 16 bytes.</summary>
    BC6H,

    /// <summary>BC7: 4×4 blocks of 16 bytes.</summary>
    BC7,

    /// <summary>ASTC 4×4: 16-byte blocks (8 bits per pixel).</summary>
    Astc4x4,

    /// <summary>ASTC 5×4.</summary>
    Astc5x4,

    /// <summary>ASTC 5×5.</summary>
    Astc5x5,

    /// <summary>ASTC 6×5.</summary>
    Astc6x5,

    /// <summary>ASTC 6×6.</summary>
    Astc6x6,

    /// <summary>ASTC 8×5.</summary>
    Astc8x5,

    /// <summary>ASTC 8×6.</summary>
    Astc8x6,

    /// <summary>ASTC 8×8 (2 bits per pixel).</summary>
    Astc8x8,

    /// <summary>ASTC 10×5.</summary>
    Astc10x5,

    /// <summary>ASTC 10×6.</summary>
    Astc10x6,

    /// <summary>ASTC 10×8.</summary>
    Astc10x8,

    /// <summary>ASTC 10×10.</summary>
    Astc10x10,

    /// <summary>ASTC 12×10.</summary>
    Astc12x10,

    /// <summary>ASTC 12×12 (0.89 bits per pixel).</summary>
    Astc12x12,
}
