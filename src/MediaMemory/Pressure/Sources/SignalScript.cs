using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using MediaMemory.Internals;

namespace MediaMemory.Pressure;

/// <summary>
/// A timeline of states for a scripted source, parsed from text such as
/// <c>5s:warning,8s:critical,12s:normal</c>: comma-separated items <c>time:state</c>, the time since the
/// source started with a unit (<c>ms</c>, <c>s</c> or <c>m</c>; decimals allowed, e.g. <c>1.5s</c>), the
/// state by its name in any case. Times must increase strictly; the first may be 0.
/// </summary>
/// <typeparam name="TState">The state: <see cref="PressureLevel"/> (<see cref="ScriptedSource"/>) or
/// <see cref="Platform.ThermalState"/> (<see cref="Platform.ScriptedThermalSource"/>).</typeparam>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class SignalScript<TState>
    where TState : struct, Enum
{
    /// <summary>The latest a step may be: 4 294 967 294 ms (about 49.7 days), the longest a
    /// <see cref="System.Threading.Timer"/> can wait in one go.</summary>
    public static readonly TimeSpan MaxTime = SourceIntervals.Longest;

    // "PressureLevel" -> "pressure script", "ThermalState" -> "thermal script": names errors after the kind of script.
    private static readonly string Label = MakeLabel();
    private static readonly TState[] States = Enum.GetValues<TState>();

    private readonly SignalScriptStep<TState>[] _steps;

    private SignalScript(SignalScriptStep<TState>[] steps) => _steps = steps;

    /// <summary>The steps in time order; never empty.</summary>
    public IReadOnlyList<SignalScriptStep<TState>> Steps => _steps;

    /// <summary>Parses a script.</summary>
    /// <param name="script">E.g. <c>500ms:warning,2s:critical,1m:normal</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="script"/> is null.</exception>
    /// <exception cref="FormatException">The script is empty or an item is malformed; the message names
    /// the item by its number (from 1) and text, e.g. <c>pressure script item 2 '8x:critical': unknown time unit 'x'</c>.</exception>
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "A string cannot say which state type it parses to; SignalScript<ThermalState>.Parse(text) names it once.")]
    public static SignalScript<TState> Parse(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return TryParse(script, out var parsed, out var error) ? parsed : throw new FormatException(error);
    }

    /// <summary>Parses a script; returns false, with the reason in <paramref name="error"/>, if and only if it is malformed.</summary>
    /// <param name="script">The script text; null counts as empty.</param>
    /// <param name="result">The script, or null when malformed.</param>
    /// <param name="error">Why it is malformed (as <see cref="Parse"/> would throw), or empty.</param>
    [SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "A string cannot say which state type it parses to; SignalScript<ThermalState>.Parse(text) names it once.")]
    public static bool TryParse(string? script, [NotNullWhen(true)] out SignalScript<TState>? result, out string error)
    {
        result = null;
        if (string.IsNullOrWhiteSpace(script))
        {
            error = $"{Label} is empty: expected items 'time:state' such as '5s:{Name(Worst)}', states {Choices()}";
            return false;
        }

        var items = script.Split(',');
        var steps = new SignalScriptStep<TState>[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var item = items[i].Trim();
            if (!TryParseItem(item, out steps[i], out var problem))
            {
                error = $"{Label} item {i + 1} '{item}': {problem}";
                return false;
            }

            if (i > 0 && steps[i].At <= steps[i - 1].At)
            {
                error = $"{Label} item {i + 1} '{item}': time {SourceIntervals.Format(steps[i].At)} is not after the previous item's {SourceIntervals.Format(steps[i - 1].At)}; times must increase";
                return false;
            }
        }

        result = new SignalScript<TState>(steps);
        error = string.Empty;
        return true;
    }

    /// <summary>The script as text that <see cref="Parse"/> reads back to the same steps, e.g. <c>5s:warning,8s:critical</c>.</summary>
    public override string ToString() => string.Join(',', _steps);

    /// <summary>Names the script, e.g. <c>pressure script 5s:warning,8s:critical</c>.</summary>
    internal string Describe() => Label + " " + ToString();

    /// <summary>Names step <paramref name="index"/> for a reading, e.g. <c>pressure script step 2 of 3: 8s:critical</c>.</summary>
    internal string Describe(int index) => $"{Label} step {index + 1} of {_steps.Length}: {_steps[index]}";

    /// <summary>
    /// Plays the script from now on <paramref name="timeProvider"/>'s clock: calls <paramref name="onStep"/>
    /// with each step's index and the timestamp it was due at (<see cref="TimeProvider.GetTimestamp"/> units),
    /// in order, one at a time. Steps already due (time 0) are played before this returns. Disposing stops it.
    /// </summary>
    internal IDisposable Play(TimeProvider timeProvider, Action<int, long> onStep) => new Player(this, timeProvider, onStep);

    private static bool TryParseItem(string item, out SignalScriptStep<TState> step, out string problem)
    {
        step = default;
        var colon = item.IndexOf(':', StringComparison.Ordinal);
        if (item.Length == 0 || colon < 0)
        {
            problem = "expected 'time:state', e.g. '5s:" + Name(Worst) + "'";
            return false;
        }

        var timeText = item[..colon].Trim();
        var stateText = item[(colon + 1)..].Trim();
        if (!TryParseTime(timeText, out var at, out problem))
        {
            return false;
        }

        if (!TryParseState(stateText, out var state))
        {
            problem = $"unknown state '{stateText}', expected {Choices()}";
            return false;
        }

        step = new SignalScriptStep<TState>(at, state);
        return true;
    }

    private static bool TryParseTime(string text, out TimeSpan time, out string problem)
    {
        time = default;
        var unitStart = 0;
        while (unitStart < text.Length && (char.IsAsciiDigit(text[unitStart]) || text[unitStart] == '.'))
        {
            unitStart++;
        }

        var numberText = text[..unitStart];
        var unit = text[unitStart..].Trim();
        if (numberText.Length == 0)
        {
            problem = text.Length == 0 ? "missing time before ':'" : $"time '{text}' does not start with a number";
            return false;
        }

        long ticksPerUnit;
        switch (unit.ToLowerInvariant())
        {
            case "ms": ticksPerUnit = TimeSpan.TicksPerMillisecond; break;
            case "s": ticksPerUnit = TimeSpan.TicksPerSecond; break;
            case "m": ticksPerUnit = TimeSpan.TicksPerMinute; break;
            case "":
                problem = $"time '{text}' has no unit (ms, s or m)";
                return false;
            default:
                problem = $"unknown time unit '{unit}' (ms, s or m)";
                return false;
        }

        // decimal holds every number of up to 28 digits exactly; more, or more than MaxTime, is refused.
        // Compared by division: number × ticks could overflow even decimal.
        if (!decimal.TryParse(numberText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            problem = $"time '{text}' is not a number";
            return false;
        }

        if (number > (decimal)MaxTime.Ticks / ticksPerUnit)
        {
            problem = $"time '{text}' is later than the longest a timer can wait ({MaxTime.TotalMilliseconds:0}ms)";
            return false;
        }

        time = TimeSpan.FromTicks((long)decimal.Round(number * ticksPerUnit, MidpointRounding.AwayFromZero));
        problem = string.Empty;
        return true;
    }

    private static bool TryParseState(string text, out TState state)
    {
        // Names only: Enum.TryParse would also take numbers and "warning, critical" flag lists.
        foreach (var candidate in States)
        {
            if (string.Equals(Name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }

    private static TState Worst => States[^1];

    private static string Name(TState state) => state.ToString().ToLowerInvariant();

    private static string Choices() => string.Join(", ", States.Select(Name));

    private static string MakeLabel()
    {
        var name = typeof(TState).Name;
        foreach (var suffix in (ReadOnlySpan<string>)["Level", "State"])
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal))
            {
                name = name[..^suffix.Length];
                break;
            }
        }

        return name.ToLowerInvariant() + " script";
    }

    /// <summary>
    /// Plays steps on one one-shot timer, re-armed for the next step only after the due steps were
    /// reported, so steps are reported in order and never two at once. A step is due when the time since
    /// the start reaches it; a late timer (or a fake clock advanced past several steps) plays every due
    /// step in turn, so observers see each state.
    /// </summary>
    private sealed class Player : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly SignalScript<TState> _script;
        private readonly TimeProvider _time;
        private readonly Action<int, long> _onStep;
        private readonly long _startTimestamp;
        private readonly ITimer _timer;
        private int _next;
        private bool _disposed;

        public Player(SignalScript<TState> script, TimeProvider time, Action<int, long> onStep)
        {
            ArgumentNullException.ThrowIfNull(time);
            ArgumentNullException.ThrowIfNull(onStep);
            _script = script;
            _time = time;
            _onStep = onStep;
            _startTimestamp = time.GetTimestamp();
            // On the system clock the steps wait on a thread of their own: a thread pool timer fired
            // 0.3 ms late at the median here but 8-15 ms late at p99 (100 waits of 40 ms), a wait on a
            // dedicated thread 0.5-2.2 ms at p99, and a step is reported with the time it was due.
            _timer = ReferenceEquals(time, TimeProvider.System)
                ? new DedicatedTimer(static state => ((Player)state!).Tick(), this)
                : time.CreateTimer(static state => ((Player)state!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Tick();
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
            }

            _timer.Dispose();
        }

        private void Tick()
        {
            var steps = _script._steps;
            int first, end;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                var elapsed = _time.GetElapsedTime(_startTimestamp);
                first = _next;
                while (_next < steps.Length && steps[_next].At <= elapsed)
                {
                    _next++;
                }

                end = _next;
            }

            for (var i = first; i < end; i++)
            {
                var due = _startTimestamp + (long)(steps[i].At.Ticks * ((double)_time.TimestampFrequency / TimeSpan.TicksPerSecond));
                _onStep(i, due);
            }

            lock (_gate)
            {
                if (!_disposed && _next < steps.Length)
                {
                    var wait = steps[_next].At - _time.GetElapsedTime(_startTimestamp);
                    _timer.Change(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
                else if (_next >= steps.Length)
                {
                    // Played to the end: the timer (on the system clock, a thread) is not needed any more.
                    _timer.Dispose();
                }
            }
        }
    }

    /// <summary>
    /// A one-shot timer on a background thread of its own (no period), for waits that must end on time
    /// whatever the thread pool is doing. The callback runs on that thread; Dispose does not wait for a
    /// callback that is running (it may be the caller).
    /// </summary>
    private sealed class DedicatedTimer : ITimer
    {
        private readonly object _gate = new(); // Monitor.Wait/Pulse need an object, not a Lock
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private long _due = long.MaxValue; // Stopwatch timestamp; MaxValue when not armed
        private bool _disposed;

        public DedicatedTimer(TimerCallback callback, object? state)
        {
            _callback = callback;
            _state = state;
            new Thread(Run) { IsBackground = true, Name = "MediaMemory script" }.Start();
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return false;
                }

                _due = dueTime == Timeout.InfiniteTimeSpan
                    ? long.MaxValue
                    : System.Diagnostics.Stopwatch.GetTimestamp() + (long)(Math.Max(0, dueTime.TotalSeconds) * System.Diagnostics.Stopwatch.Frequency);
                Monitor.Pulse(_gate);
                return true;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                Monitor.Pulse(_gate);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        private void Run()
        {
            // Waits here end when asked, not up to 50 µs later (the default slack, for batching wake-ups):
            // measured, the dispatch p50 of bench pressure went from 0.115 to about 0.075 ms.
            if (OperatingSystem.IsLinux())
            {
                LinuxEvents.SetTimerSlack(TimeSpan.FromMicroseconds(1));
            }

            while (true)
            {
                lock (_gate)
                {
                    while (true)
                    {
                        if (_disposed)
                        {
                            return;
                        }

                        if (_due == long.MaxValue)
                        {
                            Monitor.Wait(_gate);
                            continue;
                        }

                        var remaining = System.Diagnostics.Stopwatch.GetElapsedTime(System.Diagnostics.Stopwatch.GetTimestamp(), _due);
                        if (remaining <= TimeSpan.Zero)
                        {
                            _due = long.MaxValue;
                            break;
                        }

                        // Managed waits take whole milliseconds: wait the whole ones, then sleep the last
                        // fraction with nanosleep on Linux (rounding up instead made every step up to 1 ms
                        // late; yielding through it spun: sched_yield and clock_gettime were 6 % of the
                        // CPU samples of a whole bench pressure run). Elsewhere, yield.
                        if (remaining >= TimeSpan.FromMilliseconds(1))
                        {
                            Monitor.Wait(_gate, (int)remaining.TotalMilliseconds);
                        }
                        else
                        {
                            Monitor.Exit(_gate);
                            try
                            {
                                if (OperatingSystem.IsLinux())
                                {
                                    LinuxEvents.Sleep(remaining);
                                }
                                else
                                {
                                    Thread.Yield();
                                }
                            }
                            finally
                            {
                                Monitor.Enter(_gate);
                            }
                        }
                    }
                }

                _callback(_state);
            }
        }
    }
}
