using MediaMemory.Budgeting;
using MediaMemory.Internals;
using MediaMemory.Platform;
using Microsoft.Extensions.Logging;

namespace MediaMemory.Pressure;

/// <summary>
/// Turns the signals of every pressure and thermal source into one pressure level and one thermal
/// state, and on each change sets the budget's limit and runs the registered
/// <see cref="IPressureResponder"/>s in <see cref="PressureStage"/> order, recording what happened.
/// </summary>
/// <remarks>
/// <para>
/// The combined level is the highest of the sources' levels. It rises at once; it falls only after
/// every source has stayed below it for <see cref="PressureCoordinatorOptions.Hysteresis"/>, so a level
/// that flickers does not make the app drop and rebuild its caches over and over. A fall raises the budget's
/// limit, so it goes only as far as that limit fits: every <see cref="IMemoryFillSource"/> (the cgroup source)
/// must say that use, grown by what the budget could take back, stays below the share at which it reports the
/// next level up; otherwise the level falls less far, or stays, and is checked again a hysteresis later.
/// The thermal state is the worst of the thermal sources'; thermal Critical is low-power mode.
/// </para>
/// <para>
/// Changes are handled one at a time, in arrival order, on the thread that reported them (a source's
/// waiting thread or a timer): when one arrives while another is being handled, the handling thread
/// takes it next. On a rise the responders run first (gentlest stage first) and then the budget's limit
/// is lowered, which asks the budget's reclaimers for whatever is still over; on a fall the limit is
/// raised first. The event records the bytes the budget's accounting saw released, the latency from
/// the signal to the end of the response and the names of responders that threw (they are logged; the
/// rest still run).
/// </para>
/// <para>The coordinator owns the sources added to it and disposes them with itself.</para>
/// </remarks>
public sealed class PressureCoordinator : IDisposable
{
    /// <summary>The name of the step that sets the budget's limit in <see cref="PressureEvent.Steps"/>.</summary>
    public const string BudgetLimitStep = "budget-limit";

    private readonly MemoryBudget _budget;
    private readonly PressureCoordinatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger? _logger;
    private readonly Lock _gate = new();
    private readonly Queue<Change> _pending = new();
    private readonly LinkedList<PressureEvent> _events = new();
    private readonly List<IPressureSource> _pressureSources = [];
    private readonly List<IThermalSource> _thermalSources = [];
    private readonly ITimer _fallTimer;
    private IPressureResponder[] _responders = [];
    private bool _draining;
    private bool _started;
    private bool _disposed;
    private long _startTimestamp;
    private long _droppedEvents;

    // Written only by the thread draining _pending; read anywhere.
    private volatile PressureLevel _level;
    private volatile ThermalState _thermal;

    // The thread draining changes now, so Dispose can wait for it (unless it is that thread).
    private Thread? _drainer;

    // When the sources' highest level first fell below _level (a timestamp), or null; and what said so.
    private long? _lowerSince;
    private SignalChangedEventArgs<PressureLevel>? _lowerCause;

    /// <summary>Creates a coordinator for <paramref name="budget"/>.</summary>
    public PressureCoordinator(MemoryBudget budget, PressureCoordinatorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(budget);
        options ??= new PressureCoordinatorOptions();
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Hysteresis, TimeSpan.Zero, nameof(options.Hysteresis));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRecordedEvents, 1, nameof(options.MaxRecordedEvents));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxRecordedEvents, 1_000_000, nameof(options.MaxRecordedEvents));
        _budget = budget;
        _options = options;
        _time = options.TimeProvider;
        _logger = options.Logger;
        _fallTimer = _time.CreateTimer(_ => Post(Change.FallCheck()), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Raised after each response, on the thread that handled it.</summary>
    public event EventHandler<PressureEvent>? Responded;

    /// <summary>The combined pressure level.</summary>
    public PressureLevel Level => _level;

    /// <summary>The combined thermal state.</summary>
    public ThermalState Thermal => _thermal;

    /// <summary>Low-power mode: the thermal state is Critical.</summary>
    public bool LowPower => _thermal == ThermalState.Critical;

    /// <summary>The budget whose limit this coordinator sets.</summary>
    public MemoryBudget Budget => _budget;

    /// <summary>The pressure sources added.</summary>
    public IReadOnlyList<IPressureSource> PressureSources
    {
        get
        {
            lock (_gate)
            {
                return [.. _pressureSources];
            }
        }
    }

    /// <summary>The thermal sources added.</summary>
    public IReadOnlyList<IThermalSource> ThermalSources
    {
        get
        {
            lock (_gate)
            {
                return [.. _thermalSources];
            }
        }
    }

    /// <summary>The responders, in the order they run.</summary>
    public IReadOnlyList<IPressureResponder> Responders => Volatile.Read(ref _responders);

    /// <summary>The recorded events, oldest first (at most <see cref="PressureCoordinatorOptions.MaxRecordedEvents"/>, the newest).</summary>
    public IReadOnlyList<PressureEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Events not kept because more than <see cref="PressureCoordinatorOptions.MaxRecordedEvents"/> happened.</summary>
    public long DroppedEvents => Interlocked.Read(ref _droppedEvents);

    /// <summary>Adds a pressure source (started now if the coordinator has started). The coordinator disposes it.</summary>
    public void AddSource(IPressureSource source) => Add<PressureLevel, IPressureSource>(source, _pressureSources, OnPressureChanged);

    /// <summary>Adds a thermal source (started now if the coordinator has started). The coordinator disposes it.</summary>
    public void AddSource(IThermalSource source) => Add<ThermalState, IThermalSource>(source, _thermalSources, OnThermalChanged);

    /// <summary>Registers a responder; it runs after those of earlier stages and of its stage registered before it.</summary>
    /// <returns>A handle that unregisters it.</returns>
    public IDisposable Register(IPressureResponder responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Stable: OrderBy keeps registration order within a stage.
            Volatile.Write(ref _responders, [.. _responders.Append(responder).OrderBy(r => r.Stage)]);
        }

        return new Registration(this, responder);
    }

    /// <summary>Starts every source and sets the budget's limit for the starting level. Idempotent.</summary>
    public void Start()
    {
        ISignalSource<PressureLevel>[] pressure;
        ISignalSource<ThermalState>[] thermal;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                return;
            }

            _started = true;
            _startTimestamp = _time.GetTimestamp();
            pressure = [.. _pressureSources];
            thermal = [.. _thermalSources];
        }

        if (_options.BudgetLimit is { } limitFor)
        {
            _budget.SetLimit(limitFor(_level, _thermal));
        }

        foreach (var source in pressure)
        {
            source.Start();
        }

        foreach (var source in thermal)
        {
            source.Start();
        }

        // A source may already stand above Normal when it starts (a scripted 0 s step, a hot device).
        Post(Change.Recheck());
    }

    /// <summary>
    /// Stops listening, disposes the sources and the timer, and waits for a response in progress on
    /// another thread to end (no responder starts after this returns). Responders are not disposed.
    /// </summary>
    public void Dispose()
    {
        ISignalSource<PressureLevel>[] pressure;
        ISignalSource<ThermalState>[] thermal;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            pressure = [.. _pressureSources];
            thermal = [.. _thermalSources];
        }

        _fallTimer.Dispose();
        var spin = new SpinWait();
        while (Volatile.Read(ref _drainer) is { } drainer && drainer != Thread.CurrentThread)
        {
            spin.SpinOnce();
        }

        foreach (var source in pressure)
        {
            source.Changed -= OnPressureChanged;
            source.Dispose();
        }

        foreach (var source in thermal)
        {
            source.Changed -= OnThermalChanged;
            source.Dispose();
        }
    }

    private void Add<TState, TSource>(TSource source, List<TSource> list, EventHandler<SignalChangedEventArgs<TState>> handler)
        where TState : struct, Enum
        where TSource : ISignalSource<TState>
    {
        ArgumentNullException.ThrowIfNull(source);
        bool started;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (list.Contains(source))
            {
                throw new ArgumentException($"source '{source.Name}' was already added", nameof(source));
            }

            list.Add(source);
            started = _started;
        }

        source.Changed += handler;
        if (started)
        {
            source.Start();
            Post(Change.Recheck());
        }
    }

    private void OnPressureChanged(object? sender, SignalChangedEventArgs<PressureLevel> e) => Post(Change.Pressure(e));

    private void OnThermalChanged(object? sender, SignalChangedEventArgs<ThermalState> e) => Post(Change.Heat(e));

    // One drainer at a time handles changes in arrival order; other threads only enqueue.
    private void Post(Change change)
    {
        lock (_gate)
        {
            if (_disposed || !_started)
            {
                return;
            }

            _pending.Enqueue(change);
            if (_draining)
            {
                return;
            }

            _draining = true;
            _drainer = Thread.CurrentThread;
        }

        while (true)
        {
            Change next;
            lock (_gate)
            {
                if (_disposed || !_pending.TryDequeue(out next))
                {
                    _draining = false;
                    _drainer = null;
                    _pending.Clear();
                    return;
                }
            }

            try
            {
                Handle(next);
            }
            catch (Exception ex) when (_logger is not null)
            {
                // Only SetLimit or a Responded observer could get here; the next change must still be handled.
                PressureLog.ResponderFailed(_logger, ex, "coordinator", _level);
            }
            catch (Exception)
            {
                // As above, without a logger.
            }
        }
    }

    private void Handle(Change change)
    {
        switch (change.Type)
        {
            case ChangeType.Pressure:
            case ChangeType.Recheck:
                HandlePressure(change.PressureArgs);
                if (change.Type == ChangeType.Recheck)
                {
                    HandleHeat(null);
                }

                break;
            case ChangeType.Heat:
                HandleHeat(change.ThermalArgs);
                break;
            case ChangeType.FallCheck:
                HandleFallCheck();
                break;
        }
    }

    private void HandlePressure(SignalChangedEventArgs<PressureLevel>? cause)
    {
        var (highest, top) = Highest<PressureLevel, IPressureSource>(_pressureSources);
        if (highest > _level)
        {
            _lowerSince = null;
            _lowerCause = null;
            // Attribute the rise to the source that stands highest (the cause may be another source's change).
            Respond(highest, _thermal, cause is not null && cause.Current == highest ? cause : Synthesize(top, _level, highest));
        }
        else if (highest == _level)
        {
            _lowerSince = null;
        }
        else
        {
            _lowerCause = cause ?? _lowerCause;
            if (_lowerSince is null)
            {
                _lowerSince = _time.GetTimestamp();
                _fallTimer.Change(_options.Hysteresis, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void HandleFallCheck()
    {
        if (_lowerSince is not { } since)
        {
            return;
        }

        var waited = _time.GetElapsedTime(since);
        if (waited < _options.Hysteresis)
        {
            _fallTimer.Change(_options.Hysteresis - waited, Timeout.InfiniteTimeSpan);
            return;
        }

        var (highest, top) = Highest<PressureLevel, IPressureSource>(_pressureSources);
        _lowerSince = null;
        var said = _lowerCause;
        _lowerCause = null;
        if (highest >= _level)
        {
            return;
        }

        var target = FallTarget(highest, out var heldBack);
        if (target >= _level)
        {
            // The budget of any lower level would not fit under the memory limit: stay, and look again after another
            // hysteresis (the rest of the app may have let go of memory by then).
            if (_logger is not null)
            {
                PressureLog.FallHeldBack(_logger, _level, highest, heldBack);
            }

            LookAgainLater(said);
            return;
        }

        // The fall is decided now: latency counts from this decision, not from the source's signal 2 s ago.
        var source = said?.Source ?? top?.Name ?? "hysteresis";
        var reading = $"{said?.Reading ?? top?.LastReading ?? string.Empty} (every source below {_level} for {_options.Hysteresis.TotalMilliseconds:0} ms)".Trim();
        var partial = target != highest;
        if (partial)
        {
            reading += $"; only to {target}: {highest}'s budget would not fit ({heldBack})";
        }

        var now = _time.GetTimestamp();
        Respond(target, _thermal, new SignalChangedEventArgs<PressureLevel>(source, said?.Kind ?? top?.Kind ?? SignalKind.Runtime, _level, target, reading, now, _time.GetUtcNow()));
        if (partial)
        {
            // The sources are still below the new level and will not say so again until they change.
            LookAgainLater(said);
        }
    }

    // Checks for a fall again after another hysteresis, as if the sources had just come below the level.
    private void LookAgainLater(SignalChangedEventArgs<PressureLevel>? said)
    {
        _lowerSince = _time.GetTimestamp();
        _lowerCause = said;
        _fallTimer.Change(_options.Hysteresis, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The lowest level from <paramref name="lowest"/> up to the current one whose budget limit fits: the budget could
    /// grow from what it uses now to that level's limit, and every memory-fill source (a cgroup's usage against its
    /// limit) must say use would still stay below the share at which it reports the level above that candidate.
    /// Otherwise the budget would refill into a higher level again (or past the limit: a 768 MiB cgroup holding
    /// 450 MiB outside the budget cannot take the Normal budget of 384 MiB). Returns the current level when none
    /// fits; <paramref name="heldBack"/> says why the first candidate did not.
    /// </summary>
    private PressureLevel FallTarget(PressureLevel lowest, out string heldBack)
    {
        heldBack = string.Empty;
        if (_options.BudgetLimit is not { } limitFor)
        {
            return lowest;
        }

        IPressureSource[] sources;
        lock (_gate)
        {
            sources = [.. _pressureSources];
        }

        for (var candidate = lowest; candidate < _level; candidate++)
        {
            var growth = limitFor(candidate, _thermal) - _budget.UsedBytes;
            var fits = true;
            foreach (var source in sources)
            {
                if (source is IMemoryFillSource fill && !WouldStayBelow(fill, candidate + 1, growth, out var reading))
                {
                    fits = false;
                    if (heldBack.Length == 0)
                    {
                        heldBack = $"{source.Name}: {reading}";
                    }

                    break;
                }
            }

            if (fits)
            {
                return candidate;
            }
        }

        return _level;
    }

    // A source that throws cannot tell: it holds nothing up (and is logged), as one that knows nothing.
    private bool WouldStayBelow(IMemoryFillSource source, PressureLevel level, long growth, out string reading)
    {
        try
        {
            return source.WouldStayBelow(level, growth, out reading);
        }
        catch (Exception ex)
        {
            if (_logger is not null)
            {
                PressureLog.CallbackFailed(_logger, ex, source.Name);
            }

            reading = string.Empty;
            return true;
        }
    }

    private void HandleHeat(SignalChangedEventArgs<ThermalState>? cause)
    {
        var (hottest, top) = Highest<ThermalState, IThermalSource>(_thermalSources);
        if (hottest == _thermal)
        {
            return;
        }

        var source = cause?.Source ?? top?.Name ?? "thermal";
        var reading = cause?.Reading ?? top?.LastReading ?? string.Empty;
        var timestamp = cause?.Timestamp ?? _time.GetTimestamp();
        Respond(_level, hottest, new SignalChangedEventArgs<PressureLevel>(source, cause?.Kind ?? top?.Kind ?? SignalKind.Kernel, _level, _level, reading, timestamp, _time.GetUtcNow()));
    }

    private SignalChangedEventArgs<PressureLevel> Synthesize(IPressureSource? top, PressureLevel previous, PressureLevel level) =>
        new(top?.Name ?? "unknown", top?.Kind ?? SignalKind.Runtime, previous, level, top?.LastReading ?? string.Empty, _time.GetTimestamp(), _time.GetUtcNow());

    private (TState Highest, TSource? Top) Highest<TState, TSource>(List<TSource> sources)
        where TState : struct, Enum
        where TSource : class, ISignalSource<TState>
    {
        TSource[] snapshot;
        lock (_gate)
        {
            snapshot = [.. sources];
        }

        TState highest = default;
        TSource? top = null;
        foreach (var source in snapshot)
        {
            var state = source.Current;
            if (Comparer<TState>.Default.Compare(state, highest) > 0)
            {
                highest = state;
                top = source;
            }
        }

        return (highest, top);
    }

    private void Respond(PressureLevel level, ThermalState thermal, SignalChangedEventArgs<PressureLevel> cause)
    {
        var previous = _level;
        var previousThermal = _thermal;
        _level = level;
        _thermal = thermal;
        if (_logger is not null)
        {
            PressureLog.LevelChanged(_logger, previous, level, cause.Source, cause.Reading);
        }

        var usedBefore = _budget.UsedBytes;
        var worse = level > previous || thermal > previousThermal;
        var steps = new List<ResponseStep>(_responders.Length + 1);
        if (!worse)
        {
            SetBudgetLimit(level, thermal, steps);
        }

        var response = new PressureResponse(level, previous, thermal, cause.Source);
        List<string>? failed = null;
        foreach (var responder in Volatile.Read(ref _responders))
        {
            if (Volatile.Read(ref _disposed))
            {
                break; // Dispose is waiting: no responder starts after it returns.
            }

            var begin = _time.GetTimestamp();
            try
            {
                responder.Respond(response);
            }
            catch (Exception ex)
            {
                (failed ??= []).Add(responder.Name);
                if (_logger is not null)
                {
                    PressureLog.ResponderFailed(_logger, ex, responder.Name, level);
                }
            }

            steps.Add(new ResponseStep(responder.Name, _time.GetElapsedTime(begin)));
        }

        if (worse)
        {
            SetBudgetLimit(level, thermal, steps);
        }

        var end = _time.GetTimestamp();
        var record = new PressureEvent(
            level,
            previous,
            thermal,
            cause.Source,
            cause.Kind,
            cause.Reading,
            _time.GetUtcNow(),
            cause.Timestamp >= _startTimestamp ? _time.GetElapsedTime(_startTimestamp, cause.Timestamp) : TimeSpan.Zero,
            _time.GetElapsedTime(cause.Timestamp, end),
            Math.Max(0, usedBefore - _budget.UsedBytes),
            _budget.LimitBytes,
            failed ?? (IReadOnlyList<string>)[],
            steps);
        lock (_gate)
        {
            _events.AddLast(record);
            if (_events.Count > _options.MaxRecordedEvents)
            {
                _events.RemoveFirst();
                _droppedEvents++;
            }
        }

        Responded?.Invoke(this, record);
    }

    private void SetBudgetLimit(PressureLevel level, ThermalState thermal, List<ResponseStep> steps)
    {
        if (_options.BudgetLimit is { } limitFor)
        {
            var begin = _time.GetTimestamp();
            _budget.SetLimit(limitFor(level, thermal));
            steps.Add(new ResponseStep(BudgetLimitStep, _time.GetElapsedTime(begin)));
        }
    }

    private void Unregister(IPressureResponder responder)
    {
        lock (_gate)
        {
            var list = _responders.ToList();
            if (list.Remove(responder))
            {
                Volatile.Write(ref _responders, [.. list]);
            }
        }
    }

    private enum ChangeType
    {
        Pressure,
        Heat,
        FallCheck,
        Recheck,
    }

    private readonly record struct Change(ChangeType Type, SignalChangedEventArgs<PressureLevel>? PressureArgs, SignalChangedEventArgs<ThermalState>? ThermalArgs)
    {
        public static Change Pressure(SignalChangedEventArgs<PressureLevel> e) => new(ChangeType.Pressure, e, null);

        public static Change Heat(SignalChangedEventArgs<ThermalState> e) => new(ChangeType.Heat, null, e);

        public static Change FallCheck() => new(ChangeType.FallCheck, null, null);

        public static Change Recheck() => new(ChangeType.Recheck, null, null);
    }

    private sealed class Registration(PressureCoordinator owner, IPressureResponder responder) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unregister(responder);
            }
        }
    }
}
