using System.Globalization;
using MediaMemory.Internals;
using MediaMemory.Platform;
using Microsoft.Extensions.Logging;

namespace MediaMemory.Pressure;

/// <summary>
/// Memory pressure from the kernel's pressure stall information (PSI): two triggers registered on
/// <c>/proc/pressure/memory</c> (or this process's cgroup v2 <c>memory.pressure</c> when memory is on cgroup v2), a
/// <c>some</c> trigger for <see cref="PressureLevel.Warning"/> and a <c>full</c> trigger for
/// <see cref="PressureLevel.Critical"/>, each on its own file descriptor (the kernel allows one trigger per fd).
/// Name <c>psi</c>, kind <see cref="SignalKind.Kernel"/>.
/// </summary>
/// <remarks>
/// <para>A dedicated background thread waits in <c>poll(2)</c> for <c>POLLPRI</c> on both fds and on an eventfd
/// that <see cref="SignalSource{TState}.Dispose()"/> signals: nothing runs while nothing stalls. A firing is
/// timestamped right after poll returns; the reading is the file's <c>avg10</c> figures
/// (<c>some avg10=1.23 full avg10=0.40</c>).</para>
/// <para>Coming back down: PSI triggers fire only on stall, so after a firing the thread wakes once per window and
/// keeps the level only while the stall in the window just past still reaches the trigger's threshold (measured
/// from the file's <c>total</c>); see <see cref="PsiTriggerTracker"/> for the exact rule.</para>
/// <para><c>POLLERR</c> means the file went away (its cgroup was removed): the source marks itself unavailable and
/// its level returns to Normal. Thread-safe: the poll thread is the only writer of its state, and reports go
/// through <see cref="SignalSource{TState}"/>.</para>
/// </remarks>
public sealed class LinuxPsiSource : SignalSource<PressureLevel>, IPressureSource
{
    /// <summary>The machine-wide PSI file for memory.</summary>
    public const string SystemPressureFile = "/proc/pressure/memory";

    private readonly LinuxPsiSourceOptions _options;
    private readonly PsiTrigger[] _triggers;
    private PsiTriggerTracker? _tracker;
    private LinuxEvents.PollThread? _thread;
    private int[] _fds = [];
    private string _path = string.Empty;

    /// <summary>Creates the source; nothing is opened until <see cref="SignalSource{TState}.Start"/>.</summary>
    /// <param name="options">Triggers and file; the defaults (100 ms stall per 2 s window for both) when null.</param>
    /// <param name="timeProvider">Clock for timestamps and the re-check deadlines; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (the message names it).</exception>
    public LinuxPsiSource(LinuxPsiSourceOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
        : base("psi", SignalKind.Kernel, timeProvider, logger)
    {
        _options = options ?? new LinuxPsiSourceOptions();
        _options.Validate(PsiTrigger.ProcessMayUseAnyWindow());
        _triggers = [_options.WarningTrigger, _options.CriticalTrigger];
    }

    /// <summary>The PSI file the source watches (after start), e.g. <c>/proc/pressure/memory</c>.</summary>
    public string PressureFilePath => _path;

    /// <summary>True while the poll thread runs (it ends on dispose or when the file goes away).</summary>
    internal bool IsWaiting => _thread?.IsRunning ?? false;

    /// <summary>
    /// Whether the default triggers can be registered here, and why not: the file is missing (a kernel without
    /// PSI, <c>CONFIG_PSI</c>, or booted with <c>psi=0</c>), unreadable or malformed, or the kernel refused a trigger
    /// (EINVAL, EPERM, ...). Registers both triggers for real and removes them again.
    /// </summary>
    public static SourceAvailability Probe() => Probe(null);

    /// <summary>Like <see cref="Probe()"/>, for the triggers and file of <paramref name="options"/>.</summary>
    /// <param name="options">The options to probe; the defaults when null.</param>
    public static SourceAvailability Probe(LinuxPsiSourceOptions? options)
    {
        options ??= new LinuxPsiSourceOptions();
        try
        {
            options.Validate(PsiTrigger.ProcessMayUseAnyWindow());
            var path = ResolvePath(options);
            var availability = Register(path, [options.WarningTrigger, options.CriticalTrigger], out var fds, out _);
            foreach (var fd in fds)
            {
                LinuxEvents.Close(fd);
            }

            return availability;
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return SourceAvailability.Unavailable(ex.Message.ReplaceLineEndings(" "));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return SourceAvailability.Unavailable(ex.Message.ReplaceLineEndings(" "));
        }
    }

    /// <inheritdoc />
    protected override SourceAvailability OnStart()
    {
        _path = ResolvePath(_options);
        var availability = Register(_path, _triggers, out var fds, out var snapshot);
        if (!availability.IsAvailable || snapshot is null)
        {
            return availability;
        }

        _fds = fds;
        _tracker = new PsiTriggerTracker(_triggers, TimeProvider.TimestampFrequency);
        Report(PressureLevel.Normal, snapshot.Summary);
        try
        {
            _thread = LinuxEvents.PollThread.Start(
                "MediaMemory psi", fds, [LinuxEvents.PollPriority, LinuxEvents.PollPriority], -1, TimeProvider, OnWake, MarkUnavailable);
        }
        catch (IOException)
        {
            CloseFds();
            throw;
        }

        return availability;
    }

    /// <inheritdoc />
    protected override void OnStop()
    {
        _thread?.Dispose();
        CloseFds();
    }

    private int OnWake(ReadOnlySpan<short> returned, long now)
    {
        foreach (var events in returned)
        {
            if ((events & (LinuxEvents.PollError | LinuxEvents.PollInvalid | LinuxEvents.PollHangUp)) != 0)
            {
                MarkUnavailable($"{_path} went away (poll returned POLLERR); its cgroup was probably removed");
                return LinuxEvents.PollThread.StopWaiting;
            }
        }

        var snapshot = Read(_path);
        var tracker = _tracker!;
        for (var i = 0; i < returned.Length; i++)
        {
            if ((returned[i] & LinuxEvents.PollPriority) != 0)
            {
                tracker.Fired(i, snapshot, now);
            }
        }

        tracker.Recheck(snapshot, now);
        Report(tracker.Level, snapshot.Summary, now);
        return tracker.MillisecondsUntilNextCheck(TimeProvider.GetTimestamp());
    }

    private void CloseFds()
    {
        foreach (var fd in _fds)
        {
            LinuxEvents.Close(fd);
        }

        _fds = [];
    }

    private static string ResolvePath(LinuxPsiSourceOptions options)
    {
        if (options.PressureFilePath is { } explicitPath)
        {
            return explicitPath;
        }

        // Memory on cgroup v2: the cgroup's own file counts only its tasks' stalls, which is what a limit causes.
        var limits = MemoryLimits.Detect();
        return limits is { CgroupVersion: CgroupVersion.V2, CgroupDirectory: { } directory } && File.Exists(Path.Combine(directory, "memory.pressure"))
            ? Path.Combine(directory, "memory.pressure")
            : SystemPressureFile;
    }

    private static PsiSnapshot Read(string path)
    {
        try
        {
            return PsiSnapshot.Parse(File.ReadAllText(path));
        }
        catch (FormatException ex)
        {
            throw new FormatException($"{path} is not a PSI file: {ex.Message}", ex);
        }
    }

    // Reads the file (it must parse), opens one fd per trigger and writes each trigger. On failure nothing stays open.
    private static SourceAvailability Register(string path, PsiTrigger[] triggers, out int[] fds, out PsiSnapshot? snapshot)
    {
        fds = [];
        snapshot = null;
        if (!OperatingSystem.IsLinux())
        {
            return SourceAvailability.Unavailable("PSI is Linux only");
        }

        if (!File.Exists(path))
        {
            return SourceAvailability.Unavailable(path == SystemPressureFile
                ? $"kernel without PSI (CONFIG_PSI) or booted with psi=0: {path} does not exist"
                : $"{path} does not exist");
        }

        snapshot = Read(path);
        var opened = new List<int>(triggers.Length);
        foreach (var trigger in triggers)
        {
            var fd = LinuxEvents.Open(path, LinuxEvents.OpenReadWrite | LinuxEvents.OpenNonBlocking, out var errno);
            var failure = fd < 0
                ? $"cannot open {path} for writing a PSI trigger ({LinuxEvents.ErrorName(errno)}){Hint(errno)}"
                : LinuxEvents.WriteText(fd, trigger.Text) is var written and not 0
                    ? $"the kernel refused the PSI trigger \"{trigger.Text.TrimEnd()}\" on {path} ({LinuxEvents.ErrorName(written)}){Hint(written)}"
                    : null;
            if (fd >= 0)
            {
                opened.Add(fd);
            }

            if (failure is not null)
            {
                foreach (var open in opened)
                {
                    LinuxEvents.Close(open);
                }

                snapshot = null;
                return SourceAvailability.Unavailable(failure);
            }
        }

        fds = [.. opened];
        return SourceAvailability.Available(string.Create(CultureInfo.InvariantCulture,
            $"{path}: {Describe(triggers[0])}, {Describe(triggers[1])}"));
    }

    private static string Describe(PsiTrigger trigger) =>
        string.Create(CultureInfo.InvariantCulture, $"{trigger.Line} {trigger.Stall.TotalMilliseconds} ms per {trigger.Window.TotalSeconds} s -> {trigger.Level}");

    private static string Hint(int errno) => LinuxEvents.ErrorName(errno) switch
    {
        "EINVAL" => ": windows must be 500 ms to 10 s and, without CAP_SYS_RESOURCE, multiples of 2 s; the stall at most the window",
        "EPERM" or "EACCES" => ": needs write access to the file (kernels before 6.4 also need CAP_SYS_RESOURCE for any trigger)",
        "EOPNOTSUPP" => ": PSI is disabled here (psi=0, or cgroup PSI switched off)",
        _ => string.Empty,
    };
}
