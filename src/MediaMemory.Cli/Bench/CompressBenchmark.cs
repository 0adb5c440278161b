using System.Diagnostics;
using System.Globalization;
using MediaMemory.Cli.Infrastructure;
using MediaMemory.Compression;
using SkiaSharp;

namespace MediaMemory.Cli.Bench;

/// <summary>
/// <c>mediamem bench compress</c>: every codec × filter of <see cref="CompressedFormat"/> on images decoded
/// to RGBA8 pixels with SkiaSharp. Times are medians over repetitions per image, summed over the images;
/// every round trip is compared byte for byte. An image of more than <see cref="MaxPixels"/> pixels is refused
/// from its header, before anything is decoded.
/// </summary>
internal sealed class CompressBenchmark(IReadOnlyList<string> files, int repetitions)
{
    /// <summary>
    /// Most pixels of one image: 2^28 = 268,435,456 (16,384 × 16,384). The benchmark holds each image as one RGBA8
    /// array (4 bytes a pixel, so 1 GiB at the limit) beside its compressed and restored copies, and a .NET array
    /// holds at most <see cref="Array.MaxLength"/> (just under 2 GiB) bytes: 2^28 is the largest power of two whose
    /// RGBA8 bytes and their worst-case compressed size (<see cref="CompressedFormat.GetMaxCompressedBytes"/>) fit.
    /// </summary>
    public const long MaxPixels = 1L << 28;

    /// <summary>Image file extensions read from a folder.</summary>
    public static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"];

    public static IReadOnlyList<(CompressionCodec Codec, CompressionFilter Filter)> Variants { get; } =
    [
        .. from codec in new[] { CompressionCodec.Lz4, CompressionCodec.Zstd }
           from filter in new[] { CompressionFilter.None, CompressionFilter.Planes, CompressionFilter.PlanesDelta }
           select (codec, filter),
    ];

    /// <summary>Decodes an image to tightly packed, unpremultiplied RGBA8; null when it is not an image SkiaSharp reads.</summary>
    /// <remarks>Does not check <see cref="MaxPixels"/>: for images known to be small (tests).</remarks>
    public static byte[]? DecodeRgba8(string path, out int width, out int height)
    {
        using var codec = SKCodec.Create(path);
        (width, height) = (codec?.Info.Width ?? 0, codec?.Info.Height ?? 0);
        return codec is null ? null : DecodeRgba8(codec);
    }

    public CompressBenchmarkResult Run(Action<string>? phase)
    {
        var images = new List<byte[]>();
        long pixels = 0;
        foreach (var file in files)
        {
            phase?.Invoke("decoding " + Path.GetFileName(file));
            using var codec = SKCodec.Create(file) ?? throw NotAnImage(file);

            // The codec has read only the header: refuse what cannot be held before decoding any of it.
            var (width, height) = (codec.Info.Width, codec.Info.Height);
            if ((long)width * height > MaxPixels)
            {
                throw new UsageException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"--input: {Path.GetFileName(file)} is {width}×{height} pixels ({(long)width * height / 1e6:0.#} MP); bench compress holds an image as one RGBA8 array and takes at most {MaxPixels} pixels (16384×16384); crop or scale it down"));
            }

            images.Add(DecodeRgba8(codec) ?? throw NotAnImage(file));
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

    /// <summary>Decodes what <paramref name="codec"/> reads to tightly packed, unpremultiplied RGBA8; null when it cannot.</summary>
    private static byte[]? DecodeRgba8(SKCodec codec)
    {
        using var decoded = SKBitmap.Decode(codec);
        if (decoded is null)
        {
            return null;
        }

        using var rgba = new SKBitmap(new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        return decoded.CopyTo(rgba, SKColorType.Rgba8888) ? rgba.GetPixelSpan().ToArray() : null;
    }

    private static UsageException NotAnImage(string file) => new($"--input: {Path.GetFileName(file)} is not an image SkiaSharp can decode");

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
