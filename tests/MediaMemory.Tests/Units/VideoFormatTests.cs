using CsCheck;
using MediaMemory.Units;

namespace MediaMemory.Tests.Units;

public sealed class VideoFormatTests
{
    [Fact]
    public void Uhd4KNv12_PinsBothPlanes()
    {
        var frame = VideoFormat.Uhd4K(PixelFormat.NV12);

        Assert.Equal((3840, 2160, PixelFormat.NV12, 64), (frame.Width, frame.Height, frame.PixelFormat, frame.StrideAlignmentBytes));
        Assert.Equal(
            [
                new VideoPlane(WidthSamples: 3840, Rows: 2160, StrideBytes: 3840, OffsetBytes: 0),
                new VideoPlane(WidthSamples: 1920, Rows: 1080, StrideBytes: 3840, OffsetBytes: 8_294_400),
            ],
            frame.Planes);
        Assert.Equal(8_294_400L, frame.Planes[0].SizeBytes); // 3840 × 2160
        Assert.Equal(4_147_200L, frame.Planes[1].SizeBytes); // 3840 × 1080
        Assert.Equal(12_441_600L, frame.FrameSizeBytes);
    }

    [Fact]
    public void Uhd8KP010_PinsBothPlanes()
    {
        var frame = VideoFormat.Uhd8K(PixelFormat.P010);

        Assert.Equal(
            [
                new VideoPlane(WidthSamples: 7680, Rows: 4320, StrideBytes: 15_360, OffsetBytes: 0), // 2 bytes per sample
                new VideoPlane(WidthSamples: 3840, Rows: 2160, StrideBytes: 15_360, OffsetBytes: 66_355_200), // 4 bytes per CbCr pair
            ],
            frame.Planes);
        Assert.Equal(66_355_200L, frame.Planes[0].SizeBytes);
        Assert.Equal(33_177_600L, frame.Planes[1].SizeBytes);
        Assert.Equal(99_532_800L, frame.FrameSizeBytes);
    }

    [Fact]
    public void FullHdNv12_1920IsAlreadyAlignedTo64Bytes()
    {
        var frame = VideoFormat.FullHd(PixelFormat.NV12);

        Assert.Equal(1_920L, frame.Planes[0].StrideBytes);
        Assert.Equal(1_920L, frame.Planes[1].StrideBytes);
        Assert.Equal(2_073_600L, frame.Planes[1].OffsetBytes); // 1920 × 1080
        Assert.Equal(3_110_400L, frame.FrameSizeBytes); // 1920 × 1080 × 1.5, no padding
    }

    [Fact]
    public void OddSizeNv12_ChromaCoversHalfRoundedUp_AndStridesArePadded()
    {
        var frame = new VideoFormat(1921, 1081, PixelFormat.NV12);

        // Y: 1921 bytes → 1984 (31 × 64); CbCr: 961 pairs × 2 = 1922 bytes → 1984.
        Assert.Equal(
            [
                new VideoPlane(WidthSamples: 1921, Rows: 1081, StrideBytes: 1_984, OffsetBytes: 0),
                new VideoPlane(WidthSamples: 961, Rows: 541, StrideBytes: 1_984, OffsetBytes: 2_144_704),
            ],
            frame.Planes);
        Assert.Equal(3_218_048L, frame.FrameSizeBytes); // 1984 × 1081 + 1984 × 541
    }

    [Fact]
    public void FullHdBgra8_HasOnePlane()
    {
        var frame = VideoFormat.FullHd(PixelFormat.BGRA8Unorm);

        Assert.Equal([new VideoPlane(1920, 1080, 7_680, 0)], frame.Planes);
        Assert.Equal(8_294_400L, frame.FrameSizeBytes);
    }

    [Fact]
    public void CustomStrideAlignment_PadsRowsToIt()
    {
        var frame = new VideoFormat(1920, 1080, PixelFormat.NV12, strideAlignmentBytes: 256);

        Assert.Equal(2_048L, frame.Planes[0].StrideBytes);
        Assert.Equal(2_048L, frame.Planes[1].StrideBytes);
        Assert.Equal(2_211_840L, frame.Planes[1].OffsetBytes); // 2048 × 1080
        Assert.Equal(3_317_760L, frame.FrameSizeBytes);
    }

    [Theory]
    [InlineData(PixelFormat.BC1)]
    [InlineData(PixelFormat.BC7)]
    [InlineData(PixelFormat.Astc4x4)]
    [InlineData(PixelFormat.Astc12x12)]
    public void Constructor_WhenBlockCompressed_ThrowsNamingTheFormat(PixelFormat format)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new VideoFormat(1920, 1080, format));

        Assert.Equal("format", error.ParamName);
        Assert.Equal(format, error.ActualValue);
    }

    [Theory]
    [InlineData(0, 1080, "width")]
    [InlineData(-1920, 1080, "width")]
    [InlineData(65_537, 1080, "width")]
    [InlineData(1920, 0, "height")]
    [InlineData(1920, 65_537, "height")]
    public void Constructor_WhenADimensionIsOutside1To65536_ThrowsNamingIt(int width, int height, string paramName)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new VideoFormat(width, height, PixelFormat.NV12));

        Assert.Equal(paramName, error.ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-64)]
    [InlineData(48)]
    public void Constructor_WhenStrideAlignmentIsNotAPowerOfTwo_ThrowsNamingIt(int strideAlignmentBytes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new VideoFormat(1920, 1080, PixelFormat.NV12, strideAlignmentBytes));

        Assert.Equal("strideAlignmentBytes", error.ParamName);
    }

    [Fact]
    public void Equals_WhenTheSameParameters_IsTrue()
    {
        var a = VideoFormat.Uhd4K(PixelFormat.NV12);
        var b = new VideoFormat(3840, 2160, PixelFormat.NV12);

        Assert.Equal(a, b);
        Assert.True(a == b, $"{a} == {b} is false");
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new VideoFormat(3840, 2160, PixelFormat.NV12, strideAlignmentBytes: 128));
        Assert.NotEqual(a, VideoFormat.Uhd4K(PixelFormat.P010));
        Assert.NotEqual(a, VideoFormat.FullHd(PixelFormat.NV12));
    }

    [Fact]
    public void AnyFormat_PlanesAreBackToBackAndStridesHoldTheirRows()
    {
        var uncompressed = Enum.GetValues<PixelFormat>().Where(f => !PixelFormatInfo.Get(f).IsBlockCompressed).ToArray();
        Gen.Select(Gen.Int[1, TextureDescriptor.MaxDimension], Gen.Int[1, 8192], Gen.OneOf(uncompressed), Gen.Int[0, 10])
            .Sample((width, height, format, alignmentLog2) =>
            {
                var frame = new VideoFormat(width, height, format, 1 << alignmentLog2);
                var info = PixelFormatInfo.Get(format);
                var context = $"{frame} aligned to {frame.StrideAlignmentBytes}";
                Assert.Equal(info.PlaneCount, frame.Planes.Count);
                long offset = 0;
                for (var plane = 0; plane < frame.Planes.Count; plane++)
                {
                    var p = frame.Planes[plane];
                    var tight = info.GetPlaneRowBytes(plane, width);
                    Assert.True(p.OffsetBytes == offset, $"{context} plane {plane}: offset {p.OffsetBytes}, expected {offset}");
                    Assert.True(p.StrideBytes % frame.StrideAlignmentBytes == 0 && p.StrideBytes >= tight && p.StrideBytes - tight < frame.StrideAlignmentBytes,
                        $"{context} plane {plane}: stride {p.StrideBytes} for a {tight}-byte row");
                    Assert.Equal(info.GetPlaneRows(plane, height), p.Rows);
                    offset += p.SizeBytes;
                }

                Assert.Equal(offset, frame.FrameSizeBytes);
            }, iter: 2_000, threads: 1);
    }
}
