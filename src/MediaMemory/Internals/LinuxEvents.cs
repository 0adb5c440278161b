using System.Runtime.InteropServices;
using System.Text;

namespace MediaMemory.Internals;

/// <summary>
/// <c>open</c>, <c>read</c>, <c>write</c>, <c>close</c>, <c>poll</c>, <c>eventfd</c> and <c>inotify</c> from
/// libc: what the kernel pressure sources need to wait for PSI triggers, cgroup v1 pressure-level
/// notifications and cgroup v2 <c>memory.events</c> changes without polling; and <c>nanosleep</c>, for
/// the scripted source's waits shorter than the millisecond that managed waits resolve. File descriptors are plain
/// <see cref="int"/>s owned by the caller, which closes each exactly once.
/// </summary>
internal static unsafe partial class LinuxEvents
{
    // <fcntl.h>, <poll.h>, <sys/eventfd.h>, <sys/inotify.h>, <errno.h>: the same values on x86-64 and
    // arm64 Linux (both use the generic O_NONBLOCK = 04000 and O_CLOEXEC = 02000000).
    public const int OpenReadOnly = 0;
    public const int OpenWriteOnly = 1;
    public const int OpenReadWrite = 2;
    public const int OpenNonBlocking = 0x800;
    public const int OpenCloseOnExec = 0x80000;
    public const short PollIn = 0x1;
    public const short PollPriority = 0x2;
    public const short PollError = 0x8;
    public const short PollHangUp = 0x10;
    public const short PollInvalid = 0x20;
    public const uint InotifyModify = 0x2;
    public const int ErrorInterrupted = 4;
    public const int ErrorWouldBlock = 11;

    /// <summary>
    /// Sleeps for <paramref name="duration"/> (at most a second) with <c>nanosleep(2)</c>: a high-resolution
    /// kernel timer, late by the timer slack (50 µs by default) rather than by a whole millisecond, and no
    /// spinning. Interrupted by a signal, it returns early; callers check the time again.
    /// </summary>
    public static void Sleep(TimeSpan duration)
    {
        var nanoseconds = Math.Clamp(duration.Ticks, 0, TimeSpan.TicksPerSecond - 1) * 100;
        var request = new TimeSpec { Seconds = 0, Nanoseconds = (nint)nanoseconds };
        _ = NanoSleepNative(&request, null);
    }

    /// <summary>
    /// Sets the calling thread's timer slack (<c>prctl(PR_SET_TIMERSLACK)</c>): how much later than asked the
    /// kernel may end its timed waits, to batch wake-ups; 50 µs by default. Best effort: a refusal keeps it.
    /// </summary>
    public static void SetTimerSlack(TimeSpan slack) =>
        _ = PrctlNative(PrSetTimerSlack, (nuint)Math.Max(1, slack.Ticks * 100), 0, 0, 0);

    /// <summary>The calling thread's timer slack (<c>prctl(PR_GET_TIMERSLACK)</c>), or null when refused.</summary>
    public static TimeSpan? GetTimerSlack()
    {
        var nanoseconds = PrctlNative(PrGetTimerSlack, 0, 0, 0, 0);
        return nanoseconds < 0 ? null : TimeSpan.FromTicks(nanoseconds / 100);
    }

    /// <summary>Opens <paramref name="path"/>; returns the fd, or -1 with <paramref name="errno"/> set.</summary>
    public static int Open(string path, int flags, out int errno)
    {
        var fd = OpenNative(path, flags | OpenCloseOnExec, 0);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>Writes all of <paramref name="text"/> (UTF-8) in one <c>write(2)</c>, as the kernel's control
    /// files expect; returns 0, or the errno.</summary>
    public static int WriteText(int fd, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* p = bytes)
        {
            var written = WriteNative(fd, p, (nuint)bytes.Length);
            return written == bytes.Length ? 0 : written < 0 ? Marshal.GetLastPInvokeError() : ErrorWouldBlock;
        }
    }

    /// <summary>Reads into <paramref name="buffer"/>; returns the bytes read, or -1 with <paramref name="errno"/> set.</summary>
    public static int Read(int fd, Span<byte> buffer, out int errno)
    {
        fixed (byte* p = buffer)
        {
            var read = (int)ReadNative(fd, p, (nuint)buffer.Length);
            errno = read < 0 ? Marshal.GetLastPInvokeError() : 0;
            return read;
        }
    }

    /// <summary>Closes <paramref name="fd"/> when it is valid (not negative); errors are ignored, as after close the fd is gone anyway.</summary>
    public static void Close(int fd)
    {
        if (fd >= 0)
        {
            _ = CloseNative(fd);
        }
    }

    /// <summary>A non-blocking, close-on-exec eventfd with counter 0; returns the fd, or -1 with <paramref name="errno"/> set.</summary>
    public static int CreateEventFd(out int errno)
    {
        var fd = EventFdNative(0, OpenNonBlocking | OpenCloseOnExec);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>Adds 1 to an eventfd's counter, waking whoever polls it for <see cref="PollIn"/>.</summary>
    public static void SignalEventFd(int fd)
    {
        ulong one = 1;
        _ = WriteNative(fd, &one, sizeof(ulong));
    }

    /// <summary>Reads and resets an eventfd's counter; 0 when it was already 0 (the fd is non-blocking).</summary>
    public static ulong DrainEventFd(int fd)
    {
        ulong value = 0;
        return ReadNative(fd, &value, sizeof(ulong)) == sizeof(ulong) ? value : 0;
    }

    /// <summary>A non-blocking, close-on-exec inotify instance; returns the fd, or -1 with <paramref name="errno"/> set.</summary>
    public static int CreateInotify(out int errno)
    {
        var fd = InotifyInitNative(OpenNonBlocking | OpenCloseOnExec);
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    /// <summary>Watches <paramref name="path"/> for <paramref name="mask"/>; returns 0, or the errno.</summary>
    public static int AddInotifyWatch(int fd, string path, uint mask) =>
        InotifyAddWatchNative(fd, path, mask) < 0 ? Marshal.GetLastPInvokeError() : 0;

    /// <summary>
    /// Waits until one of <paramref name="fds"/> has one of its <paramref name="events"/>, or
    /// <paramref name="timeoutMilliseconds"/> passed (-1: no timeout). Writes what happened to
    /// <paramref name="returned"/> and returns how many fds are ready (0 on timeout), or -1 with
    /// <paramref name="errno"/> set.
    /// </summary>
    public static int Poll(ReadOnlySpan<int> fds, ReadOnlySpan<short> events, Span<short> returned, int timeoutMilliseconds, out int errno)
    {
        // struct pollfd { int fd; short events; short revents; }: 8 bytes, at most a handful here.
        Span<PollFd> entries = stackalloc PollFd[fds.Length];
        for (var i = 0; i < fds.Length; i++)
        {
            entries[i] = new PollFd { Fd = fds[i], Events = events[i] };
        }

        int ready;
        fixed (PollFd* p = entries)
        {
            ready = PollNative(p, (nuint)entries.Length, timeoutMilliseconds);
        }

        errno = ready < 0 ? Marshal.GetLastPInvokeError() : 0;
        for (var i = 0; i < fds.Length; i++)
        {
            returned[i] = ready > 0 ? entries[i].Returned : (short)0;
        }

        return ready;
    }

    /// <summary>The name of an errno for messages: <c>EINVAL</c>, <c>EPERM</c>, ... or the number.</summary>
    public static string ErrorName(int errno) => errno switch
    {
        1 => "EPERM",
        2 => "ENOENT",
        4 => "EINTR",
        9 => "EBADF",
        11 => "EAGAIN",
        13 => "EACCES",
        16 => "EBUSY",
        19 => "ENODEV",
        22 => "EINVAL",
        24 => "EMFILE",
        30 => "EROFS",
        95 => "EOPNOTSUPP",
        _ => $"errno {errno}",
    };

    /// <summary>
    /// A dedicated background thread that waits in <c>poll(2)</c> on a fixed set of fds plus its own
    /// eventfd, which <see cref="Dispose"/> signals to end the wait: no busy polling, no timer thread.
    /// </summary>
    /// <remarks>
    /// The handler runs on this thread only, one call at a time, so it needs no lock for its own state.
    /// It returns the next timeout in milliseconds (-1: wait for an event only) or <see cref="StopWaiting"/>.
    /// An exception from the handler ends the thread and goes to the failure callback, never to the
    /// process (an unhandled exception on a thread would end it). Dispose from inside the handler is
    /// allowed: it does not join itself, and the loop checks the stop flag before polling again.
    /// </remarks>
    public sealed class PollThread : IDisposable
    {
        /// <summary>What a handler returns to end the thread.</summary>
        public const int StopWaiting = int.MinValue;

        private readonly int[] _fds;
        private readonly short[] _events;
        private readonly int _wakeFd;
        private readonly Handler _handler;
        private readonly Action<string> _onFailure;
        private readonly TimeProvider _timeProvider;
        private readonly Thread _thread;
        private readonly int _firstTimeoutMilliseconds;
        private volatile bool _stopping;
        private int _disposed;

        private PollThread(string name, int[] fds, short[] events, int wakeFd, int firstTimeoutMilliseconds, TimeProvider timeProvider, Handler handler, Action<string> onFailure)
        {
            _fds = [.. fds, wakeFd];
            _events = [.. events, PollIn];
            _wakeFd = wakeFd;
            _firstTimeoutMilliseconds = firstTimeoutMilliseconds;
            _timeProvider = timeProvider;
            _handler = handler;
            _onFailure = onFailure;
            _thread = new Thread(Run) { IsBackground = true, Name = name };
        }

        /// <summary>Handles one wake-up: <paramref name="returned"/> holds each watched fd's <c>revents</c> (all 0 on a
        /// timeout); <paramref name="timestamp"/> was taken from the source's clock right after poll returned.</summary>
        public delegate int Handler(ReadOnlySpan<short> returned, long timestamp);

        /// <summary>True while the thread runs (for tests: it must end on dispose).</summary>
        public bool IsRunning => _thread.IsAlive;

        /// <summary>Starts a thread named <paramref name="name"/> waiting on <paramref name="fds"/> for <paramref name="events"/>.</summary>
        /// <exception cref="IOException">No eventfd could be made (e.g. out of file descriptors).</exception>
        public static PollThread Start(string name, int[] fds, short[] events, int firstTimeoutMilliseconds, TimeProvider timeProvider, Handler handler, Action<string> onFailure)
        {
            var wake = CreateEventFd(out var errno);
            if (wake < 0)
            {
                throw new IOException($"eventfd failed ({ErrorName(errno)})");
            }

            var thread = new PollThread(name, fds, events, wake, firstTimeoutMilliseconds, timeProvider, handler, onFailure);
            thread._thread.Start();
            return thread;
        }

        /// <summary>Ends the wait and the thread (joined unless called from the thread itself), then closes the wake eventfd.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            _stopping = true;
            SignalEventFd(_wakeFd);
            if (Thread.CurrentThread != _thread)
            {
                _thread.Join();
            }

            Close(_wakeFd);
        }

        private void Run()
        {
            var count = _fds.Length - 1;
            var returned = new short[_fds.Length];
            var timeout = _firstTimeoutMilliseconds;
            try
            {
                while (!_stopping)
                {
                    var ready = Poll(_fds, _events, returned, timeout, out var errno);
                    var timestamp = _timeProvider.GetTimestamp();
                    if (_stopping || (returned[count] & PollIn) != 0)
                    {
                        return;
                    }

                    if (ready < 0)
                    {
                        if (errno == ErrorInterrupted)
                        {
                            continue;
                        }

                        _onFailure($"poll failed ({ErrorName(errno)})");
                        return;
                    }

                    timeout = _handler(returned.AsSpan(0, count), timestamp);
                    if (timeout == StopWaiting)
                    {
                        return;
                    }
                }
            }
            catch (Exception ex)
            {
                // Whatever the handler threw (an observer's bug included) ends this thread and marks the
                // source unavailable; an exception escaping a thread would end the process.
                _onFailure(ex.Message.ReplaceLineEndings(" ").Trim());
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Returned;
    }

    // struct timespec as libc's nanosleep symbol takes it: time_t and long, both the size of a pointer
    // (64-bit time_t on 32-bit glibc is a different symbol).
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    private const int PrSetTimerSlack = 29; // <linux/prctl.h>
    private const int PrGetTimerSlack = 30;

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int PrctlNative(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleepNative(TimeSpec* request, TimeSpec* remaining);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadNative(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteNative(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int PollNative(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFdNative(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "inotify_init1", SetLastError = true)]
    private static partial int InotifyInitNative(int flags);

    [LibraryImport("libc", EntryPoint = "inotify_add_watch", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int InotifyAddWatchNative(int fd, string path, uint mask);
}
