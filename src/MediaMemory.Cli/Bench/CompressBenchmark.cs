using System.Diagnostics;
using MediaMemory.Compression;
using SkiaSharp;

namespace MediaMemory.Cli.Bench;

/// <summary>
/// <c>mediamem bench compress</c>: every codec × filter of <see cref="CompressedFormat"/> on images decoded
/// to RGBA8 pixels with SkiaSharp. Times are medians over repetitions per image, summed over the images;
/// every round trip is compared byte for byte.
/// </summary>
internal sealed class CompressBenchmark(IReadOnlyList<string> files, int repetitions)
{
    /// <summary>Image file extensions read from a folder.</summary>
    public static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"];

    public static IReadOnlyList<(CompressionCodec Codec, CompressionFilter Filter)> Variants { get; } =
    [
        .. from codec in new[] { CompressionCodec.Lz4, CompressionCodec.Zstd }
           from filter in new[] { CompressionFilter.None, CompressionFilter.Planes, CompressionFilter.PlanesDelta }
           select (codec, filter),
    ];

    /// <summary>Decodes an image to tightly packed, unpremultiplied RGBA8; null when it is not an image SkiaSharp reads.</summary>
    public static byte[]? DecodeRgba8(string path, out int width, out int height)
    {
        using var decoded = SKBitmap.Decode(path);
        (width, height) = (decoded?.Width ?? 0, decoded?.Height ?? 0);
        if (decoded is null)
        {
            return null;
        }

        using var rgba = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        if (!decoded.CopyTo(rgba, SKColorType.Rgba8888))
        {
            return null;
        }

        return rgba.GetPixelSpan().ToArray();
    }

    public CompressBenchmarkResult Run(Action<string>? phase)
    {
        var images = new List<byte[]>();
        long pixels = 0;
        foreach (var file in files)
        {
            phase?.Invoke("decoding " + Path.GetFileName(file));
            var data = DecodeRgba8(file, out var width, out var height) ?? throw new Infrastructure.UsageException($"--input: {Path.GetFileName(file)} is not an image SkiaSharp can decode");
            images.Add(data);
            pixels += (long)width * height;
        }

        var rows = new List<CompressBenchmarkRow>();
        foreach (var (codec, filter) in Variants)
        {
            phase?.Invoke($"{Name(codec)} {Name(filter)}");
            rows.Add(Measure(images, codec, filter));
        }

        return new CompressBenchmarkResult(files.Count, pixels, images.Sum(i => (long)i.Length), repetitions, rows);
    }

    public static string Name(CompressionCodec codec) => codec == CompressionCodec.Lz4 ? "lz4" : "zstd";

    public static string Name(CompressionFilter filter) => filter switch
    {
        CompressionFilter.Planes => "planes",
        CompressionFilter.PlanesDelta => "planes-delta",
        _ => "none",
    };

    private CompressBenchmarkRow Measure(List<byte[]> images, CompressionCodec codec, CompressionFilter filter)
    {
        long original = 0, compressed = 0;
        double compressSeconds = 0, decompressSeconds = 0;
        var bitExact = true;
        var times = new double[repetitions];
        foreach (var image in images)
        {
            var packed = new byte[CompressedFormat.GetMaxCompressedBytes(image.Length)];
            var restored = new byte[image.Length];
            long written = 0;
            for (var r = 0; r < repetitions; r++)
            {
                var start = Stopwatch.GetTimestamp();
                written = CompressedFormat.Compress(image, packed, codec, filter, bytesPerElement: 4);
                times[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }

            compressSeconds += Median(times);
            for (var r = 0; r < repetitions; r++)
            {
                Array.Clear(restored);
                var start = Stopwatch.GetTimestamp();
                CompressedFormat.Decompress(packed.AsSpan(0, (int)written), restored);
                times[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
                bitExact &= restored.AsSpan().SequenceEqual(image);
            }

            decompressSeconds += Median(times);
            original += image.Length;
            compressed += written;
        }

        return new CompressBenchmarkRow(Name(codec), Name(filter), (double)original / compressed, original / 1e6 / compressSeconds, original / 1e6 / decompressSeconds, bitExact);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>One codec × filter: ratio = original / compressed bytes; speeds in MB/s (10^6 bytes) of uncompressed pixels.</summary>
internal sealed record CompressBenchmarkRow(string Codec, string Filter, double Ratio, double CompressMBPerSecond, double DecompressMBPerSecond, bool BitExact);

/// <summary>The whole run.</summary>
internal sealed record CompressBenchmarkResult(int Images, long Pixels, long Bytes, int Repetitions, IReadOnlyList<CompressBenchmarkRow> Rows);
