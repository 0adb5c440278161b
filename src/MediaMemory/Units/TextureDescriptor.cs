namespace MediaMemory.Units;

/// <summary>
/// Describes a 2D texture (optionally mipmapped and arrayed) and computes its memory layout:
/// row pitch, bytes of every mip level, total bytes and placement alignment.
/// </summary>
/// <remarks>
/// Immutable and thread-safe. Every computation is checked 64-bit math; the constructor refuses
/// what cannot exist (dimensions outside 1…65,536, more mips than the size allows, totals above
/// 2^48 bytes) with an <see cref="ArgumentOutOfRangeException"/> naming the value.
/// </remarks>
public sealed class TextureDescriptor : IEquatable<TextureDescriptor>
{
    /// <summary>Largest width or height: 65,536 pixels (the largest 2D texture any current API allows is 16,384–32,768;
    /// 65,536 leaves room for tiled virtual images).</summary>
    public const int MaxDimension = 65_536;

    /// <summary>Largest array length (arbitrary, equal to <see cref="MaxDimension"/>).</summary>
    public const int MaxArrayLength = 65_536;

    /// <summary>Largest total size: 2^48 bytes (256 TiB), the x86-64/ARM64 virtual address space.</summary>
    public const long MaxTotalBytes = 1L << 48;

    /// <summary>Default row-pitch alignment: 256 bytes (D3D12_TEXTURE_DATA_PITCH_ALIGNMENT; Metal's linear textures need at most this).</summary>
    public const int DefaultRowAlignmentBytes = 256;

    /// <summary>Placement alignment of ordinary textures: 64 KiB (D3D12_DEFAULT_RESOURCE_PLACEMENT_ALIGNMENT).</summary>
    public const int DefaultPlacementAlignmentBytes = 64 * 1024;

    /// <summary>Placement alignment of small, non-render-target textures: 4 KiB (D3D12_SMALL_RESOURCE_PLACEMENT_ALIGNMENT, one page).</summary>
    public const int SmallPlacementAlignmentBytes = 4 * 1024;

    private readonly long[] _mipOffsets;

    /// <summary>Creates and validates a descriptor.</summary>
    /// <param name="width">Width in pixels, 1…65,536.</param>
    /// <param name="height">Height in pixels, 1…65,536.</param>
    /// <param name="format">Pixel format.</param>
    /// <param name="mipLevels">Mip levels, 1…floor(log2(max(width, height))) + 1.</param>
    /// <param name="arrayLength">Array slices, 1…65,536.</param>
    /// <param name="usage">Declared usage.</param>
    /// <param name="storage">Storage mode.</param>
    /// <param name="rowAlignmentBytes">Row-pitch alignment in bytes, a power of two (default 256).</param>
    public TextureDescriptor(
        int width,
        int height,
        PixelFormat format,
        int mipLevels = 1,
        int arrayLength = 1,
        TextureUsage usage = TextureUsage.ShaderRead,
        StorageMode storage = StorageMode.Private,
        int rowAlignmentBytes = DefaultRowAlignmentBytes)
    {
        if (width is < 1 or > MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"texture width must be 1…{MaxDimension} pixels");
        }

        if (height is < 1 or > MaxDimension)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height, $"texture height must be 1…{MaxDimension} pixels");
        }

        var maxMips = MaxMipLevels(width, height);
        if (mipLevels < 1 || mipLevels > maxMips)
        {
            throw new ArgumentOutOfRangeException(nameof(mipLevels), mipLevels, $"a {width}×{height} texture has 1…{maxMips} mip levels");
        }

        if (arrayLength is < 1 or > MaxArrayLength)
        {
            throw new ArgumentOutOfRangeException(nameof(arrayLength), arrayLength, $"array length must be 1…{MaxArrayLength}");
        }

        if (!ByteMath.IsPowerOfTwo(rowAlignmentBytes))
        {
            throw new ArgumentOutOfRangeException(nameof(rowAlignmentBytes), rowAlignmentBytes, "row alignment must be a positive power of two");
        }

        const TextureUsage allUsage = TextureUsage.ShaderRead | TextureUsage.ShaderWrite | TextureUsage.RenderTarget;
        if ((usage & ~allUsage) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(usage), usage, "unknown texture usage flags");
        }

        if (storage is < StorageMode.Private or > StorageMode.Memoryless)
        {
            throw new ArgumentOutOfRangeException(nameof(storage), storage, "unknown storage mode");
        }

        Width = width;
        Height = height;
        Format = format;
        FormatInfo = PixelFormatInfo.Get(format);
        MipLevels = mipLevels;
        ArrayLength = arrayLength;
        Usage = usage;
        Storage = storage;
        RowAlignmentBytes = rowAlignmentBytes;

        // Layout: slice-major, each slice holds mips 0…n-1 back to back (as D3D12 subresources).
        _mipOffsets = new long[mipLevels + 1];
        long offset = 0;
        for (var level = 0; level < mipLevels; level++)
        {
            _mipOffsets[level] = offset;
            offset = checked(offset + GetMipSizeBytes(level));
        }

        _mipOffsets[mipLevels] = offset;
        SliceSizeBytes = offset;
        var total = (Int128)offset * arrayLength;
        if (total > MaxTotalBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(arrayLength), total,
                $"a {width}×{height}×{arrayLength} {format} texture with {mipLevels} mip(s) needs {total} bytes, more than 2^48");
        }

        TotalSizeBytes = (long)total;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Pixel format.</summary>
    public PixelFormat Format { get; }

    /// <summary>Layout of <see cref="Format"/>.</summary>
    public PixelFormatInfo FormatInfo { get; }

    /// <summary>Mip levels (1 = no mipmaps).</summary>
    public int MipLevels { get; }

    /// <summary>Array slices.</summary>
    public int ArrayLength { get; }

    /// <summary>Declared usage.</summary>
    public TextureUsage Usage { get; }

    /// <summary>Storage mode.</summary>
    public StorageMode Storage { get; }

    /// <summary>Row-pitch alignment in bytes.</summary>
    public int RowAlignmentBytes { get; }

    /// <summary>Bytes of one array slice with all its mips.</summary>
    public long SliceSizeBytes { get; }

    /// <summary>Bytes of the whole texture: every slice and mip, rows padded to the row alignment.</summary>
    public long TotalSizeBytes { get; }

    /// <summary>Bytes of system memory the texture occupies: <see cref="TotalSizeBytes"/>, or 0 when memoryless.</summary>
    public long ResidentSizeBytes => Storage == StorageMode.Memoryless ? 0 : TotalSizeBytes;

    /// <summary>
    /// Placement alignment in bytes: 4 KiB for textures of at most 64 KiB that are not render
    /// targets, 64 KiB otherwise (the D3D12 rules, which also satisfy Metal and Vulkan on common GPUs).
    /// </summary>
    public int RequiredAlignmentBytes =>
        TotalSizeBytes <= DefaultPlacementAlignmentBytes && (Usage & TextureUsage.RenderTarget) == 0
            ? SmallPlacementAlignmentBytes
            : DefaultPlacementAlignmentBytes;

    /// <summary>The largest mip count for a <paramref name="width"/>×<paramref name="height"/> texture.</summary>
    public static int MaxMipLevels(int width, int height) =>
        System.Numerics.BitOperations.Log2((uint)Math.Max(Math.Max(width, height), 1)) + 1;

    /// <summary>Width in pixels of mip <paramref name="level"/> (halved per level, at least 1).</summary>
    public int GetMipWidth(int level) => Math.Max(1, Width >> CheckLevel(level));

    /// <summary>Height in pixels of mip <paramref name="level"/>.</summary>
    public int GetMipHeight(int level) => Math.Max(1, Height >> CheckLevel(level));

    /// <summary>Bytes from the start of one row (of blocks) to the next in mip <paramref name="level"/>
    /// of the first plane, padded to <see cref="RowAlignmentBytes"/>.</summary>
    public long GetRowPitchBytes(int level) => GetRowPitchBytes(level, 0);

    /// <summary>Row pitch of plane <paramref name="plane"/> of mip <paramref name="level"/>.</summary>
    public long GetRowPitchBytes(int level, int plane) =>
        ByteMath.AlignUp(FormatInfo.GetPlaneRowBytes(plane, GetMipWidth(level)), RowAlignmentBytes);

    /// <summary>Bytes of mip <paramref name="level"/> of one slice, all planes, rows padded.</summary>
    public long GetMipSizeBytes(int level)
    {
        var height = GetMipHeight(level);
        long bytes = 0;
        for (var plane = 0; plane < FormatInfo.PlaneCount; plane++)
        {
            bytes = checked(bytes + (GetRowPitchBytes(level, plane) * FormatInfo.GetPlaneRows(plane, height)));
        }

        return bytes;
    }

    /// <summary>Offset in bytes of mip <paramref name="level"/> of slice <paramref name="slice"/> from the texture's start.</summary>
    public long GetSubresourceOffsetBytes(int level, int slice)
    {
        CheckLevel(level);
        if (slice < 0 || slice >= ArrayLength)
        {
            throw new ArgumentOutOfRangeException(nameof(slice), slice, $"the texture has {ArrayLength} slice(s)");
        }

        return checked((SliceSizeBytes * slice) + _mipOffsets[level]);
    }

    private int CheckLevel(int level) =>
        level >= 0 && level < MipLevels
            ? level
            : throw new ArgumentOutOfRangeException(nameof(level), level, $"the texture has {MipLevels} mip level(s)");

    /// <inheritdoc />
    public bool Equals(TextureDescriptor? other) =>
        other is not null && Width == other.Width && Height == other.Height && Format == other.Format &&
        MipLevels == other.MipLevels && ArrayLength == other.ArrayLength && Usage == other.Usage &&
        Storage == other.Storage && RowAlignmentBytes == other.RowAlignmentBytes;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TextureDescriptor);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(Width, Height, Format, MipLevels, ArrayLength, Usage, Storage, RowAlignmentBytes);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Width}×{Height} {Format}" + (MipLevels > 1 ? $" {MipLevels} mips" : "") + (ArrayLength > 1 ? $" ×{ArrayLength}" : "");
}
