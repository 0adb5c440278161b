using MediaMemory.Internals;
using MediaMemory.Platform;
using Microsoft.Extensions.Logging;

namespace MediaMemory.Pressure;

/// <summary>
/// Memory pressure of a memory cgroup (by default this process's own), from up to two parts whose maximum is the
/// source's level. Name <c>cgroup-v1</c> or <c>cgroup-v2</c> (<c>cgroup</c> when no memory cgroup was found), kind
/// <see cref="SignalKind.Kernel"/>.
/// <list type="number">
/// <item>Kernel events, waited for with <c>poll(2)</c> on a dedicated background thread (see
/// <see cref="CgroupEventWatch"/>): v1 <c>memory.pressure_level</c> <c>medium</c>/<c>critical</c> notifications, v2
/// <c>memory.events</c> counters. Events say that pressure began, never that it ended, so an event's level holds
/// for <see cref="CgroupMemorySourceOptions.EventHold"/> (each new event restarts it) and then the level returns to
/// what usage says.</item>
/// <item>Usage against the limit (v1 <c>memory.usage_in_bytes</c>/<c>memory.limit_in_bytes</c>, v2
/// <c>memory.current</c>/<c>memory.max</c>), read by a <see cref="TimeProvider"/> timer every
/// <see cref="CgroupMemorySourceOptions.UsageInterval"/>: Warning at 80 %, Critical at 92 % by default. Unavailable
/// without a limit. It also ends event holds on time; without it a one-shot timer does.</item>
/// </list>
/// </summary>
/// <remarks>
/// Thread-safe. The poll thread and the timer both end in <see cref="Update"/>, which computes the combined level
/// under a lock and numbers it, and then in <see cref="Publish"/>, which reports it outside the lock: a report runs
/// the observers (a coordinator's responders, which may take milliseconds, or dispose the coordinator and so this
/// source, which joins the poll thread), and a thread holding the lock there would block the other thread on it for
/// that long, or for ever. Two threads publishing at once may report out of order for a moment, but each checks
/// after its report whether a newer level was computed meanwhile and then reports that one, so
/// <see cref="SignalSource{TState}.Current"/> always ends at the newest level. The order of the
/// <see cref="SignalSource{TState}.Changed"/> events is not guaranteed then: the last event a subscriber sees may
/// be the older of two reports made at once (its re-report is then no change, so not raised). A subscriber that
/// needs the level reads <c>Current</c> when told of a change, as the coordinator does. A file that cannot be
/// read after start (the cgroup was removed) marks the source unavailable.
/// </remarks>
public sealed class CgroupMemorySource : SignalSource<PressureLevel>, IMemoryFillSource
{
    private readonly CgroupMemorySourceOptions _options;
    private readonly string? _directory;
    private readonly CgroupVersion _version;
    private readonly Lock _levelGate = new();
    private CgroupUsageReader? _usage;
    private CgroupEventWatch? _watch;
    private LinuxEvents.PollThread? _thread;
    private ITimer? _timer;
    private PressureLevel _usageLevel;
    private string _usageReading = string.Empty;
    private PressureLevel _eventLevel;
    private string _eventReading = string.Empty;
    private long _eventUntil;
    private bool _stopped;

    // The newest combined level Update computed, numbered so Publish can tell whether it reported the newest.
    private PressureLevel _desiredLevel;
    private string _desiredReading = string.Empty;
    private long _desiredAt;
    private long _desiredVersion;

    /// <summary>Creates the source for the cgroup of <paramref name="options"/> (this process's own by default); nothing is
    /// opened until <see cref="SignalSource{TState}.Start"/>.</summary>
    /// <param name="options">Parts, thresholds and directory; the defaults when null.</param>
    /// <param name="timeProvider">Clock for timestamps, the usage timer and event holds; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (the message names it).</exception>
    public CgroupMemorySource(CgroupMemorySourceOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(Target(options), options ?? new CgroupMemorySourceOptions(), timeProvider, logger)
    {
    }

    private CgroupMemorySource((CgroupVersion Version, string? Directory) target, CgroupMemorySourceOptions options, TimeProvider? timeProvider, ILogger? logger)
        : base(NameOf(target.Version), SignalKind.Kernel, timeProvider, logger)
    {
        _options = options;
        _version = target.Version;
        _directory = target.Directory;
    }

    /// <summary>The cgroup directory watched, or null when no memory cgroup was found.</summary>
    public string? CgroupDirectory => _directory;

    /// <summary>The hierarchy of <see cref="CgroupDirectory"/>.</summary>
    public CgroupVersion Version => _version;

    /// <summary>True while the event thread runs (it ends on dispose).</summary>
    internal bool IsWaiting => _thread?.IsRunning ?? false;

    /// <summary>
    /// Whether the source works for this process's cgroup, and why not ("no memory cgroup", "no limit set",
    /// "cgroup.event_control not writable", ...): available when either part is. Registers the kernel events for real
    /// and removes them again.
    /// </summary>
    public static SourceAvailability Probe() => Probe(null);

    /// <summary>Like <see cref="Probe()"/>, for the cgroup and parts of <paramref name="options"/>.</summary>
    /// <param name="options">The options to probe; the defaults when null.</param>
    public static SourceAvailability Probe(CgroupMemorySourceOptions? options)
    {
        options ??= new CgroupMemorySourceOptions();
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return SourceAvailability.Unavailable(ex.Message.ReplaceLineEndings(" "));
        }

        var (version, directory) = Target(options);
        var availability = Open(options, version, directory, out var watch, out _);
        watch?.Dispose();
        return availability;
    }

    /// <inheritdoc />
    /// <remarks>Reads usage and limit afresh (two small files). Compares with <see cref="CgroupMemorySourceOptions.WarningUsagePercent"/>
    /// or <see cref="CgroupMemorySourceOptions.CriticalUsagePercent"/>; true without a usage part (events only) or a
    /// limit, after stop, or when a file cannot be read.</remarks>
    public bool WouldStayBelow(PressureLevel level, long growthBytes, out string reading)
    {
        reading = string.Empty;
        if (Volatile.Read(ref _usage) is not { } usage || !Availability.IsAvailable)
        {
            return true;
        }

        try
        {
            return usage.WouldStayBelow(level, growthBytes, out reading) ?? true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return true; // The timer's next read marks the source unavailable with the reason.
        }
    }

    /// <inheritdoc />
    protected override SourceAvailability OnStart()
    {
        var availability = Open(_options, _version, _directory, out _watch, out _usage);
        if (!availability.IsAvailable)
        {
            return availability;
        }

        // The timer exists before the thread, which may need it for a hold; it starts ticking only with a usage part.
        _timer = TimeProvider.CreateTimer(_ => Tick(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (_usage is not null)
        {
            Tick();
            _timer.Change(_options.UsageInterval, _options.UsageInterval);
        }

        if (_watch is not null)
        {
            try
            {
                _thread = LinuxEvents.PollThread.Start($"MediaMemory {Name}", _watch.Fds, _watch.Events, -1, TimeProvider, OnWake, MarkUnavailableAndStop);
            }
            catch (IOException)
            {
                OnStop();
                throw;
            }
        }

        return availability;
    }

    /// <inheritdoc />
    protected override void OnStop()
    {
        lock (_levelGate)
        {
            _stopped = true;
        }

        // Idempotent: OnStart stops what it opened when its thread cannot start, and the source's Dispose
        // stops again; the watch's descriptors must be closed once, not a second time under numbers that
        // may belong to someone else by then.
        Interlocked.Exchange(ref _timer, null)?.Dispose();
        Interlocked.Exchange(ref _thread, null)?.Dispose();
        Interlocked.Exchange(ref _watch, null)?.Dispose();
    }

    private static (CgroupVersion Version, string? Directory) Target(CgroupMemorySourceOptions? options)
    {
        options ??= new CgroupMemorySourceOptions();
        options.Validate();
        if (options.CgroupDirectory is { } directory)
        {
            return (options.Version, directory);
        }

        var limits = MemoryLimits.Detect();
        return (limits.CgroupVersion, limits.CgroupDirectory);
    }

    private static string NameOf(CgroupVersion version) => version switch
    {
        CgroupVersion.V1 => "cgroup-v1",
        CgroupVersion.V2 => "cgroup-v2",
        _ => "cgroup",
    };

    // Opens what the options ask for. Available when at least one part is; the detail names each part's state.
    private static SourceAvailability Open(CgroupMemorySourceOptions options, CgroupVersion version, string? directory, out CgroupEventWatch? watch, out CgroupUsageReader? usage)
    {
        watch = null;
        usage = null;
        if (!OperatingSystem.IsLinux() || directory is null || version == CgroupVersion.None)
        {
            return SourceAvailability.Unavailable("no memory cgroup: no cgroup v1 memory controller or cgroup v2 hierarchy holds this process");
        }

        if (!Directory.Exists(directory))
        {
            return SourceAvailability.Unavailable($"no memory cgroup at {directory}");
        }

        var events = options.UseEvents
            ? CgroupEventWatch.TryOpen(directory, version, options.V1Mode, out watch)
            : SourceAvailability.Unavailable("off");
        var reader = new CgroupUsageReader(directory, version, options.WarningUsagePercent, options.CriticalUsagePercent);
        var usageAvailability = options.UseUsage ? reader.Check() : SourceAvailability.Unavailable("off");
        usage = usageAvailability.IsAvailable ? reader : null;
        var detail = $"{directory}: events: {events.Detail}; usage: {usageAvailability.Detail}";
        return events.IsAvailable || usageAvailability.IsAvailable
            ? SourceAvailability.Available(detail)
            : SourceAvailability.Unavailable(detail);
    }

    private int OnWake(ReadOnlySpan<short> returned, long now)
    {
        var (level, reading) = _watch!.Handle(returned);
        if (level == PressureLevel.Normal)
        {
            return -1;
        }

        UpdateOnWake(level, reading, now);
        Publish();
        return -1;
    }

    private void UpdateOnWake(PressureLevel level, string reading, long now)
    {
        lock (_levelGate)
        {
            if (_stopped)
            {
                return; // Marked unavailable (a failed usage read): report nothing more.
            }

            var held = now < _eventUntil ? _eventLevel : PressureLevel.Normal;
            if (level >= held)
            {
                _eventLevel = level;
                _eventReading = reading;
            }

            _eventUntil = now + (long)(_options.EventHold.TotalSeconds * TimeProvider.TimestampFrequency);
            if (_usage is null && !_stopped)
            {
                _timer!.Change(_options.EventHold, Timeout.InfiniteTimeSpan);
            }

            Update(now);
        }
    }

    /// <summary>The shortest wait a hold's timer is re-armed for (arbitrary, so that a timer firing early by a
    /// fraction of a millisecond does not spin).</summary>
    private static readonly TimeSpan MinimumRearm = TimeSpan.FromMilliseconds(1);

    private void Tick()
    {
        try
        {
            lock (_levelGate)
            {
                if (_stopped)
                {
                    return;
                }

                if (_usage is not null)
                {
                    (_usageLevel, _usageReading) = _usage.Evaluate();
                }

                var now = TimeProvider.GetTimestamp();
                Update(now);
                if (_usage is null && now < _eventUntil)
                {
                    // The one-shot timer that ends a hold fired before the hold's end: system timers run on a
                    // coarser clock than the timestamps, and fired up to 4 ms early here in about half of 2,000
                    // tries. Without another shot the level would stay up until the next kernel event.
                    var remaining = TimeSpan.FromSeconds((double)(_eventUntil - now) / TimeProvider.TimestampFrequency);
                    _timer!.Change(remaining < MinimumRearm ? MinimumRearm : remaining, Timeout.InfiniteTimeSpan);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            MarkUnavailableAndStop(ex.Message.ReplaceLineEndings(" "));
            return;
        }

        Publish();
    }

    // Under _levelGate: the combined level is the higher of the held event level and the usage level.
    private void Update(long now)
    {
        var eventLevel = now < _eventUntil ? _eventLevel : PressureLevel.Normal;
        if (eventLevel > _usageLevel)
        {
            SetDesired(eventLevel, _eventReading, now);
        }
        else
        {
            SetDesired(_usageLevel, _usageReading.Length > 0 ? _usageReading : "no event", now);
        }
    }

    // Under _levelGate.
    private void SetDesired(PressureLevel level, string reading, long at)
    {
        _desiredLevel = level;
        _desiredReading = reading;
        _desiredAt = at;
        _desiredVersion++;
    }

    // Not under _levelGate (see the class remarks): reports the newest level until no newer one was computed meanwhile.
    private void Publish()
    {
        while (true)
        {
            PressureLevel level;
            string reading;
            long at;
            long version;
            lock (_levelGate)
            {
                (level, reading, at, version) = (_desiredLevel, _desiredReading, _desiredAt, _desiredVersion);
            }

            Report(level, reading, at);
            lock (_levelGate)
            {
                if (_desiredVersion == version)
                {
                    return;
                }
            }
        }
    }

    private void MarkUnavailableAndStop(string reason)
    {
        lock (_levelGate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;

            // A publish already under way reported an older level: it sees this one is newer and reports it too.
            SetDesired(PressureLevel.Normal, reason, TimeProvider.GetTimestamp());
        }

        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        MarkUnavailable(reason);
    }
}
