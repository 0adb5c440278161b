using MediaMemory.Units;

namespace MediaMemory.Cli.Bench;

/// <summary>
/// Seeded random requests shaped like an editor's: mostly 4 KiB…64 MiB, alignments 256 B…64 KiB.
/// </summary>
/// <remarks>
/// The mix (weights are arbitrary, chosen to resemble a session that browses, edits and plays):
/// 30 % thumbnails (256², 384², 512² BGRA8 textures), 20 % small buffers (4 KiB…256 KiB, log-uniform,
/// 256 B…4 KiB alignment), 25 % HD textures (1920×1080 BGRA8 or RGBA16Float), 15 % 4K BGRA8 textures,
/// 10 % large buffers (16…64 MiB, log-uniform, 64 KiB alignment). Mean about 11 MB. Textures take their
/// descriptors' own size and alignment. Not thread-safe (one <see cref="Random"/>).
/// </remarks>
internal sealed class MediaRequestGenerator(int seed)
{
    private static readonly TextureDescriptor[] Thumbnails =
    [
        new(256, 256, PixelFormat.BGRA8Unorm), new(384, 384, PixelFormat.BGRA8Unorm), new(512, 512, PixelFormat.BGRA8Unorm),
    ];

    private static readonly TextureDescriptor[] HdTextures =
    [
        new(1920, 1080, PixelFormat.BGRA8Unorm, usage: TextureUsage.RenderTarget), new(1920, 1080, PixelFormat.RGBA16Float, usage: TextureUsage.RenderTarget),
    ];

    /// <summary>A 4K BGRA8 render target: 33,177,600 bytes.</summary>
    public static readonly TextureDescriptor Uhd4K = new(3840, 2160, PixelFormat.BGRA8Unorm, usage: TextureUsage.RenderTarget);

    private readonly Random _random = new(seed);

    public MediaRequest Next()
    {
        var pick = _random.Next(100);
        return pick switch
        {
            < 30 => Texture(Thumbnails[_random.Next(Thumbnails.Length)]),
            < 50 => new MediaRequest(LogUniform(4L << 10, 256L << 10), 256L << _random.Next(5), null),
            < 75 => Texture(HdTextures[_random.Next(HdTextures.Length)]),
            < 90 => Texture(Uhd4K),
            _ => new MediaRequest(LogUniform(16L << 20, 64L << 20), 64L << 10, null),
        };
    }

    /// <summary>An index in [0, <paramref name="count"/>).</summary>
    public int Pick(int count) => _random.Next(count);

    private static MediaRequest Texture(TextureDescriptor descriptor) =>
        new(descriptor.TotalSizeBytes, descriptor.RequiredAlignmentBytes, descriptor);

    private long LogUniform(long min, long max) =>
        (long)Math.Exp(Math.Log(min) + (_random.NextDouble() * (Math.Log(max) - Math.Log(min))));
}
