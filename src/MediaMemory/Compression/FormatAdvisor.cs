using MediaMemory.Units;

namespace MediaMemory.Compression;

/// <summary>
/// Picks the pixel format for a texture's usage and quality, and converts real pixels to and from it,
/// from and to RGBA8 (<see cref="PixelFormat.RGBA8Unorm"/>) and RGBA16Float
/// (<see cref="PixelFormat.RGBA16Float"/>): what a quality drop under pressure does to an image.
/// </summary>
/// <remarks>
/// <para>Layouts (bits from the least significant, little-endian):</para>
/// <list type="bullet">
/// <item><see cref="PixelFormat.BGRA8Unorm"/>: bytes B, G, R, A. From RGBA8 and back: exact.
/// From RGBA16Float: clamped to 0…1, rounded to 1/255: error ≤ 0.5/255 in range.</item>
/// <item><see cref="PixelFormat.BGR10_XR"/>: B bits 0–9, G 10–19, R 20–29, bits 30–31 zero; each
/// channel <c>(code − 384) / 510</c>, so −0.752…1.251 (Metal's extended range). Alpha is not stored
/// (reads 1). From RGBA8 and back: colour exact (k/255 is code 2k + 384). From RGBA16Float: clamped to
/// the range, error ≤ 1/1020 in range.</item>
/// <item><see cref="PixelFormat.BGR5A1Unorm"/>: B bits 0–4, G 5–9, R 10–14, A bit 15 (as DXGI's
/// B5G5R5A1). Colour error ≤ 0.5/31 ≈ 0.0161 (4.1/255); alpha is 1 when ≥ 0.5, so its error is up to 0.5.</item>
/// <item><see cref="PixelFormat.RG16Float"/> (normals): R and G as IEEE half floats; B reads 0 and A 1.
/// From RGBA8 and back: R, G exact (half keeps 11 significant bits). From RGBA16Float: R, G exact.</item>
/// <item><see cref="PixelFormat.R32Float"/> (data): R as a float; G, B read 0 and A 1. Exact both ways.</item>
/// </list>
/// <para>The measured maximum and mean errors on the Kodak suite are in docs/compression.md. Stateless
/// and thread-safe.</para>
/// </remarks>
public static class FormatAdvisor
{
    // Extended-range 10-bit encoding (Metal bgr10_xr): value = (code − Bias) / Scale.
    private const float XrBias = 384f;
    private const float XrScale = 510f;

    /// <summary>
    /// The format for <paramref name="usage"/> at <paramref name="quality"/>: colour/high → BGRA8Unorm,
    /// colour/medium → BGR10_XR, colour/low → BGR5A1Unorm, normal → RG16Float, data → R32Float
    /// (normals and data ignore quality: lowering their precision breaks lighting and measurements).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An unknown usage or quality.</exception>
    public static PixelFormat OptimalFormat(FormatUsage usage, FormatQuality quality)
    {
        if (quality is < FormatQuality.Low or > FormatQuality.High)
        {
            throw new ArgumentOutOfRangeException(nameof(quality), quality, "unknown quality");
        }

        return usage switch
        {
            FormatUsage.Color => quality switch
            {
                FormatQuality.High => PixelFormat.BGRA8Unorm,
                FormatQuality.Medium => PixelFormat.BGR10_XR,
                _ => PixelFormat.BGR5A1Unorm,
            },
            FormatUsage.Normal => PixelFormat.RG16Float,
            FormatUsage.Data => PixelFormat.R32Float,
            _ => throw new ArgumentOutOfRangeException(nameof(usage), usage, "unknown usage"),
        };
    }

    /// <summary>True for the formats this class converts: those <see cref="OptimalFormat"/> returns.</summary>
    public static bool CanConvert(PixelFormat format) =>
        format is PixelFormat.BGRA8Unorm or PixelFormat.BGR10_XR or PixelFormat.BGR5A1Unorm or PixelFormat.RG16Float or PixelFormat.R32Float;

    /// <summary>Converts RGBA8 pixels (4 bytes each) to <paramref name="format"/>.</summary>
    /// <param name="format">A format <see cref="CanConvert"/> accepts.</param>
    /// <param name="rgba8">Source pixels, a multiple of 4 bytes.</param>
    /// <param name="destination">Exactly pixels × the format's bytes per pixel.</param>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A format this class does not convert.</exception>
    public static void FromRgba8(PixelFormat format, ReadOnlySpan<byte> rgba8, Span<byte> destination)
    {
        var pixels = CheckLengths(format, rgba8.Length, 4, destination.Length, nameof(rgba8));
        Span<float> rgba = stackalloc float[4];
        for (var i = 0; i < pixels; i++)
        {
            var source = rgba8.Slice(i * 4, 4);
            if (format == PixelFormat.BGRA8Unorm)
            {
                var to = destination.Slice(i * 4, 4);
                (to[0], to[1], to[2], to[3]) = (source[2], source[1], source[0], source[3]);
                continue;
            }

            for (var c = 0; c < 4; c++)
            {
                rgba[c] = source[c] / 255f;
            }

            Encode(format, rgba, destination, i);
        }
    }

    /// <summary>Converts pixels of <paramref name="format"/> to RGBA8 (4 bytes each).</summary>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A format this class does not convert.</exception>
    public static void ToRgba8(PixelFormat format, ReadOnlySpan<byte> source, Span<byte> rgba8)
    {
        var pixels = CheckLengths(format, rgba8.Length, 4, source.Length, nameof(rgba8));
        Span<float> rgba = stackalloc float[4];
        for (var i = 0; i < pixels; i++)
        {
            var to = rgba8.Slice(i * 4, 4);
            if (format == PixelFormat.BGRA8Unorm)
            {
                var from = source.Slice(i * 4, 4);
                (to[0], to[1], to[2], to[3]) = (from[2], from[1], from[0], from[3]);
                continue;
            }

            Decode(format, source, i, rgba);
            for (var c = 0; c < 4; c++)
            {
                to[c] = (byte)Math.Round(Math.Clamp(rgba[c], 0f, 1f) * 255f, MidpointRounding.AwayFromZero);
            }
        }
    }

    /// <summary>Converts RGBA16Float pixels (4 halves each) to <paramref name="format"/>; values outside
    /// the format's range are clamped, NaN reads as 0.</summary>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A format this class does not convert.</exception>
    public static void FromRgba16Float(PixelFormat format, ReadOnlySpan<Half> rgba16, Span<byte> destination)
    {
        var pixels = CheckLengths(format, rgba16.Length, 4, destination.Length, nameof(rgba16));
        Span<float> rgba = stackalloc float[4];
        for (var i = 0; i < pixels; i++)
        {
            for (var c = 0; c < 4; c++)
            {
                var value = (float)rgba16[(i * 4) + c];
                rgba[c] = float.IsNaN(value) ? 0f : value;
            }

            Encode(format, rgba, destination, i);
        }
    }

    /// <summary>Converts pixels of <paramref name="format"/> to RGBA16Float (4 halves each).</summary>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A format this class does not convert.</exception>
    public static void ToRgba16Float(PixelFormat format, ReadOnlySpan<byte> source, Span<Half> rgba16)
    {
        var pixels = CheckLengths(format, rgba16.Length, 4, source.Length, nameof(rgba16));
        Span<float> rgba = stackalloc float[4];
        for (var i = 0; i < pixels; i++)
        {
            Decode(format, source, i, rgba);
            for (var c = 0; c < 4; c++)
            {
                rgba16[(i * 4) + c] = (Half)rgba[c];
            }
        }
    }

    private static int CheckLengths(PixelFormat format, int rgbaLength, int rgbaPerPixel, int formatLength, string rgbaName)
    {
        if (!CanConvert(format))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "FormatAdvisor converts BGRA8Unorm, BGR10_XR, BGR5A1Unorm, RG16Float and R32Float");
        }

        var bytesPerPixel = PixelFormatInfo.Get(format).BytesPerBlock;
        if (rgbaLength % rgbaPerPixel != 0 || formatLength != (long)(rgbaLength / rgbaPerPixel) * bytesPerPixel)
        {
            throw new ArgumentException($"{rgbaLength / rgbaPerPixel} RGBA pixels need {(long)(rgbaLength / rgbaPerPixel) * bytesPerPixel} bytes of {format}; got {formatLength}", rgbaName);
        }

        return rgbaLength / rgbaPerPixel;
    }

    private static void Encode(PixelFormat format, ReadOnlySpan<float> rgba, Span<byte> destination, int pixel)
    {
        switch (format)
        {
            case PixelFormat.BGRA8Unorm:
                var to = destination.Slice(pixel * 4, 4);
                (to[0], to[1], to[2], to[3]) = ((byte)Unorm(rgba[2], 255), (byte)Unorm(rgba[1], 255), (byte)Unorm(rgba[0], 255), (byte)Unorm(rgba[3], 255));
                break;
            case PixelFormat.BGR10_XR:
                var xr = Xr(rgba[2]) | (Xr(rgba[1]) << 10) | (Xr(rgba[0]) << 20);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(destination[(pixel * 4)..], xr);
                break;
            case PixelFormat.BGR5A1Unorm:
                var packed = (ushort)(Unorm(rgba[2], 31) | (Unorm(rgba[1], 31) << 5) | (Unorm(rgba[0], 31) << 10) | (rgba[3] >= 0.5f ? 1u << 15 : 0u));
                System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(destination[(pixel * 2)..], packed);
                break;
            case PixelFormat.RG16Float:
                System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(destination[(pixel * 4)..], (Half)rgba[0]);
                System.Buffers.Binary.BinaryPrimitives.WriteHalfLittleEndian(destination[((pixel * 4) + 2)..], (Half)rgba[1]);
                break;
            default: // R32Float
                System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(destination[(pixel * 4)..], rgba[0]);
                break;
        }
    }

    private static void Decode(PixelFormat format, ReadOnlySpan<byte> source, int pixel, Span<float> rgba)
    {
        switch (format)
        {
            case PixelFormat.BGRA8Unorm:
                var from = source.Slice(pixel * 4, 4);
                (rgba[0], rgba[1], rgba[2], rgba[3]) = (from[2] / 255f, from[1] / 255f, from[0] / 255f, from[3] / 255f);
                break;
            case PixelFormat.BGR10_XR:
                var xr = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(source[(pixel * 4)..]);
                (rgba[0], rgba[1], rgba[2], rgba[3]) = (FromXr(xr >> 20), FromXr(xr >> 10), FromXr(xr), 1f);
                break;
            case PixelFormat.BGR5A1Unorm:
                var packed = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(source[(pixel * 2)..]);
                (rgba[0], rgba[1], rgba[2], rgba[3]) = (((packed >> 10) & 31) / 31f, ((packed >> 5) & 31) / 31f, (packed & 31) / 31f, packed >> 15);
                break;
            case PixelFormat.RG16Float:
                rgba[0] = (float)System.Buffers.Binary.BinaryPrimitives.ReadHalfLittleEndian(source[(pixel * 4)..]);
                rgba[1] = (float)System.Buffers.Binary.BinaryPrimitives.ReadHalfLittleEndian(source[((pixel * 4) + 2)..]);
                (rgba[2], rgba[3]) = (0f, 1f);
                break;
            default: // R32Float
                rgba[0] = System.Buffers.Binary.BinaryPrimitives.ReadSingleLittleEndian(source[(pixel * 4)..]);
                (rgba[1], rgba[2], rgba[3]) = (0f, 0f, 1f);
                break;
        }
    }

    private static uint Unorm(float value, int max) =>
        (uint)Math.Round(Math.Clamp(value, 0f, 1f) * max, MidpointRounding.AwayFromZero);

    private static uint Xr(float value) =>
        (uint)Math.Round(Math.Clamp((value * XrScale) + XrBias, 0f, 1023f), MidpointRounding.AwayFromZero);

    private static float FromXr(uint code) => ((code & 1023) - XrBias) / XrScale;
}
