using MediaMemory.Cli.Bench;

namespace MediaMemory.Tests.Compression;

/// <summary>Real images decoded to RGBA8 with SkiaSharp, cached per process.</summary>
internal static class TestImages
{
    private static readonly Dictionary<string, byte[]> Cache = [];

    public static byte[] Rgba8(string path)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(path, out var pixels))
            {
                pixels = CompressBenchmark.DecodeRgba8(path, out _, out _) ?? throw new InvalidDataException($"{path} did not decode");
                Cache[path] = pixels;
            }

            return pixels;
        }
    }

    /// <summary>Every fourth Kodak image (6 of 24), to keep the suite quick.</summary>
    public static string[] SomeKodak() => [.. SharedData.Files("kodak", "kodim*.png").Where((_, i) => i % 4 == 0)];
}
