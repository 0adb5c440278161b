namespace MediaMemory.Pressure;

/// <summary>
/// Which of <see cref="LinuxPsiSource"/>'s two triggers are active, and when each comes back down. Pure: it is
/// fed trigger firings and PSI readings with timestamps, and says the level and when to look again.
/// Not thread-safe: the source's poll thread alone uses it.
/// </summary>
/// <remarks>
/// PSI triggers fire only on stall, never when it ends, so the level must be brought down by reading. The rule:
/// <list type="number">
/// <item>A trigger that fires becomes active; its line's <c>total</c> (stall in microseconds) is noted and a
/// re-check is due one window later.</item>
/// <item>At the re-check, the trigger stays active when its line's <c>total</c> grew by at least the trigger's stall
/// threshold since the last note (the kernel's own firing condition, measured over the window just past) —
/// then the total is noted again and the next re-check is a window later. Otherwise it becomes inactive.</item>
/// <item>A new firing while active restarts the window (the kernel fires at most once per window, so under steady
/// stall a firing and a re-check meet about once a window; either keeps the trigger active).</item>
/// <item>The level is Critical while the <c>full</c> trigger is active, else Warning while the <c>some</c> trigger
/// is, else Normal: Critical steps down through Warning when only <c>some</c> stall goes on.</item>
/// </list>
/// The <c>avg10</c> figures are not used for the decision: a 10 s exponential average keeps a short spike above any
/// useful threshold for tens of seconds, where the <c>total</c> delta says exactly what the last window held.
/// </remarks>
internal sealed class PsiTriggerTracker
{
    private readonly PsiTrigger[] _triggers;
    private readonly long[] _windowTicks;
    private readonly bool[] _active;
    private readonly long[] _notedTotal;
    private readonly long[] _due;
    private readonly long _frequency;

    /// <summary>Creates a tracker for <paramref name="triggers"/> (index order is the caller's), with timestamps at
    /// <paramref name="timestampFrequency"/> ticks per second (<see cref="TimeProvider.TimestampFrequency"/>).</summary>
    public PsiTriggerTracker(PsiTrigger[] triggers, long timestampFrequency)
    {
        _triggers = triggers;
        _frequency = timestampFrequency;
        _windowTicks = [.. triggers.Select(t => (long)(t.Window.TotalSeconds * timestampFrequency))];
        _active = new bool[triggers.Length];
        _notedTotal = new long[triggers.Length];
        _due = new long[triggers.Length];
    }

    /// <summary>The level the active triggers mean.</summary>
    public PressureLevel Level
    {
        get
        {
            var level = PressureLevel.Normal;
            for (var i = 0; i < _triggers.Length; i++)
            {
                if (_active[i] && _triggers[i].Level > level)
                {
                    level = _triggers[i].Level;
                }
            }

            return level;
        }
    }

    /// <summary>Trigger <paramref name="index"/> fired at <paramref name="now"/>; <paramref name="snapshot"/> was read right after.</summary>
    public void Fired(int index, PsiSnapshot snapshot, long now)
    {
        _active[index] = true;
        _notedTotal[index] = TotalOf(index, snapshot);
        _due[index] = now + _windowTicks[index];
    }

    /// <summary>Re-checks every active trigger whose window has passed at <paramref name="now"/> against <paramref name="snapshot"/>.</summary>
    public void Recheck(PsiSnapshot snapshot, long now)
    {
        for (var i = 0; i < _triggers.Length; i++)
        {
            if (!_active[i] || now < _due[i])
            {
                continue;
            }

            var total = TotalOf(i, snapshot);
            _active[i] = total - _notedTotal[i] >= _triggers[i].StallMicroseconds;
            _notedTotal[i] = total;
            _due[i] = now + _windowTicks[i];
        }
    }

    /// <summary>Milliseconds from <paramref name="now"/> to the next re-check (rounded up, at least 0), or -1 when no trigger is active.</summary>
    public int MillisecondsUntilNextCheck(long now)
    {
        long? next = null;
        for (var i = 0; i < _triggers.Length; i++)
        {
            if (_active[i])
            {
                next = next is { } n ? Math.Min(n, _due[i]) : _due[i];
            }
        }

        if (next is not { } due)
        {
            return -1;
        }

        var ticks = Math.Max(0, due - now);
        return (int)Math.Min(int.MaxValue, ((ticks * 1000) + _frequency - 1) / _frequency);
    }

    private long TotalOf(int index, PsiSnapshot snapshot) => _triggers[index].LineOf(snapshot)?.TotalMicroseconds ?? 0;
}
