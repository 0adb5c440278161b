namespace MediaMemory.Compression;

/// <summary>
/// A reversible, image-aware transform applied before the codec, so that an LZ-family codec finds
/// longer matches in pixel data. It works on elements of <c>bytesPerElement</c> bytes (4 for RGBA8);
/// with 1-byte elements every filter is the identity.
/// </summary>
public enum CompressionFilter
{
    /// <summary>The bytes as they are.</summary>
    None = 0,

    /// <summary>Byte-plane split: byte 0 of every element, then byte 1, … (for RGBA8: all R, all G,
    /// all B, all A). An opaque alpha plane becomes one long run.</summary>
    Planes = 1,

    /// <summary>Byte-plane split, then each plane replaced by its differences to the previous element's
    /// byte (mod 256): smooth gradients become runs of small values.</summary>
    PlanesDelta = 2,
}
