using CsCheck;
using MediaMemory.Units;

namespace MediaMemory.Tests.Units;

public sealed class TextureDescriptorTests
{
    /// <summary>Valid descriptors: small and huge sizes, every format, any mip count the size allows,
    /// a few slices, row alignments from 1 to 4096 bytes.</summary>
    private static readonly Gen<TextureDescriptor> AnyDescriptor =
        Gen.Select(
            Gen.OneOf(Gen.Int[1, 70], Gen.Int[1, TextureDescriptor.MaxDimension]),
            Gen.OneOf(Gen.Int[1, 70], Gen.Int[1, TextureDescriptor.MaxDimension]),
            Gen.Enum<PixelFormat>(),
            Gen.Int[1, 17],
            Gen.Int[1, 12],
            Gen.Int[0, 12],
            (width, height, format, mips, slices, alignmentLog2) => new TextureDescriptor(
                width, height, format,
                mipLevels: Math.Min(mips, TextureDescriptor.MaxMipLevels(width, height)),
                arrayLength: slices,
                rowAlignmentBytes: 1 << alignmentLog2));

    [Fact]
    public void Uhd4KBgra8_With256ByteRows_PinsPitchAndSize()
    {
        var texture = new TextureDescriptor(3840, 2160, PixelFormat.BGRA8Unorm);

        Assert.Equal(256, texture.RowAlignmentBytes);
        Assert.Equal(15_360L, texture.GetRowPitchBytes(0)); // 3840 × 4, already a multiple of 256
        Assert.Equal(33_177_600L, texture.GetMipSizeBytes(0)); // 15360 × 2160
        Assert.Equal(33_177_600L, texture.SliceSizeBytes);
        Assert.Equal(33_177_600L, texture.TotalSizeBytes);
        Assert.Equal(33_177_600L, texture.ResidentSizeBytes);
    }

    [Fact]
    public void Rgba8_100x100_PadsRowsTo512Bytes()
    {
        var texture = new TextureDescriptor(100, 100, PixelFormat.RGBA8Unorm);

        Assert.Equal(512L, texture.GetRowPitchBytes(0)); // 400 rounded up to a multiple of 256
        Assert.Equal(51_200L, texture.TotalSizeBytes); // 512 × 100
    }

    [Fact]
    public void Rgba8_100x100_WithByteAlignedRows_IsTightlyPacked()
    {
        var texture = new TextureDescriptor(100, 100, PixelFormat.RGBA8Unorm, rowAlignmentBytes: 1);

        Assert.Equal(400L, texture.GetRowPitchBytes(0));
        Assert.Equal(40_000L, texture.TotalSizeBytes);
    }

    [Fact]
    public void Rgba8_1024Square_FullMipChain_PinsEveryLevel()
    {
        var texture = new TextureDescriptor(1024, 1024, PixelFormat.RGBA8Unorm, mipLevels: 11);

        // Level k is (1024 >> k)² pixels; rows of 4 × (1024 >> k) bytes, padded to 256 from level 5 (32 px) on.
        long[] mipSizes = [4_194_304, 1_048_576, 262_144, 65_536, 16_384, 8_192, 4_096, 2_048, 1_024, 512, 256];
        long[] mipOffsets = [0, 4_194_304, 5_242_880, 5_505_024, 5_570_560, 5_586_944, 5_595_136, 5_599_232, 5_601_280, 5_602_304, 5_602_816];
        Assert.Equal(11, TextureDescriptor.MaxMipLevels(1024, 1024));
        Assert.Equal(mipSizes, Enumerable.Range(0, 11).Select(texture.GetMipSizeBytes).ToArray());
        Assert.Equal(mipOffsets, Enumerable.Range(0, 11).Select(level => texture.GetSubresourceOffsetBytes(level, 0)).ToArray());
        Assert.Equal(5_603_072L, texture.TotalSizeBytes);
        Assert.Equal(1, texture.GetMipWidth(10));
        Assert.Equal(1, texture.GetMipHeight(10));
        Assert.Equal(256L, texture.GetRowPitchBytes(10));
    }

    [Fact]
    public void Rgba8_256Square_ArrayOfSix_PinsSliceSizeAndSubresourceOffsets()
    {
        var texture = new TextureDescriptor(256, 256, PixelFormat.RGBA8Unorm, mipLevels: 9, arrayLength: 6);

        // One slice: 262144 + 65536 + 16384 + 8192 + 4096 + 2048 + 1024 + 512 + 256.
        Assert.Equal(360_192L, texture.SliceSizeBytes);
        Assert.Equal(2_161_152L, texture.TotalSizeBytes); // × 6
        Assert.Equal(1_408_256L, texture.GetSubresourceOffsetBytes(2, 3)); // 3 slices + mips 0 and 1
        Assert.Equal(1_800_960L, texture.GetSubresourceOffsetBytes(0, 5));
    }

    [Fact]
    public void NonSquare_MipsHalveEachSideDownToOne()
    {
        var texture = new TextureDescriptor(16, 4, PixelFormat.R8Unorm, mipLevels: 5);

        var dims = Enumerable.Range(0, 5).Select(level => (texture.GetMipWidth(level), texture.GetMipHeight(level))).ToArray();

        Assert.Equal([(16, 4), (8, 2), (4, 1), (2, 1), (1, 1)], dims);
    }

    [Theory]
    // BC1 1001×1001: 251×251 blocks (the last row and column partial) of 8 bytes; rows 2008 bytes.
    [InlineData(PixelFormat.BC1, 1001, 1001, 256, 2_048L, 514_048L)]
    [InlineData(PixelFormat.BC1, 1001, 1001, 1, 2_008L, 504_008L)]
    // ASTC 12×12 1000×1000: 84×84 blocks (83⅓ rounded up) of 16 bytes; rows 1344 bytes.
    [InlineData(PixelFormat.Astc12x12, 1000, 1000, 256, 1_536L, 129_024L)]
    [InlineData(PixelFormat.Astc12x12, 1000, 1000, 1, 1_344L, 112_896L)]
    // A texture smaller than one block still takes a whole block.
    [InlineData(PixelFormat.BC7, 1, 1, 1, 16L, 16L)]
    [InlineData(PixelFormat.Astc10x5, 3, 7, 1, 16L, 32L)] // 1×2 blocks
    public void BlockCompressed_CountsPartialBlocksAsWholeBlocks(
        PixelFormat format, int width, int height, int rowAlignmentBytes, long rowPitchBytes, long totalBytes)
    {
        var texture = new TextureDescriptor(width, height, format, rowAlignmentBytes: rowAlignmentBytes);

        Assert.Equal(rowPitchBytes, texture.GetRowPitchBytes(0));
        Assert.Equal(totalBytes, texture.TotalSizeBytes);
    }

    [Fact]
    public void Bc1_MipChain_SmallMipsTakeOneBlock()
    {
        var texture = new TextureDescriptor(8, 8, PixelFormat.BC1, mipLevels: 4, rowAlignmentBytes: 1);

        // 8×8 = 2×2 blocks = 32 bytes; 4×4, 2×2 and 1×1 are one block of 8 each.
        Assert.Equal([32L, 8L, 8L, 8L], Enumerable.Range(0, 4).Select(texture.GetMipSizeBytes).ToArray());
        Assert.Equal(56L, texture.TotalSizeBytes);
    }

    [Fact]
    public void Nv12_Uhd4K_HoldsBothPlanes()
    {
        var texture = new TextureDescriptor(3840, 2160, PixelFormat.NV12);

        Assert.Equal(3_840L, texture.GetRowPitchBytes(0, 0)); // Y: 3840 × 1 byte
        Assert.Equal(3_840L, texture.GetRowPitchBytes(0, 1)); // CbCr: 1920 samples × 2 bytes
        Assert.Equal(12_441_600L, texture.TotalSizeBytes); // 3840 × 2160 + 3840 × 1080
    }

    [Fact]
    public void Nv12_FullHd_PadsBothPlanesTo256ByteRows()
    {
        var texture = new TextureDescriptor(1920, 1080, PixelFormat.NV12);

        Assert.Equal(2_048L, texture.GetRowPitchBytes(0, 0)); // 1920 is 7.5 × 256
        Assert.Equal(2_048L, texture.GetRowPitchBytes(0, 1));
        Assert.Equal(3_317_760L, texture.TotalSizeBytes); // 2048 × 1080 + 2048 × 540
    }

    [Fact]
    public void Nv12_OddSize_ChromaCoversHalfRoundedUp()
    {
        var texture = new TextureDescriptor(5, 3, PixelFormat.NV12, rowAlignmentBytes: 1);

        Assert.Equal(5L, texture.GetRowPitchBytes(0, 0));
        Assert.Equal(6L, texture.GetRowPitchBytes(0, 1)); // 3 CbCr samples × 2 bytes
        Assert.Equal(27L, texture.TotalSizeBytes); // 5 × 3 + 6 × 2
    }

    [Theory]
    [InlineData(0, 16, "width")]
    [InlineData(-1, 16, "width")]
    [InlineData(65_537, 16, "width")]
    [InlineData(int.MinValue, 16, "width")]
    [InlineData(16, 0, "height")]
    [InlineData(16, -1, "height")]
    [InlineData(16, 65_537, "height")]
    public void Constructor_WhenADimensionIsOutside1To65536_ThrowsNamingIt(int width, int height, string paramName)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TextureDescriptor(width, height, PixelFormat.RGBA8Unorm));

        Assert.Equal(paramName, error.ParamName);
    }

    [Fact]
    public void Constructor_At65536Pixels_Accepts()
    {
        var texture = new TextureDescriptor(65_536, 1, PixelFormat.R8Unorm, mipLevels: 17);

        Assert.Equal(17, texture.MipLevels);
        Assert.Equal(65_536L, texture.GetRowPitchBytes(0));
    }

    [Theory]
    [InlineData(1024, 1024, 0)]
    [InlineData(1024, 1024, -1)]
    [InlineData(1024, 1024, 12)] // 1024 allows 11
    [InlineData(1, 1, 2)]
    [InlineData(1023, 5, 11)] // floor(log2 1023) + 1 = 10
    public void Constructor_WhenMipCountIsImpossible_ThrowsNamingIt(int width, int height, int mipLevels)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TextureDescriptor(width, height, PixelFormat.RGBA8Unorm, mipLevels));

        Assert.Equal("mipLevels", error.ParamName);
        Assert.Equal(mipLevels, error.ActualValue);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(65_537)]
    public void Constructor_WhenArrayLengthIsOutside1To65536_ThrowsNamingIt(int arrayLength)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TextureDescriptor(4, 4, PixelFormat.RGBA8Unorm, arrayLength: arrayLength));

        Assert.Equal("arrayLength", error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-256)]
    [InlineData(3)]
    [InlineData(384)]
    public void Constructor_WhenRowAlignmentIsNotAPowerOfTwo_ThrowsNamingIt(int rowAlignmentBytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new TextureDescriptor(4, 4, PixelFormat.RGBA8Unorm, rowAlignmentBytes: rowAlignmentBytes));

        Assert.Equal("rowAlignmentBytes", error.ParamName);
    }

    [Fact]
    public void Constructor_WhenFormatIsUnknown_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TextureDescriptor(4, 4, (PixelFormat)(-1)));

        Assert.Equal("format", error.ParamName);
    }

    [Fact]
    public void Constructor_WhenUsageOrStorageIsUnknown_ThrowsNamingIt()
    {
        Assert.Equal("usage", Assert.Throws<ArgumentOutOfRangeException>(() => new TextureDescriptor(4, 4, PixelFormat.RGBA8Unorm, usage: (TextureUsage)8)).ParamName);
        Assert.Equal("storage", Assert.Throws<ArgumentOutOfRangeException>(() => new TextureDescriptor(4, 4, PixelFormat.RGBA8Unorm, storage: (StorageMode)3)).ParamName);
    }

    [Fact]
    public void Constructor_WhenTotalExceeds2Pow48_ThrowsNamingTheArrayLength()
    {
        // 65536² × 16 bytes = 2^36 per slice; × 65536 slices = 2^52 bytes.
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new TextureDescriptor(65_536, 65_536, PixelFormat.RGBA32Float, arrayLength: 65_536));

        Assert.Equal("arrayLength", error.ParamName);
        Assert.Contains("2^48", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_AtExactly2Pow48_Accepts_AndOneSliceMoreIsRefused()
    {
        // 2^36 bytes per slice × 4096 slices = 2^48.
        var largest = new TextureDescriptor(65_536, 65_536, PixelFormat.RGBA32Float, arrayLength: 4_096);

        Assert.Equal(1L << 48, largest.TotalSizeBytes);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new TextureDescriptor(65_536, 65_536, PixelFormat.RGBA32Float, arrayLength: 4_097));
        Assert.Equal("arrayLength", error.ParamName);
    }

    [Theory]
    [InlineData(-1, 0, "level")]
    [InlineData(3, 0, "level")] // 3 mips: levels 0…2
    [InlineData(0, -1, "slice")]
    [InlineData(0, 2, "slice")] // 2 slices: 0…1
    public void GetSubresourceOffsetBytes_WhenOutOfRange_ThrowsNamingIt(int level, int slice, string paramName)
    {
        var texture = new TextureDescriptor(8, 8, PixelFormat.RGBA8Unorm, mipLevels: 3, arrayLength: 2);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => texture.GetSubresourceOffsetBytes(level, slice));

        Assert.Equal(paramName, error.ParamName);
    }

    [Fact]
    public void MipAccessors_WhenLevelIsOutOfRange_ThrowNamingIt()
    {
        var texture = new TextureDescriptor(8, 8, PixelFormat.RGBA8Unorm, mipLevels: 2);

        Assert.Equal("level", Assert.Throws<ArgumentOutOfRangeException>(() => texture.GetMipWidth(2)).ParamName);
        Assert.Equal("level", Assert.Throws<ArgumentOutOfRangeException>(() => texture.GetMipHeight(-1)).ParamName);
        Assert.Equal("level", Assert.Throws<ArgumentOutOfRangeException>(() => texture.GetMipSizeBytes(2)).ParamName);
        Assert.Equal("level", Assert.Throws<ArgumentOutOfRangeException>(() => texture.GetRowPitchBytes(5)).ParamName);
    }

    [Fact]
    public void GetRowPitchBytes_WhenThePlaneDoesNotExist_ThrowsNamingIt()
    {
        var texture = new TextureDescriptor(8, 8, PixelFormat.RGBA8Unorm);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => texture.GetRowPitchBytes(0, 1));

        Assert.Equal("plane", error.ParamName);
    }

    [Theory]
    // 128×128 RGBA8 = exactly 64 KiB: small enough for 4 KiB placement.
    [InlineData(128, 128, TextureUsage.ShaderRead, 4_096)]
    [InlineData(128, 128, TextureUsage.ShaderRead | TextureUsage.ShaderWrite, 4_096)]
    [InlineData(128, 128, TextureUsage.None, 4_096)]
    [InlineData(1, 1, TextureUsage.ShaderRead, 4_096)]
    // One row more (66,048 bytes) needs 64 KiB placement.
    [InlineData(128, 129, TextureUsage.ShaderRead, 65_536)]
    // Render targets always take 64 KiB, however small.
    [InlineData(1, 1, TextureUsage.RenderTarget, 65_536)]
    [InlineData(16, 16, TextureUsage.ShaderRead | TextureUsage.RenderTarget, 65_536)]
    [InlineData(3840, 2160, TextureUsage.ShaderRead, 65_536)]
    public void RequiredAlignmentBytes_Is4KiBOnlyForSmallNonRenderTargets(int width, int height, TextureUsage usage, int expected)
    {
        var texture = new TextureDescriptor(width, height, PixelFormat.RGBA8Unorm, usage: usage);

        Assert.Equal(expected, texture.RequiredAlignmentBytes);
    }

    [Fact]
    public void ResidentSizeBytes_IsZeroForMemorylessAndTheTotalOtherwise()
    {
        var memoryless = new TextureDescriptor(64, 64, PixelFormat.RGBA8Unorm, storage: StorageMode.Memoryless);
        var shared = new TextureDescriptor(64, 64, PixelFormat.RGBA8Unorm, storage: StorageMode.Shared);

        Assert.Equal(0L, memoryless.ResidentSizeBytes);
        Assert.Equal(16_384L, memoryless.TotalSizeBytes);
        Assert.Equal(16_384L, shared.ResidentSizeBytes);
    }

    [Fact]
    public void Equals_ComparesEveryParameter()
    {
        var a = new TextureDescriptor(64, 32, PixelFormat.BC7, mipLevels: 3, arrayLength: 2);
        var b = new TextureDescriptor(64, 32, PixelFormat.BC7, mipLevels: 3, arrayLength: 2);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new TextureDescriptor(64, 32, PixelFormat.BC7, mipLevels: 3, arrayLength: 2, rowAlignmentBytes: 512));
        Assert.NotEqual(a, new TextureDescriptor(64, 32, PixelFormat.BC7, mipLevels: 3, arrayLength: 2, usage: TextureUsage.RenderTarget));
        Assert.NotEqual(a, new TextureDescriptor(64, 32, PixelFormat.BC7, mipLevels: 2, arrayLength: 2));
        Assert.False(a.Equals(null), "equal to null");
    }

    [Fact]
    public void AnyDescriptor_TotalIsArrayLengthTimesTheSumOfMipSizes()
    {
        AnyDescriptor.Sample(texture =>
        {
            var sliceBytes = Enumerable.Range(0, texture.MipLevels).Sum(texture.GetMipSizeBytes);
            Assert.Equal(sliceBytes, texture.SliceSizeBytes);
            Assert.Equal(texture.ArrayLength * sliceBytes, texture.TotalSizeBytes);
        }, iter: 2_000, threads: 1, print: Describe);
    }

    [Fact]
    public void AnyDescriptor_RowPitchIsTheTightRowRoundedUpToTheAlignment()
    {
        AnyDescriptor.Sample(texture =>
        {
            for (var level = 0; level < texture.MipLevels; level++)
            {
                for (var plane = 0; plane < texture.FormatInfo.PlaneCount; plane++)
                {
                    var pitch = texture.GetRowPitchBytes(level, plane);
                    var tight = texture.FormatInfo.GetPlaneRowBytes(plane, texture.GetMipWidth(level));
                    var context = $"{Describe(texture)} level {level} plane {plane}: pitch {pitch}, tight row {tight}";
                    Assert.True(pitch % texture.RowAlignmentBytes == 0, $"{context}: not a multiple of the alignment");
                    Assert.True(pitch >= tight, $"{context}: shorter than the row");
                    Assert.True(pitch - tight < texture.RowAlignmentBytes, $"{context}: more padding than needed");
                }
            }
        }, iter: 2_000, threads: 1, print: Describe);
    }

    [Fact]
    public void AnyDescriptor_SubresourceOffsetsIncreaseBackToBackAndEndAtTheTotal()
    {
        AnyDescriptor.Sample(texture =>
        {
            // Slice-major: slice 0 mips 0…n-1, slice 1 mips 0…n-1, …
            long expectedOffset = 0;
            var previous = -1L;
            for (var slice = 0; slice < texture.ArrayLength; slice++)
            {
                for (var level = 0; level < texture.MipLevels; level++)
                {
                    var offset = texture.GetSubresourceOffsetBytes(level, slice);
                    var context = $"{Describe(texture)} slice {slice} level {level}";
                    Assert.True(offset > previous, $"{context}: offset {offset} not after {previous}");
                    Assert.True(offset == expectedOffset, $"{context}: offset {offset}, expected {expectedOffset} (previous subresource's end)");
                    previous = offset;
                    expectedOffset = offset + texture.GetMipSizeBytes(level);
                }
            }

            Assert.Equal(texture.TotalSizeBytes, expectedOffset);
        }, iter: 1_000, threads: 1, print: Describe);
    }

    [Fact]
    public void AnyDescriptor_MipDimensionsHalveRoundingDownToAtLeastOne()
    {
        AnyDescriptor.Sample(texture =>
        {
            Assert.Equal((texture.Width, texture.Height), (texture.GetMipWidth(0), texture.GetMipHeight(0)));
            for (var level = 1; level < texture.MipLevels; level++)
            {
                var expected = (Math.Max(1, texture.GetMipWidth(level - 1) / 2), Math.Max(1, texture.GetMipHeight(level - 1) / 2));
                Assert.Equal(expected, (texture.GetMipWidth(level), texture.GetMipHeight(level)));
            }

            if (texture.MipLevels == TextureDescriptor.MaxMipLevels(texture.Width, texture.Height))
            {
                var last = texture.MipLevels - 1;
                Assert.True(Math.Max(texture.GetMipWidth(last), texture.GetMipHeight(last)) == 1,
                    $"{Describe(texture)}: the full chain ends at {texture.GetMipWidth(last)}×{texture.GetMipHeight(last)}");
            }
        }, iter: 2_000, threads: 1, print: Describe);
    }

    [Fact]
    public void AnyDescriptor_WithByteAlignedRows_MipSizeIsTheTightSurface()
    {
        AnyDescriptor.Select(t => new TextureDescriptor(t.Width, t.Height, t.Format, t.MipLevels, t.ArrayLength, rowAlignmentBytes: 1))
            .Sample(texture =>
            {
                for (var level = 0; level < texture.MipLevels; level++)
                {
                    Assert.Equal(texture.FormatInfo.GetSurfaceBytes(texture.GetMipWidth(level), texture.GetMipHeight(level)), texture.GetMipSizeBytes(level));
                }
            }, iter: 1_000, threads: 1, print: Describe);
    }

    private static string Describe(TextureDescriptor texture) =>
        $"{texture} (rows aligned to {texture.RowAlignmentBytes})";
}
