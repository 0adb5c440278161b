using MediaMemory.Compression;

namespace MediaMemory.Tests.Compression;

public sealed class CompressedFormatTests
{
    public static TheoryData<CompressionCodec, CompressionFilter> Variants()
    {
        var data = new TheoryData<CompressionCodec, CompressionFilter>();
        foreach (var codec in new[] { CompressionCodec.Lz4, CompressionCodec.Zstd })
        {
            foreach (var filter in Enum.GetValues<CompressionFilter>())
            {
                data.Add(codec, filter);
            }
        }

        return data;
    }

    private static byte[] RoundTrip(byte[] data, CompressionCodec codec, CompressionFilter filter, int stride, out long compressedBytes)
    {
        var packed = new byte[CompressedFormat.GetMaxCompressedBytes(data.Length)];
        compressedBytes = CompressedFormat.Compress(data, packed, codec, filter, stride);
        Assert.Equal(data.Length, CompressedFormat.GetOriginalBytes(packed));
        var restored = new byte[data.Length];
        CompressedFormat.Decompress(packed.AsSpan(0, (int)compressedBytes), restored);
        return restored;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void RandomData_OfAnyLengthAndStride_RoundTripsBitExact(CompressionCodec codec, CompressionFilter filter)
    {
        var random = new Random(42);
        foreach (var length in new[] { 1, 3, 7, 4096, 65_537, CompressedFormat.ChunkBytes + 5, (3 * CompressedFormat.ChunkBytes) - 1 })
        {
            foreach (var stride in new[] { 1, 3, 4, 8, 16 })
            {
                var data = new byte[length];
                random.NextBytes(data);
                // Half the buffers compressible (runs), half noise, so both raw and coded chunks occur.
                if (length % 2 == 1)
                {
                    data.AsSpan(0, length / 2).Fill(0x5A);
                }

                var restored = RoundTrip(data, codec, filter, stride, out var compressed);
                Assert.True(data.AsSpan().SequenceEqual(restored), $"{codec}/{filter} length {length} stride {stride} differs");
                Assert.True(compressed <= CompressedFormat.GetMaxCompressedBytes(length), $"{compressed} above the bound");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void KodakImages_RoundTripBitExact(CompressionCodec codec, CompressionFilter filter)
    {
        foreach (var file in TestImages.SomeKodak())
        {
            var pixels = TestImages.Rgba8(file);
            var restored = RoundTrip(pixels, codec, filter, 4, out _);
            Assert.True(pixels.AsSpan().SequenceEqual(restored), $"{Path.GetFileName(file)} {codec}/{filter} differs");
        }
    }

    [Fact]
    public void Photographs_RoundTripBitExact_AndFiltersBeatNoFilter()
    {
        // Measured on all five photographs (docs/compression.md): LZ4 1.44 → planes 1.68 → planes-delta 1.87;
        // zstd 2.23 → planes-delta 3.35. Each photo on its own improves with planes-delta for both codecs.
        foreach (var file in SharedData.Files("photos", "*.*").Where(f => f.EndsWith(".jpg", StringComparison.Ordinal) || f.EndsWith(".png", StringComparison.Ordinal)).Take(2))
        {
            var pixels = TestImages.Rgba8(file);
            var ratios = new Dictionary<(CompressionCodec, CompressionFilter), double>();
            foreach (var codec in new[] { CompressionCodec.Lz4, CompressionCodec.Zstd })
            {
                foreach (var filter in new[] { CompressionFilter.None, CompressionFilter.PlanesDelta })
                {
                    var restored = RoundTrip(pixels, codec, filter, 4, out var compressed);
                    Assert.True(pixels.AsSpan().SequenceEqual(restored), $"{Path.GetFileName(file)} {codec}/{filter} differs");
                    ratios[(codec, filter)] = (double)pixels.Length / compressed;
                }
            }

            foreach (var codec in new[] { CompressionCodec.Lz4, CompressionCodec.Zstd })
            {
                var plain = ratios[(codec, CompressionFilter.None)];
                var filtered = ratios[(codec, CompressionFilter.PlanesDelta)];
                Assert.True(filtered > plain, $"{Path.GetFileName(file)} {codec}: planes-delta {filtered:0.000} ≤ none {plain:0.000}");
            }
        }
    }

    [Fact]
    public void KodakImages_PlaneSplitBeatsNoFilter_ForLz4()
    {
        // Opaque RGBA8: the alpha plane becomes one run, which interleaved pixels never give LZ4.
        long plain = 0, planes = 0;
        foreach (var file in TestImages.SomeKodak())
        {
            var pixels = TestImages.Rgba8(file);
            RoundTrip(pixels, CompressionCodec.Lz4, CompressionFilter.None, 4, out var a);
            RoundTrip(pixels, CompressionCodec.Lz4, CompressionFilter.Planes, 4, out var b);
            plain += a;
            planes += b;
        }

        Assert.True(planes < plain, $"planes {planes} bytes, none {plain} bytes");
    }

    [Theory]
    [InlineData(CompressionCodec.Lz4)]
    [InlineData(CompressionCodec.Zstd)]
    public void CorruptData_IsDetected_NotDecodedToGarbage(CompressionCodec codec)
    {
        var data = new byte[300_000];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i / 7);
        }

        var packed = new byte[CompressedFormat.GetMaxCompressedBytes(data.Length)];
        var length = (int)CompressedFormat.Compress(data, packed, codec, CompressionFilter.Planes, 4);
        var restored = new byte[data.Length];
        foreach (var offset in new[] { 0, 6, 9, 20, 30, CompressedFormat.HeaderBytes, length / 2, length - 1 })
        {
            var copy = packed.AsSpan(0, length).ToArray();
            copy[offset] ^= 0x04;
            Assert.Throws<InvalidDataException>(() => CompressedFormat.Decompress(copy, restored));
        }

        Assert.Throws<InvalidDataException>(() => CompressedFormat.Decompress(packed.AsSpan(0, length - 1), restored));
        Assert.Throws<InvalidDataException>(() => CompressedFormat.Decompress(packed.AsSpan(0, 10), restored));
        Assert.Throws<ArgumentException>(() => CompressedFormat.Decompress(packed.AsSpan(0, length), new byte[5]));
    }

    [Fact]
    public void BadArguments_AreRefusedByName()
    {
        var packed = new byte[100];
        Assert.Throws<ArgumentOutOfRangeException>(() => CompressedFormat.Compress(new byte[8], packed, (CompressionCodec)9));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompressedFormat.Compress(new byte[8], packed, CompressionCodec.Lz4, (CompressionFilter)9));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompressedFormat.Compress(new byte[8], packed, CompressionCodec.Lz4, CompressionFilter.None, 17));
        Assert.Throws<ArgumentException>(() => CompressedFormat.Compress(new byte[80], new byte[10], CompressionCodec.Lz4));

        // Beyond one span, and where the chunk count's rounding used to overflow into a bound below the input.
        Assert.Throws<ArgumentOutOfRangeException>(() => CompressedFormat.GetMaxCompressedBytes(int.MaxValue + 1L));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompressedFormat.GetMaxCompressedBytes(long.MaxValue));
        Assert.True(CompressedFormat.GetMaxCompressedBytes(int.MaxValue) > int.MaxValue);
    }
}
