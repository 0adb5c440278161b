using MediaMemory.Units;

namespace MediaMemory.Tests.Units;

public sealed class PixelFormatInfoTests
{
    public static TheoryData<PixelFormat> EveryFormat => new(Enum.GetValues<PixelFormat>());

    [Theory]
    [MemberData(nameof(EveryFormat))]
    public void Get_DescribesEveryPixelFormat(PixelFormat format)
    {
        var info = PixelFormatInfo.Get(format);

        Assert.Equal(format, info.Format);
        Assert.True(info.BytesPerBlock > 0, $"{format}: {info.BytesPerBlock} bytes per block");
        Assert.True(info.BlockWidth > 0 && info.BlockHeight > 0, $"{format}: block {info.BlockWidth}×{info.BlockHeight}");
    }

    [Fact]
    public void All_HoldsExactlyOneEntryPerEnumValue()
    {
        var inTable = PixelFormatInfo.All.Select(info => info.Format).Order().ToArray();

        Assert.Equal(Enum.GetValues<PixelFormat>().Order().ToArray(), inTable);
    }

    [Fact]
    public void Get_WhenNotAKnownFormat_ThrowsNamingTheArgument()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PixelFormatInfo.Get((PixelFormat)999));

        Assert.Equal("format", error.ParamName);
    }

    [Theory]
    [InlineData(PixelFormat.R8Unorm, 1)]
    [InlineData(PixelFormat.BGR5A1Unorm, 2)]
    [InlineData(PixelFormat.RG16Float, 4)]
    [InlineData(PixelFormat.R32Float, 4)]
    [InlineData(PixelFormat.BGRA8Unorm, 4)]
    [InlineData(PixelFormat.RGBA8Unorm, 4)]
    [InlineData(PixelFormat.BGR10_XR, 4)]
    [InlineData(PixelFormat.RGBA16Float, 8)]
    [InlineData(PixelFormat.RGBA32Float, 16)]
    public void Get_PinsBytesPerPixelOfUncompressedFormats(PixelFormat format, int bytesPerPixel)
    {
        var info = PixelFormatInfo.Get(format);

        Assert.Equal((format, bytesPerPixel, 1, 1, 0), (info.Format, info.BytesPerBlock, info.BlockWidth, info.BlockHeight, info.ChromaBytesPerSample));
        Assert.False(info.IsBlockCompressed, $"{format} is reported block-compressed");
        Assert.False(info.IsPlanar, $"{format} is reported planar");
        Assert.Equal(1, info.PlaneCount);
        Assert.Equal(bytesPerPixel * 8.0, info.BitsPerPixel);
    }

    [Theory]
    [InlineData(PixelFormat.NV12, 1, 2, 12.0)]
    [InlineData(PixelFormat.P010, 2, 4, 24.0)]
    public void Get_PinsPlanarVideoFormats(PixelFormat format, int lumaBytes, int chromaBytesPerSample, double bitsPerPixel)
    {
        var info = PixelFormatInfo.Get(format);

        Assert.Equal((lumaBytes, 1, 1, chromaBytesPerSample), (info.BytesPerBlock, info.BlockWidth, info.BlockHeight, info.ChromaBytesPerSample));
        Assert.True(info.IsPlanar, $"{format} is not reported planar");
        Assert.False(info.IsBlockCompressed, $"{format} is reported block-compressed");
        Assert.Equal(2, info.PlaneCount);
        Assert.Equal(bitsPerPixel, info.BitsPerPixel);
    }

    [Theory]
    [InlineData(PixelFormat.BC1, 8, 4, 4)]
    [InlineData(PixelFormat.BC3, 16, 4, 4)]
    [InlineData(PixelFormat.BC4, 8, 4, 4)]
    [InlineData(PixelFormat.BC5, 16, 4, 4)]
    [InlineData(PixelFormat.BC6H, 16, 4, 4)]
    [InlineData(PixelFormat.BC7, 16, 4, 4)]
    [InlineData(PixelFormat.Astc4x4, 16, 4, 4)]
    [InlineData(PixelFormat.Astc5x4, 16, 5, 4)]
    [InlineData(PixelFormat.Astc5x5, 16, 5, 5)]
    [InlineData(PixelFormat.Astc6x5, 16, 6, 5)]
    [InlineData(PixelFormat.Astc6x6, 16, 6, 6)]
    [InlineData(PixelFormat.Astc8x5, 16, 8, 5)]
    [InlineData(PixelFormat.Astc8x6, 16, 8, 6)]
    [InlineData(PixelFormat.Astc8x8, 16, 8, 8)]
    [InlineData(PixelFormat.Astc10x5, 16, 10, 5)]
    [InlineData(PixelFormat.Astc10x6, 16, 10, 6)]
    [InlineData(PixelFormat.Astc10x8, 16, 10, 8)]
    [InlineData(PixelFormat.Astc10x10, 16, 10, 10)]
    [InlineData(PixelFormat.Astc12x10, 16, 12, 10)]
    [InlineData(PixelFormat.Astc12x12, 16, 12, 12)]
    public void Get_PinsBlockSizesOfCompressedFormats(PixelFormat format, int bytesPerBlock, int blockWidth, int blockHeight)
    {
        var info = PixelFormatInfo.Get(format);

        Assert.Equal((bytesPerBlock, blockWidth, blockHeight, 0), (info.BytesPerBlock, info.BlockWidth, info.BlockHeight, info.ChromaBytesPerSample));
        Assert.True(info.IsBlockCompressed, $"{format} is not reported block-compressed");
        Assert.False(info.IsPlanar, $"{format} is reported planar");
    }

    [Theory]
    [InlineData(PixelFormat.BGRA8Unorm, 32.0)]
    [InlineData(PixelFormat.BC1, 4.0)]
    [InlineData(PixelFormat.BC7, 8.0)]
    [InlineData(PixelFormat.Astc4x4, 8.0)]
    [InlineData(PixelFormat.Astc8x8, 2.0)]
    [InlineData(PixelFormat.Astc12x12, 128.0 / 144.0)]
    public void BitsPerPixel_PinsCompressionRates(PixelFormat format, double expected)
    {
        Assert.Equal(expected, PixelFormatInfo.Get(format).BitsPerPixel, 12);
    }

    [Theory]
    [InlineData(PixelFormat.BGRA8Unorm, 1920, 1080, 8_294_400L)] // 1920 × 4 × 1080
    [InlineData(PixelFormat.NV12, 1920, 1080, 3_110_400L)] // 1920×1080 + 960×2×540
    [InlineData(PixelFormat.NV12, 3, 3, 17L)] // Y 3×3 = 9, CbCr 2 samples × 2 bytes × 2 rows = 8
    [InlineData(PixelFormat.P010, 3840, 2160, 24_883_200L)] // 3840×2×2160 + 1920×4×1080
    [InlineData(PixelFormat.BC1, 5, 5, 32L)] // 2×2 blocks of 8
    [InlineData(PixelFormat.Astc12x12, 13, 1, 32L)] // 2×1 blocks of 16
    [InlineData(PixelFormat.Astc12x12, 65_536, 65_536, 477_335_104L)] // 5462 × 5462 blocks of 16
    public void GetSurfaceBytes_PinsTightlyPackedSizes(PixelFormat format, long width, long height, long expected)
    {
        Assert.Equal(expected, PixelFormatInfo.Get(format).GetSurfaceBytes(width, height));
    }

    [Theory]
    [InlineData(PixelFormat.BGRA8Unorm, 1)]
    [InlineData(PixelFormat.NV12, 2)]
    [InlineData(PixelFormat.NV12, -1)]
    public void GetPlaneRowBytes_WhenThePlaneDoesNotExist_ThrowsNamingThePlane(PixelFormat format, int plane)
    {
        var info = PixelFormatInfo.Get(format);

        var rowError = Assert.Throws<ArgumentOutOfRangeException>(() => info.GetPlaneRowBytes(plane, 16));
        var rowsError = Assert.Throws<ArgumentOutOfRangeException>(() => info.GetPlaneRows(plane, 16));

        Assert.Equal("plane", rowError.ParamName);
        Assert.Equal("plane", rowsError.ParamName);
    }
}
