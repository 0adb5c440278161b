using MediaMemory.Budgeting;
using MediaMemory.Platform;
using MediaMemory.Pressure;
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
/// 80 %) and switches clips (at 25 %, 50 %, 75 %). Each tick also queues a prefetch of the next
/// preview on <see cref="BackgroundWork"/>, and with <see cref="DemoOptions.OutsideGrowthBytes"/> the
/// rest of the app grows outside the budget (<see cref="OutsideGrowth"/>).
/// <para>
/// With a coordinator (<see cref="DemoOptions.CreateCoordinator"/>) the session responds to pressure:
/// the cache trims or empties itself, idle scratch is dropped, background prefetching pauses or is
/// cancelled, and the quality scale (1, 0.5, minimum) shrinks new previews and — on the loop's next
/// tick — the working texture and the video ring (decoded at a lower resolution, as a player drops to
/// a lower rendition). The coordinator also lowers the budget's limit, which reclaims from the cache
/// and the scratch pool. The loop owns the session's buffers; responders and reclaimers run on the
/// coordinator's thread and touch only the cache and the scratch pool, which are thread-safe.
/// </para>
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
        var lowestLimit = budget.LimitBytes;
        budget.LimitChanged += (_, e) => InterlockedMin(ref lowestLimit, e.NewLimitBytes);
        var cache = new PreviewCache(budget);
        var scratch = new ScratchPool(budget);
        var cacheRegistration = budget.RegisterReclaimer(cache);
        var scratchRegistration = budget.RegisterReclaimer(scratch);
        var quality = new QualityController();
        var background = new BackgroundWork();
        var outside = new OutsideGrowth(_options.OutsideGrowthBytes);
        var random = new Random(_options.Seed);
        var session = new Session { Quality = quality };
        PressureCoordinator? coordinator = null;
        string[] sources = [];
        DemoResult result;
        try
        {
            coordinator = _options.CreateCoordinator?.Invoke(budget);
            if (coordinator is not null)
            {
                coordinator.Register(quality);
                coordinator.Register(background);
                coordinator.Register(cache);
                coordinator.Register(scratch);
                quality.Subscribe(scale => cache.Scale = scale);
                coordinator.Start();
                sources = ActiveSources(coordinator);
            }

            result = RunLoop(budget, cache, scratch, background, outside, random, session, progress, cancellationToken);
        }
        finally
        {
            // Stop hearing signals first, then let go of everything the session holds.
            coordinator?.Dispose();
            background.Dispose();

            // A prefetch already running could still put a preview into the cache after the cache is
            // emptied below; wait for it (it was cancelled and is short).
            background.WhenIdleAsync().Wait(TimeSpan.FromSeconds(10), CancellationToken.None);
            session.Dispose();
            cacheRegistration.Dispose();
            scratchRegistration.Dispose();
            cache.Dispose();
            scratch.Dispose();
            outside.Dispose();
        }

        // Integrity check: with every holder closed, the budget's accounting is back to exactly zero.
        var after = budget.GetSnapshot();
        return result with
        {
            UsedBytesAfterCleanup = after.UsedBytes,
            LiveTokensAfterCleanup = after.LiveTokens,
            InitialLimitBytes = _options.BudgetBytes,
            LowestLimitBytes = Interlocked.Read(ref lowestLimit),
            PressureEvents = coordinator?.Events ?? [],
            Sources = sources,
            QualityAtEnd = quality.Scale,
            Prefetches = background.CompletedCount,
            PrefetchesCancelled = background.CancelledCount,
        };
    }

    /// <summary>The sources that started for real (taken right after the start, while they run).</summary>
    private static string[] ActiveSources(PressureCoordinator coordinator) =>
        [.. coordinator.PressureSources.Where(s => s.Availability.IsAvailable).Select(s => s.Name)
            .Concat(coordinator.ThermalSources.Where(s => s.Availability.IsAvailable).Select(s => s.Name))];

    private static void InterlockedMin(ref long target, long value)
    {
        long seen;
        while ((seen = Interlocked.Read(ref target)) > value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private DemoResult RunLoop(MemoryBudget budget, PreviewCache cache, ScratchPool scratch, BackgroundWork background, OutsideGrowth outside, Random random, Session s, Action<double>? progress, CancellationToken cancellationToken)
    {
        var uiFormat = new VideoFormat(2560, 1600, PixelFormat.BGRA8Unorm);
        s.Ui = Create(budget, uiFormat.FrameSizeBytes, (int)uiFormat.Planes[0].StrideBytes, AllocationCategory.UI, Priority.Essential);
        s.Ui?.Fill(0);
        var scale = s.Quality!.Scale;
        s.Working = CreateWorking(budget, scale);

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
        s.Ring = CreateRing(budget, Scaled(clips[clip], scale)) ?? [];

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
            outside.GrowTo(fraction);
            if (s.Quality.Scale != scale)
            {
                scale = s.Quality.Scale;
                Rescale(budget, s, Scaled(clips[clip], scale), scale);
            }

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
                var next = CreateRing(budget, Scaled(clips[1 - clip], scale));
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

            // Prefetch the preview after the last one shown, in the background (skipped while a few wait).
            if (background.PendingCount < 4)
            {
                var next = (SkewedKey(random) + 1) % PreviewKeys;
                var (width, height) = PreviewSize(next);
                _ = background.Enqueue("prefetch", _ =>
                {
                    cache.Request(next, width, height);
                    return Task.CompletedTask;
                }, cancellationToken);
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
            cache.Hits, cache.Misses, cache.Evictions, checksum)
        {
            OutsideBytes = outside.HeldBytes,
        };
    }

    private static PixelBuffer? CreateWorking(MemoryBudget budget, double scale)
    {
        var working = new TextureDescriptor(Even(3840 * scale), Even(2160 * scale), PixelFormat.RGBA16Float);
        var buffer = Create(budget, working.TotalSizeBytes, (int)working.GetRowPitchBytes(0), AllocationCategory.WorkingTextures, Priority.Normal);
        buffer?.Fill(1);
        return buffer;
    }

    /// <summary>
    /// Rebuilds the working texture and the video ring at a new quality scale. Going down, the old
    /// buffers go first (the point is to free memory); going up, the new ones are made first and the
    /// old kept if the budget refuses.
    /// </summary>
    private static void Rescale(MemoryBudget budget, Session s, VideoFormat ringFormat, double scale)
    {
        var down = s.Working is null || scale * 3840 < s.WorkingWidth;
        if (down)
        {
            s.Working?.Dispose();
            s.Working = null;
            DisposeAll(s.Ring);
            s.Ring = [];
        }

        if (CreateWorking(budget, scale) is { } working)
        {
            s.Working?.Dispose();
            s.Working = working;
            s.WorkingWidth = Even(3840 * scale);
        }

        if (CreateRing(budget, ringFormat) is { } ring)
        {
            DisposeAll(s.Ring);
            s.Ring = ring;
        }
    }

    private static VideoFormat Scaled(VideoFormat format, double scale) =>
        scale >= 1 ? format : new VideoFormat(Even(format.Width * scale), Even(format.Height * scale), format.PixelFormat);

    // Even and at least 2, so subsampled formats (NV12) stay valid.
    private static int Even(double value) => Math.Max(2, (int)value & ~1);

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

        public int WorkingWidth { get; set; } = 3840;

        public QualityController? Quality { get; init; }

        public void Dispose()
        {
            Ui?.Dispose();
            Working?.Dispose();
            Photo?.Dispose();
            DisposeAll(Ring);
        }
    }
}
