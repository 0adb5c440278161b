using System.Globalization;
using MediaMemory.Internals;
using MediaMemory.Platform;

namespace MediaMemory.Pressure;

/// <summary>
/// The kernel-event part of <see cref="CgroupMemorySource"/>: the file descriptors to poll and what their wake-ups mean.
/// <list type="bullet">
/// <item>cgroup v1: two eventfds registered on <c>memory.pressure_level</c> by writing
/// "<c>&lt;eventfd&gt; &lt;fd of memory.pressure_level&gt; &lt;level&gt;[,mode]</c>" to <c>cgroup.event_control</c>:
/// <c>medium</c> (Warning) and <c>critical</c> (Critical). <c>low</c> is not used: it fires on any reclaim, which
/// under a limit is constant. A medium listener also hears critical events (vmpressure.c signals every listener
/// whose level is at or below the event's), so both may wake at once; the higher wins.</item>
/// <item>cgroup v2: inotify <c>IN_MODIFY</c> on <c>memory.events</c> (the kernel raises a file-modified event when a
/// counter changes); the file is re-read and <c>high</c> growth means Warning, <c>max</c>/<c>oom</c>/<c>oom_kill</c>
/// growth Critical.</item>
/// </list>
/// Not thread-safe: opened on the starting thread, then used only by the poll thread, closed after it ended.
/// </summary>
internal sealed class CgroupEventWatch : IDisposable
{
    private readonly string _directory;
    private readonly CgroupVersion _version;
    private readonly int[] _fds;
    private readonly int _pressureLevelFd;
    private CgroupMemoryEvents _lastEvents;

    private CgroupEventWatch(string directory, CgroupVersion version, int[] fds, int pressureLevelFd, CgroupMemoryEvents lastEvents)
    {
        _directory = directory;
        _version = version;
        _fds = fds;
        _pressureLevelFd = pressureLevelFd;
        _lastEvents = lastEvents;
    }

    /// <summary>The fds to poll: v1 the medium and critical eventfds, v2 the inotify fd.</summary>
    public int[] Fds => _fds;

    /// <summary>What to poll each fd for (<c>POLLIN</c>).</summary>
    public short[] Events => [.. _fds.Select(_ => LinuxEvents.PollIn)];

    /// <summary>Registers for the kernel's events in <paramref name="directory"/>; on failure nothing stays open and
    /// the reason says what was missing or refused.</summary>
    public static SourceAvailability TryOpen(string directory, CgroupVersion version, CgroupPressureMode mode, out CgroupEventWatch? watch)
    {
        watch = null;
        try
        {
            return version == CgroupVersion.V1 ? OpenV1(directory, mode, out watch) : OpenV2(directory, out watch);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return SourceAvailability.Unavailable(ex.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>Handles a wake-up of the poll thread: the level the events mean (Normal when nothing counted) and a reading.</summary>
    /// <exception cref="IOException">The cgroup was removed (the kernel signals v1 eventfds as it removes their events).</exception>
    public (PressureLevel Level, string Reading) Handle(ReadOnlySpan<short> returned)
    {
        if (_version == CgroupVersion.V1)
        {
            var medium = (returned[0] & LinuxEvents.PollIn) != 0 && LinuxEvents.DrainEventFd(_fds[0]) > 0;
            var critical = (returned[1] & LinuxEvents.PollIn) != 0 && LinuxEvents.DrainEventFd(_fds[1]) > 0;
            if (!Directory.Exists(_directory))
            {
                throw new IOException($"the cgroup {_directory} was removed");
            }

            return critical ? (PressureLevel.Critical, "memory.pressure_level critical")
                : medium ? (PressureLevel.Warning, "memory.pressure_level medium")
                : (PressureLevel.Normal, string.Empty);
        }

        DrainInotify(_fds[0]);
        var now = CgroupMemoryEvents.Parse(File.ReadAllText(Path.Combine(_directory, "memory.events")));
        var level = now.LevelSince(_lastEvents);
        var reading = level == PressureLevel.Normal ? string.Empty : $"memory.events {now} (was {_lastEvents})";
        _lastEvents = now;
        return (level, reading);
    }

    /// <summary>Closes the fds; closing a v1 eventfd also removes its registration in the kernel.</summary>
    public void Dispose()
    {
        foreach (var fd in _fds)
        {
            LinuxEvents.Close(fd);
        }

        LinuxEvents.Close(_pressureLevelFd);
    }

    private static SourceAvailability OpenV1(string directory, CgroupPressureMode mode, out CgroupEventWatch? watch)
    {
        watch = null;
        var control = Path.Combine(directory, "cgroup.event_control");
        var pressureLevel = Path.Combine(directory, "memory.pressure_level");
        if (!File.Exists(pressureLevel) || !File.Exists(control))
        {
            return SourceAvailability.Unavailable($"no memory.pressure_level or cgroup.event_control in {directory} (not a cgroup v1 memory cgroup)");
        }

        var suffix = mode switch
        {
            CgroupPressureMode.Hierarchy => ",hierarchy",
            CgroupPressureMode.Local => ",local",
            _ => string.Empty,
        };
        var opened = new List<int>();
        var levelFd = LinuxEvents.Open(pressureLevel, LinuxEvents.OpenReadOnly, out var errno);
        var controlFd = levelFd < 0 ? -1 : LinuxEvents.Open(control, LinuxEvents.OpenWriteOnly, out errno);
        string? failure = levelFd < 0 ? $"cannot open {pressureLevel} ({LinuxEvents.ErrorName(errno)})"
            : controlFd < 0 ? $"cgroup.event_control not writable: {control} ({LinuxEvents.ErrorName(errno)})"
            : null;

        // Medium first, then critical: the order does not matter for delivery (each listener at or below the
        // event's level is signalled), only for reading the code.
        foreach (var level in (string[])["medium", "critical"])
        {
            if (failure is not null)
            {
                break;
            }

            var eventFd = LinuxEvents.CreateEventFd(out errno);
            if (eventFd < 0)
            {
                failure = $"eventfd failed ({LinuxEvents.ErrorName(errno)})";
                break;
            }

            opened.Add(eventFd);
            var registration = string.Create(CultureInfo.InvariantCulture, $"{eventFd} {levelFd} {level}{suffix}");
            var written = LinuxEvents.WriteText(controlFd, registration);
            if (written != 0)
            {
                failure = $"the kernel refused \"{registration}\" in {control} ({LinuxEvents.ErrorName(written)})";
            }
        }

        LinuxEvents.Close(controlFd);
        if (failure is not null)
        {
            opened.ForEach(LinuxEvents.Close);
            LinuxEvents.Close(levelFd);
            return SourceAvailability.Unavailable(failure);
        }

        watch = new CgroupEventWatch(directory, CgroupVersion.V1, [.. opened], levelFd, default);
        return SourceAvailability.Available($"memory.pressure_level medium -> Warning, critical -> Critical ({(mode == CgroupPressureMode.Default ? "default" : mode.ToString().ToLowerInvariant())} mode)");
    }

    private static SourceAvailability OpenV2(string directory, out CgroupEventWatch? watch)
    {
        watch = null;
        var events = Path.Combine(directory, "memory.events");
        if (!File.Exists(events))
        {
            return SourceAvailability.Unavailable($"no memory.events in {directory} (not a cgroup v2 cgroup with the memory controller)");
        }

        var initial = CgroupMemoryEvents.Parse(File.ReadAllText(events));
        var inotify = LinuxEvents.CreateInotify(out var errno);
        if (inotify < 0)
        {
            return SourceAvailability.Unavailable($"inotify_init1 failed ({LinuxEvents.ErrorName(errno)})");
        }

        var added = LinuxEvents.AddInotifyWatch(inotify, events, LinuxEvents.InotifyModify);
        if (added != 0)
        {
            LinuxEvents.Close(inotify);
            return SourceAvailability.Unavailable($"cannot watch {events} ({LinuxEvents.ErrorName(added)})");
        }

        watch = new CgroupEventWatch(directory, CgroupVersion.V2, [inotify], -1, initial);
        return SourceAvailability.Available("memory.events high -> Warning, max/oom/oom_kill -> Critical");
    }

    private static void DrainInotify(int fd)
    {
        // The events only say "modified"; the file is re-read anyway, so their contents are dropped.
        Span<byte> buffer = stackalloc byte[4096];
        while (LinuxEvents.Read(fd, buffer, out _) > 0)
        {
        }
    }
}
