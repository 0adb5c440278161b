using MediaMemory.Internals;
using Microsoft.Extensions.Logging;

namespace MediaMemory.Pressure;

/// <summary>
/// The common part of every source: the current state, the last reading, availability, a start-once /
/// dispose-once guard and raising <see cref="Changed"/> only on a real change, with each handler
/// isolated (one that throws is logged and the others still run).
/// </summary>
/// <typeparam name="TState">The state: higher values are worse.</typeparam>
public abstract class SignalSource<TState> : ISignalSource<TState>
    where TState : struct, Enum
{
    private readonly Lock _gate = new();
    private readonly Lock _lifecycle = new();
    private TState _current;
    private string _lastReading = string.Empty;
    private SourceAvailability _availability = SourceAvailability.NotStarted;
    private bool _started;
    private bool _starting; // inside OnStart, under _lifecycle (so only its own thread can see it true)
    private bool _disposed;

    /// <summary>Creates the source.</summary>
    /// <param name="name">Its name in reports.</param>
    /// <param name="kind">Where its signal comes from.</param>
    /// <param name="timeProvider">Clock for timestamps and timers; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Optional logger.</param>
    protected SignalSource(string name, SignalKind kind, TimeProvider? timeProvider, ILogger? logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Kind = kind;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Logger = logger;
    }

    /// <inheritdoc />
    public event EventHandler<SignalChangedEventArgs<TState>>? Changed;

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public SignalKind Kind { get; }

    /// <inheritdoc />
    public TState Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <inheritdoc />
    public string LastReading
    {
        get
        {
            lock (_gate)
            {
                return _lastReading;
            }
        }
    }

    /// <inheritdoc />
    public SourceAvailability Availability
    {
        get
        {
            lock (_gate)
            {
                return _availability;
            }
        }
    }

    /// <summary>The clock for timestamps and timers.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>The logger, if any.</summary>
    protected ILogger? Logger { get; }

    /// <summary>True after <see cref="Dispose()"/> began.</summary>
    protected bool IsDisposed
    {
        get
        {
            lock (_gate)
            {
                return _disposed;
            }
        }
    }

    /// <inheritdoc />
    public void Start()
    {
        // The lifecycle lock spans OnStart and OnStop, so a Dispose racing a Start waits for the start to
        // finish and then stops what it opened (threads, descriptors, timers) instead of missing them.
        lock (_lifecycle)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_started)
                {
                    return;
                }

                _started = true;
                _starting = true;
            }

            SourceAvailability availability = SourceAvailability.Unavailable("start failed");
            try
            {
                availability = OnStart();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                availability = SourceAvailability.Unavailable(OneLine(ex.Message));
                if (Logger is not null)
                {
                    PressureLog.SourceUnavailable(Logger, Name, availability.Detail);
                }
            }
            finally
            {
                // Also when OnStart throws another exception (which propagates): otherwise _starting stayed set
                // and a later Dispose skipped OnStop, leaking whatever OnStart had opened before it threw.
                bool disposedMeanwhile;
                lock (_gate)
                {
                    _starting = false;
                    disposedMeanwhile = _disposed;
                    _availability = disposedMeanwhile ? SourceAvailability.Unavailable("stopped: disposed while starting") : availability;
                }

                if (disposedMeanwhile)
                {
                    // Disposed from inside OnStart, on this thread (a subscriber told of the first reading disposed
                    // the coordinator): the stop was left until OnStart had opened everything, or it would have
                    // missed what OnStart opened after it (a poll thread on closed descriptors, say).
                    OnStop();
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Kind}): {Current}";

    /// <summary>
    /// Begins watching. Returns whether the source runs here; throwing <see cref="IOException"/>,
    /// <see cref="UnauthorizedAccessException"/>, <see cref="FormatException"/> or
    /// <see cref="InvalidOperationException"/> also marks it unavailable, with the message as reason.
    /// </summary>
    protected abstract SourceAvailability OnStart();

    /// <summary>Stops watching and frees what <see cref="OnStart"/> took. Called once.</summary>
    protected virtual void OnStop()
    {
    }

    /// <summary>Releases the source.</summary>
    protected virtual void Dispose(bool disposing)
    {
        lock (_lifecycle)
        {
            bool stop;
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _disposed = true;
                stop = _started && !_starting; // inside OnStart (re-entered on its thread): Start stops when it returns
                _availability = _availability.IsAvailable ? SourceAvailability.Unavailable("stopped") : _availability;
            }

            if (disposing && stop)
            {
                OnStop();
            }
        }
    }

    /// <summary>Marks the source unavailable after it started (e.g. its file vanished); the state returns to the lowest.</summary>
    protected void MarkUnavailable(string reason)
    {
        lock (_gate)
        {
            _availability = SourceAvailability.Unavailable(reason);
        }

        if (Logger is not null)
        {
            PressureLog.SourceUnavailable(Logger, Name, reason);
        }

        Report(default, reason);
    }

    /// <summary>
    /// Records a reading and, when <paramref name="state"/> differs from the current state, raises
    /// <see cref="Changed"/>. Returns true when it changed.
    /// </summary>
    /// <param name="state">The state the reading means.</param>
    /// <param name="reading">The raw reading, for reports.</param>
    /// <param name="timestamp">When the signal was observed (<see cref="TimeProvider.GetTimestamp"/>); now when null.</param>
    protected bool Report(TState state, string reading, long? timestamp = null)
    {
        ArgumentNullException.ThrowIfNull(reading);
        var observed = timestamp ?? TimeProvider.GetTimestamp();
        TState previous;
        lock (_gate)
        {
            _lastReading = reading;
            previous = _current;
            if (_disposed || EqualityComparer<TState>.Default.Equals(previous, state))
            {
                return false;
            }

            _current = state;
        }

        var handlers = Changed;
        if (handlers is null)
        {
            return true;
        }

        var args = new SignalChangedEventArgs<TState>(Name, Kind, previous, state, reading, observed, TimeProvider.GetUtcNow());
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<SignalChangedEventArgs<TState>>)handler)(this, args);
            }
            catch (Exception ex) when (Logger is not null)
            {
                PressureLog.ObserverFailed(Logger, ex, Name);
            }
            catch (Exception)
            {
                // Without a logger there is nowhere to say it; the other handlers still run.
            }
        }

        return true;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
