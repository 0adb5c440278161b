using MediaMemory.Budgeting;
using MediaMemory.Platform;
using MediaMemory.Units;

namespace MediaMemory.Cli.Demo;

/// <summary>
/// The built-in workload of <c>mediamem demo</c>: a photo/video editor's session in one loop, with
/// real native buffers of media sizes whose pixels are written, all reserved from one budget.
/// </summary>
/// <remarks>
/// <para>What it holds, by category and priority:</para>
/// <list type="bullet">
/// <item>UI (Essential): a 2560×1600 BGRA8 window surface.</item>
/// <item>SourceAssets (High): one open 100-megapixel photo, 11648×8736 RGBA8 (a GFX100-class sensor,
/// 407 MB); the next photo is opened before the last is closed, as an editor swaps documents.</item>
/// <item>VideoFrames (High): a triple-buffered ring of 4K BGRA8 frames, switched to 8K NV12 and back;
/// the new ring is allocated before the old is freed.</item>
/// <item>WorkingTextures (Normal): a 4K RGBA16Float edit preview.</item>
/// <item>Effects (Normal, reclaimable): scratch buffers kept between effect runs.</item>
/// <item>CacheTextures (Low, reclaimable): rendered previews of 256², 1024² and 2048×1536 pixels,
/// requested with a skewed (Zipf-like) popularity so that some are hot.</item>
/// </list>
/// The schedule is a fraction of the run, so every run, short or long, opens photos (at 0, 40 %,
/// 80 %) and switches clips (at 25 %, 50 %, 75 %). Single-threaded; the reclaimers are called on the
/// loop's thread by the budget.
/// </remarks>
internal sealed class DemoWorkload
{
    private const int PreviewKeys = 600;
    private const int RequestsPerTick = 4;
    private static readonly double[] PhotoOpenAt = [0.0, 0.4, 0.8];
    private static readonly double[] ClipSwitchAt = [0.25, 0.5, 0.75];

    private readonly DemoOptions _options;
    private readonly TimeProvider _time;

    public DemoWorkload(DemoOptions options, TimeProvider? timeProvider = null)
    {
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Runs the session; <paramref name="progress"/> receives the completed fraction.</summary>
    public DemoResult Run(Action<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var budget = new MemoryBudget(new MemoryBudgetOptions { LimitBytes = _options.BudgetBytes, Name = "demo", TimeProvider = _time });
        var cache = new PreviewCache(budget);
        var scratch = new ScratchPool(budget);
        var cacheRegistration = budget.RegisterReclaimer(cache);
        var scratchRegistration = budget.RegisterReclaimer(scratch);
        var random = new Random(_options.Seed);
        var session = new Session();
        DemoResult result;
        try
        {
            result = RunLoop(budget, cache, scratch, random, session, progress, cancellationToken);
        }
        finally
        {
            session.Dispose();
            cacheRegistration.Dispose();
            scratchRegistration.Dispose();
            cache.Dispose();
            scratch.Dispose();
        }

        // Integrity check: with every holder closed, the budget's accounting is back to exactly zero.
        var after = budget.GetSnapshot();
        return result with { UsedBytesAfterCleanup = after.UsedBytes, LiveTokensAfterCleanup = after.LiveTokens };
    }

    private DemoResult RunLoop(MemoryBudget budget, PreviewCache cache, ScratchPool scratch, Random random, Session s, Action<double>? progress, CancellationToken cancellationToken)
    {
        var uiFormat = new VideoFormat(2560, 1600, PixelFormat.BGRA8Unorm);
        s.Ui = Create(budget, uiFormat.FrameSizeBytes, (int)uiFormat.Planes[0].StrideBytes, AllocationCategory.UI, Priority.Essential);
        s.Ui?.Fill(0);
        var working = new TextureDescriptor(3840, 2160, PixelFormat.RGBA16Float);
        s.Working = Create(budget, working.TotalSizeBytes, (int)working.GetRowPitchBytes(0), AllocationCategory.WorkingTextures, Priority.Normal);
        s.Working?.Fill(1);

        // The session opens on the library grid: every preview is rendered once, in order, so the
        // cache is full (about 1.6 GB of previews exceed any phone budget) before anything of higher
        // priority arrives, and the photo and frames that follow must be reclaimed for.
        for (var key = 0; key < PreviewKeys; key++)
        {
            var (width, height) = PreviewSize(key);
            cache.Request(key, width, height);
        }

        var clips = new[] { VideoFormat.Uhd4K(PixelFormat.BGRA8Unorm), VideoFormat.Uhd8K(PixelFormat.NV12) };
        var clip = 0;
        s.Ring = CreateRing(budget, clips[clip]) ?? [];

        var start = _time.GetTimestamp();
        var tickTicks = TimeSpan.FromSeconds(1.0 / _options.FramesPerSecond);
        int nextPhoto = 0, nextSwitch = 0;
        long ticks = 0, frames = 0, photos = 0, photosRefused = 0, switches = 0, switchesRefused = 0, effects = 0, effectsSkipped = 0, checksum = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var elapsed = _time.GetElapsedTime(start);
            var fraction = elapsed.TotalSeconds / _options.DurationSeconds;
            if (fraction >= 1)
            {
                break;
            }

            progress?.Invoke(fraction);
            if (nextPhoto < PhotoOpenAt.Length && fraction >= PhotoOpenAt[nextPhoto])
            {
                nextPhoto++;
                if (OpenPhoto(budget, s, photos))
                {
                    photos++;
                }
                else
                {
                    photosRefused++;
                }
            }

            if (nextSwitch < ClipSwitchAt.Length && fraction >= ClipSwitchAt[nextSwitch])
            {
                nextSwitch++;
                var next = CreateRing(budget, clips[1 - clip]);
                if (next is null)
                {
                    switchesRefused++;
                }
                else
                {
                    DisposeAll(s.Ring);
                    s.Ring = next;
                    clip = 1 - clip;
                    switches++;
                }
            }

            // Decode the next frame into the ring and present the previous one.
            if (s.Ring.Length > 0)
            {
                s.Ring[ticks % s.Ring.Length].Fill((int)ticks);
                checksum += s.Ring[(ticks + s.Ring.Length - 1) % s.Ring.Length].Checksum();
                frames++;
            }

            for (var i = 0; i < RequestsPerTick; i++)
            {
                var key = SkewedKey(random);
                var (width, height) = PreviewSize(key);
                cache.Request(key, width, height);
            }

            // An effect every fifth tick: a 1080p RGBA16Float blur scratch and a 64³ RGBA16Float LUT.
            if (ticks % 5 == 0)
            {
                if (RunEffect(scratch, 1920L * 1080 * 8, 1920 * 8) && RunEffect(scratch, 64L * 64 * 64 * 8, 64 * 8))
                {
                    effects++;
                }
                else
                {
                    effectsSkipped++;
                }
            }

            ticks++;
            var due = tickTicks * ticks;
            var wait = due - _time.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                Thread.Sleep(wait);
            }
        }

        progress?.Invoke(1);
        return new DemoResult(budget.GetSnapshot(), ProcessMemory.PeakResidentBytes(), _time.GetElapsedTime(start).TotalSeconds,
            ticks, frames, photos, photosRefused, switches, switchesRefused, effects, effectsSkipped,
            cache.Hits, cache.Misses, cache.Evictions, checksum);
    }

    private static bool OpenPhoto(MemoryBudget budget, Session s, long index)
    {
        var photo = new TextureDescriptor(11648, 8736, PixelFormat.RGBA8Unorm);
        var next = Create(budget, photo.TotalSizeBytes, (int)photo.GetRowPitchBytes(0), AllocationCategory.SourceAssets, Priority.High);
        if (next is null)
        {
            return false; // The open photo stays open: nothing already held is lost.
        }

        next.Fill((int)index + 100);
        s.Photo?.Dispose();
        s.Photo = next;
        return true;
    }

    private static bool RunEffect(ScratchPool scratch, long sizeBytes, int rowBytes)
    {
        var buffer = scratch.Rent(sizeBytes, rowBytes);
        if (buffer is null)
        {
            return false;
        }

        buffer.Fill(7);
        scratch.Return(buffer);
        return true;
    }

    private static PixelBuffer[]? CreateRing(MemoryBudget budget, VideoFormat format)
    {
        // Triple buffering: decode into one, present one, keep one queued.
        var ring = new PixelBuffer[3];
        for (var i = 0; i < ring.Length; i++)
        {
            var frame = Create(budget, format.FrameSizeBytes, (int)format.Planes[0].StrideBytes, AllocationCategory.VideoFrames, Priority.High);
            if (frame is null)
            {
                DisposeAll(ring.AsSpan(0, i));
                return null;
            }

            ring[i] = frame;
        }

        return ring;
    }

    private static PixelBuffer? Create(MemoryBudget budget, long sizeBytes, int rowBytes, AllocationCategory category, Priority priority) =>
        PixelBuffer.TryCreate(budget, sizeBytes, rowBytes, category, priority);

    private static int SkewedKey(Random random)
    {
        // Skewed popularity: the cube of a uniform number crowds keys towards 0.
        var u = random.NextDouble();
        return (int)(u * u * u * PreviewKeys);
    }

    private static (int Width, int Height) PreviewSize(int key) => (key % 10) switch
    {
        0 => (2048, 1536), // full-screen preview
        1 or 2 or 3 => (1024, 1024), // grid preview
        _ => (256, 256), // thumbnail
    };

    private static void DisposeAll(ReadOnlySpan<PixelBuffer> buffers)
    {
        foreach (var buffer in buffers)
        {
            buffer?.Dispose();
        }
    }

    /// <summary>What the session holds outside the cache and the scratch pool.</summary>
    private sealed class Session : IDisposable
    {
        public PixelBuffer? Ui { get; set; }

        public PixelBuffer? Working { get; set; }

        public PixelBuffer? Photo { get; set; }

        public PixelBuffer[] Ring { get; set; } = [];

        public void Dispose()
        {
            Ui?.Dispose();
            Working?.Dispose();
            Photo?.Dispose();
            DisposeAll(Ring);
        }
    }
}
