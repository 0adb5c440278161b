using MediaMemory.Internals;
using Microsoft.Extensions.Logging;

namespace MediaMemory.Pressure;

/// <summary>
/// One quality scale for quality-scalable consumers (preview resolution, decode size, effect
/// quality): 1.0 at Normal, 0.5 at Warning, <see cref="Minimum"/> at Critical or in low-power mode.
/// Subscribers are told each new scale.
/// </summary>
/// <remarks>Thread-safe. Subscribers run on the thread that changed the scale; one that throws is
/// logged and the others are still told.</remarks>
public sealed class QualityController : IPressureResponder
{
    private readonly Lock _gate = new();
    private readonly Lock _notify = new();
    private readonly ILogger? _logger;
    private Action<double>[] _subscribers = [];
    private double _scale = 1.0;
    private double _told = 1.0; // the scale subscribers were last told (under _notify)

    /// <summary>Creates a controller at full quality.</summary>
    /// <param name="minimum">The scale at Critical, in (0, 0.5].</param>
    /// <param name="logger">Optional logger for subscribers that throw.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimum"/> is not in (0, 0.5].</exception>
    public QualityController(double minimum = 0.25, ILogger? logger = null)
    {
        if (!(minimum > 0 && minimum <= 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(minimum), minimum, "the minimum quality must be in (0, 0.5]");
        }

        Minimum = minimum;
        _logger = logger;
    }

    /// <inheritdoc />
    public string Name => "quality";

    /// <inheritdoc />
    public PressureStage Stage => PressureStage.Quality;

    /// <summary>The scale at Critical and in low-power mode.</summary>
    public double Minimum { get; }

    /// <summary>The scale now, in [<see cref="Minimum"/>, 1].</summary>
    public double Scale
    {
        get
        {
            lock (_gate)
            {
                return _scale;
            }
        }
    }

    /// <summary>The scale for a level and low-power mode.</summary>
    public double ScaleFor(PressureLevel level, bool lowPower) =>
        lowPower || level >= PressureLevel.Critical ? Minimum : level == PressureLevel.Warning ? 0.5 : 1.0;

    /// <summary>Tells <paramref name="onScaleChanged"/> each new scale until the returned handle is disposed.</summary>
    public IDisposable Subscribe(Action<double> onScaleChanged)
    {
        ArgumentNullException.ThrowIfNull(onScaleChanged);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, onScaleChanged];
        }

        return new Subscription(this, onScaleChanged);
    }

    /// <inheritdoc />
    public void Respond(PressureResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        SetScale(ScaleFor(response.Level, response.LowPower));
    }

    /// <summary>Sets the scale and tells subscribers when it changed.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside [<see cref="Minimum"/>, 1].</exception>
    public void SetScale(double scale)
    {
        if (!(scale >= Minimum && scale <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"the quality scale must be in [{Minimum}, 1]");
        }

        Action<double>[] subscribers;
        lock (_gate)
        {
            if (_scale == scale)
            {
                return;
            }

            _scale = scale;
        }

        // One notifier at a time, each telling the scale as it is now: two concurrent changes cannot
        // leave a subscriber's last value different from Scale.
        lock (_notify)
        {
            lock (_gate)
            {
                scale = _scale;
                subscribers = _subscribers;
            }

            if (scale != _told)
            {
                _told = scale;
                Notify(subscribers, scale);
            }
        }
    }

    private void Notify(Action<double>[] subscribers, double scale)
    {
        foreach (var subscriber in subscribers)
        {
            try
            {
                subscriber(scale);
            }
            catch (Exception ex) when (_logger is not null)
            {
                PressureLog.CallbackFailed(_logger, ex, "quality");
            }
            catch (Exception)
            {
                // Isolated: the other subscribers are still told.
            }
        }
    }

    private void Unsubscribe(Action<double> subscriber)
    {
        lock (_gate)
        {
            var index = Array.IndexOf(_subscribers, subscriber);
            if (index >= 0)
            {
                _subscribers = [.. _subscribers[..index], .. _subscribers[(index + 1)..]];
            }
        }
    }

    private sealed class Subscription(QualityController owner, Action<double> subscriber) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Unsubscribe(subscriber);
            }
        }
    }
}
