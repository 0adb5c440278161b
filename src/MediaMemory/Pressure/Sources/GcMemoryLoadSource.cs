using System.Globalization;
using System.Runtime.InteropServices;
using MediaMemory.Units;

namespace MediaMemory.Pressure;

/// <summary>
/// A pressure source from the .NET GC's view of the machine: <see cref="GCMemoryInfo.MemoryLoadBytes"/>
/// against <see cref="GCMemoryInfo.HighMemoryLoadThresholdBytes"/> (by default 90 % of the memory the GC
/// may use, which honours cgroup limits), Warning at 70 % of it and Critical at 90 % unless
/// <see cref="GcMemoryLoadSourceOptions.Thresholds"/> says otherwise. Name <c>gc</c>, kind <see cref="SignalKind.Runtime"/>.
/// </summary>
/// <remarks>
/// <para>
/// The figures come from the last GC (<see cref="GC.GetGCMemoryInfo()"/>), so the source reads them after each
/// gen-2 GC, as the runtime's <c>ArrayPool</c> trims (the <c>Gen2GcCallback</c> pattern, see
/// <see cref="Gen2GcCallback"/>), and on <see cref="PollingSourceOptions.Interval"/>. Before the first GC
/// (<see cref="GCMemoryInfo.Index"/> 0) the load reads 0 against a real high threshold, which says nothing:
/// the source then stays Normal and says the load is unknown.
/// </para>
/// <para>
/// Neither the gen-2 callback nor the timer holds the source strongly: a started source that nobody
/// references (and nobody disposed) is collected, and both stop. Checks run on a thread-pool thread, never on
/// the finalizer thread, so a slow <see cref="SignalSource{TState}.Changed"/> handler cannot hold up finalization.
/// </para>
/// <para>
/// Thread-safe. Accepted race: a timer check and a gen-2 check running at once may report out of order, so
/// the older reading can stand until the next check (one interval or one gen-2 GC later); checks are never
/// serialised under a lock held while observers run, which could deadlock against an observer's own lock.
/// </para>
/// </remarks>
public sealed class GcMemoryLoadSource : SignalSource<PressureLevel>, IPressureSource
{
    private readonly Func<(long LoadBytes, long HighBytes)> _read;
    private ITimer? _timer;
    private WeakReference? _gen2Callback;
    private long _gen2Checks;

    /// <summary>Creates the source reading the real GC.</summary>
    /// <param name="options">Settings; defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public GcMemoryLoadSource(GcMemoryLoadSourceOptions? options = null)
        : this(options, ReadGc)
    {
    }

    /// <summary>Creates the source with another reading of (memory load, high threshold) in bytes, a high threshold
    /// of 0 meaning that no GC has run yet: a test seam.</summary>
    internal GcMemoryLoadSource(GcMemoryLoadSourceOptions? options, Func<(long LoadBytes, long HighBytes)> read)
        : base("gc", SignalKind.Runtime, (options ??= new GcMemoryLoadSourceOptions()).TimeProvider, options.Logger)
    {
        ArgumentNullException.ThrowIfNull(read);
        options.Validate();
        Options = options;
        _read = read;
    }

    /// <summary>The settings.</summary>
    public GcMemoryLoadSourceOptions Options { get; }

    /// <summary>Gen-2 GCs after which a check was queued (for tests).</summary>
    internal long Gen2Checks => Interlocked.Read(ref _gen2Checks);

    /// <summary>The gen-2 callback object, tracked through its resurrections (for tests): alive until it
    /// stopped re-registering and was collected; null when there is none.</summary>
    internal WeakReference? Gen2Callback => _gen2Callback;

    /// <summary>Whether the gen-2 callback object still exists (for tests).</summary>
    internal bool IsGen2CallbackAlive => _gen2Callback?.IsAlive ?? false;

    /// <summary>The level and reading for a memory load and high threshold in bytes; a high threshold of 0 (or less)
    /// means no GC has run yet.</summary>
    internal static (PressureLevel Level, string Reading) Assess(long loadBytes, long highBytes, PressureThresholds thresholds)
    {
        if (highBytes <= 0)
        {
            return (PressureLevel.Normal, "memory load unknown: no GC has run yet");
        }

        var percent = loadBytes * 100.0 / highBytes;
        var reading = string.Create(
            CultureInfo.InvariantCulture,
            $"memory load {ByteSize.Format(loadBytes)} of high {ByteSize.Format(highBytes)} ({Math.Floor(percent)} %)");
        return (thresholds.Classify(percent), reading);
    }

    /// <inheritdoc />
    protected override SourceAvailability OnStart()
    {
        Check();
        if (Options.CheckAfterGen2Gc)
        {
            _gen2Callback = new WeakReference(Gen2GcCallback.Register(this), trackResurrection: true);
        }

        _timer = SourceIntervals.StartWeak(TimeProvider, Options.Interval, this, static source => source.Check());
        var when = (Options.CheckAfterGen2Gc, Options.Interval == Timeout.InfiniteTimeSpan) switch
        {
            (true, false) => $"after each gen-2 GC and every {SourceIntervals.Format(Options.Interval)}",
            (true, true) => "after each gen-2 GC",
            (false, false) => $"every {SourceIntervals.Format(Options.Interval)}",
            (false, true) => "once, at start",
        };
        return SourceAvailability.Available($"GC memory load against its high threshold ({Options.Thresholds}), {when}");
    }

    /// <inheritdoc />
    protected override void OnStop() => _timer?.Dispose(); // the gen-2 callback sees IsDisposed and stops at its next run

    private static (long, long) ReadGc()
    {
        // Before the first GC the info describes none (Index 0): MemoryLoadBytes is 0 but the high threshold is
        // already set, so the pair would read as an idle machine ("memory load 0 B of high 21.19 GiB").
        var info = GC.GetGCMemoryInfo();
        return info.Index == 0 ? (0, 0) : (info.MemoryLoadBytes, info.HighMemoryLoadThresholdBytes);
    }

    private void Check()
    {
        var (load, high) = _read();
        var (level, reading) = Assess(load, high, Options.Thresholds);
        Report(level, reading);
    }

    /// <summary>Called on the finalizer thread after a GC; false stops the callback.</summary>
    private bool OnGcFinalization(ref int lastGen2Count)
    {
        if (IsDisposed)
        {
            return false;
        }

        // The callback object is finalized after every GC that collects its generation: while it is young
        // that includes gen-0 and gen-1 GCs. Only a gen-2 GC since the last run queues a check.
        var gen2Count = GC.CollectionCount(2);
        if (gen2Count != lastGen2Count)
        {
            lastGen2Count = gen2Count;
            Interlocked.Increment(ref _gen2Checks);
            ThreadPool.UnsafeQueueUserWorkItem(static source => source.Check(), this, preferLocal: false);
        }

        return true;
    }

    /// <summary>
    /// An object nobody references whose finalizer re-registers itself, so it runs after every GC that
    /// collects its generation; once it reached gen 2 that is every gen-2 GC. As in the runtime's
    /// <c>System.Gen2GcCallback</c>, it holds its source through a weak <see cref="GCHandle"/>, not a
    /// <see cref="WeakReference{T}"/>: a WeakReference is itself finalizable, becomes unreachable together
    /// with this object, and may be finalized (and cleared) first, which would end the callback at random.
    /// It stops (frees the handle, does not re-register) when the source was collected or disposed.
    /// </summary>
    private sealed class Gen2GcCallback
    {
        private GCHandle _source;
        private int _lastGen2Count;

        private Gen2GcCallback(GcMemoryLoadSource source)
        {
            _source = GCHandle.Alloc(source, GCHandleType.Weak);
            _lastGen2Count = GC.CollectionCount(2);
        }

        ~Gen2GcCallback()
        {
            if (_source.Target is GcMemoryLoadSource source && source.OnGcFinalization(ref _lastGen2Count))
            {
                GC.ReRegisterForFinalize(this);
                return;
            }

            _source.Free();
        }

        /// <summary>Starts a callback for <paramref name="source"/>; the object is returned only so tests can
        /// watch it through a weak reference: holding it strongly would stop it from ever being finalized.</summary>
        public static Gen2GcCallback Register(GcMemoryLoadSource source) => new(source);
    }
}
