using System.Globalization;

namespace MediaMemory.Pressure;

/// <summary>Checks and timers for sources that poll on an interval.</summary>
internal static class SourceIntervals
{
    /// <summary>The longest a <see cref="System.Threading.Timer"/> can wait: 4 294 967 294 ms (about 49.7 days).</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(0xFFFF_FFFEL);

    /// <summary>Throws unless <paramref name="interval"/> is positive and at most <see cref="Longest"/>, or
    /// <see cref="Timeout.InfiniteTimeSpan"/> when <paramref name="allowInfinite"/>.</summary>
    public static void Validate(TimeSpan interval, string name, bool allowInfinite = true)
    {
        if (allowInfinite && interval == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        if (interval <= TimeSpan.Zero || interval > Longest)
        {
            throw new ArgumentOutOfRangeException(name, interval, allowInfinite
                ? "the interval must be positive and at most 4294967294 ms, or Timeout.InfiniteTimeSpan for none"
                : "the interval must be positive and at most 4294967294 ms");
        }
    }

    /// <summary>
    /// A periodic timer on <paramref name="timeProvider"/> calling <paramref name="tick"/> on
    /// <paramref name="target"/> through a weak reference, so that the timer alone does not keep the target
    /// alive (<paramref name="tick"/> must not capture it: pass a static lambda); null when <paramref name="interval"/> is infinite. The first tick is one interval from now.
    /// </summary>
    public static ITimer? StartWeak<T>(TimeProvider timeProvider, TimeSpan interval, T target, Action<T> tick)
        where T : class
    {
        if (interval == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        var state = (new WeakReference<T>(target), tick);
        return timeProvider.CreateTimer(
            static s =>
            {
                var (weak, call) = ((WeakReference<T>, Action<T>))s!;
                if (weak.TryGetTarget(out var alive))
                {
                    call(alive);
                }
            },
            state,
            interval,
            interval);
    }

    /// <summary>A time in the largest of the units ms, s and m that divides it (<c>2m</c>, <c>5s</c>, <c>1500ms</c>, <c>0.5ms</c>).</summary>
    public static string Format(TimeSpan time)
    {
        if (time.Ticks % TimeSpan.TicksPerMinute == 0 && time.Ticks != 0)
        {
            return (time.Ticks / TimeSpan.TicksPerMinute).ToString(CultureInfo.InvariantCulture) + "m";
        }

        if (time.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            return (time.Ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture) + "s";
        }

        // Ticks are 100 ns, so a tick count over 10 000 is exact in decimal.
        return ((decimal)time.Ticks / TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture) + "ms";
    }
}
