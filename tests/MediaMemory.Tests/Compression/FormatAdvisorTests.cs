using MediaMemory.Compression;
using MediaMemory.Units;

namespace MediaMemory.Tests.Compression;

public sealed class FormatAdvisorTests
{
    [Theory]
    [InlineData(FormatUsage.Color, FormatQuality.High, PixelFormat.BGRA8Unorm)]
    [InlineData(FormatUsage.Color, FormatQuality.Medium, PixelFormat.BGR10_XR)]
    [InlineData(FormatUsage.Color, FormatQuality.Low, PixelFormat.BGR5A1Unorm)]
    [InlineData(FormatUsage.Normal, FormatQuality.Low, PixelFormat.RG16Float)]
    [InlineData(FormatUsage.Normal, FormatQuality.High, PixelFormat.RG16Float)]
    [InlineData(FormatUsage.Data, FormatQuality.Medium, PixelFormat.R32Float)]
    public void OptimalFormat_FollowsTheIssue(FormatUsage usage, FormatQuality quality, PixelFormat expected) =>
        Assert.Equal(expected, FormatAdvisor.OptimalFormat(usage, quality));

    /// <summary>Bounds in 8-bit steps on the kept channels (RGB, plus A where the format stores it),
    /// measured on the Kodak images (docs/compression.md): max error, then mean error.</summary>
    [Theory]
    [InlineData(PixelFormat.BGRA8Unorm, 4, 0, 0.0)]
    [InlineData(PixelFormat.BGR10_XR, 3, 0, 0.0)]
    [InlineData(PixelFormat.BGR5A1Unorm, 4, 4, 2.1)]
    [InlineData(PixelFormat.RG16Float, 2, 0, 0.0)]
    [InlineData(PixelFormat.R32Float, 1, 0, 0.0)]
    public void Rgba8RoundTrip_OnKodak_StaysWithinItsErrorBound(PixelFormat format, int channels, int maxError, double meanError)
    {
        foreach (var file in TestImages.SomeKodak())
        {
            var pixels = TestImages.Rgba8(file);
            var packed = new byte[pixels.Length / 4 * PixelFormatInfo.Get(format).BytesPerBlock];
            var back = new byte[pixels.Length];
            FormatAdvisor.FromRgba8(format, pixels, packed);
            FormatAdvisor.ToRgba8(format, packed, back);

            long sum = 0, count = 0;
            var max = 0;
            for (var i = 0; i < pixels.Length; i += 4)
            {
                for (var c = 0; c < channels; c++)
                {
                    var error = Math.Abs(pixels[i + c] - back[i + c]);
                    max = Math.Max(max, error);
                    sum += error;
                    count++;
                }
            }

            var mean = (double)sum / count;
            Assert.True(max <= maxError, $"{Path.GetFileName(file)} {format}: max error {max} > {maxError}");
            Assert.True(mean <= meanError, $"{Path.GetFileName(file)} {format}: mean error {mean:0.000} > {meanError}");
        }
    }

    /// <summary>Bounds on RGBA16Float values in 0…1 (the range all these formats share).</summary>
    [Theory]
    [InlineData(PixelFormat.BGRA8Unorm, 4, 0.5 / 255)]
    [InlineData(PixelFormat.BGR10_XR, 3, 0.5 / 510)]
    [InlineData(PixelFormat.BGR5A1Unorm, 3, 0.5 / 31)]
    [InlineData(PixelFormat.RG16Float, 2, 0.0)]
    [InlineData(PixelFormat.R32Float, 1, 0.0)]
    public void Rgba16FloatRoundTrip_StaysWithinItsErrorBound(PixelFormat format, int channels, double maxError)
    {
        var random = new Random(7);
        var source = new Half[4 * 50_000];
        for (var i = 0; i < source.Length; i++)
        {
            source[i] = (Half)random.NextSingle();
        }

        var packed = new byte[50_000 * PixelFormatInfo.Get(format).BytesPerBlock];
        var back = new Half[source.Length];
        FormatAdvisor.FromRgba16Float(format, source, packed);
        FormatAdvisor.ToRgba16Float(format, packed, back);

        double max = 0;
        for (var i = 0; i < source.Length; i += 4)
        {
            for (var c = 0; c < channels; c++)
            {
                // The result is stored as a half too, which adds up to half an ulp of the value (2^-12 near 1).
                max = Math.Max(max, Math.Abs((double)source[i + c] - (double)back[i + c]));
            }
        }

        Assert.True(max <= maxError + (1.0 / 4096), $"{format}: max error {max} > {maxError}");
    }

    [Fact]
    public void ExtendedRange_KeepsValuesAboveOne()
    {
        Half[] hdr = [(Half)1.2f, (Half)(-0.5f), (Half)0.25f, (Half)1f];
        var packed = new byte[4];
        var back = new Half[4];
        FormatAdvisor.FromRgba16Float(PixelFormat.BGR10_XR, hdr, packed);
        FormatAdvisor.ToRgba16Float(PixelFormat.BGR10_XR, packed, back);
        Assert.InRange((float)back[0], 1.199f, 1.201f);
        Assert.InRange((float)back[1], -0.501f, -0.499f);
    }

    [Fact]
    public void BadInput_IsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FormatAdvisor.OptimalFormat((FormatUsage)7, FormatQuality.High));
        Assert.Throws<ArgumentOutOfRangeException>(() => FormatAdvisor.OptimalFormat(FormatUsage.Color, (FormatQuality)7));
        Assert.Throws<ArgumentOutOfRangeException>(() => FormatAdvisor.FromRgba8(PixelFormat.BC7, new byte[4], new byte[4]));
        Assert.Throws<ArgumentException>(() => FormatAdvisor.FromRgba8(PixelFormat.BGR5A1Unorm, new byte[8], new byte[8]));
        Assert.Throws<ArgumentException>(() => FormatAdvisor.ToRgba8(PixelFormat.R32Float, new byte[4], new byte[5]));
    }
}
