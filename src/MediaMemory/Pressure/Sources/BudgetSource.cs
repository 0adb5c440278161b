using System.Globalization;
using MediaMemory.Budgeting;
using MediaMemory.Units;

namespace MediaMemory.Pressure;

/// <summary>
/// A pressure source from a <see cref="MemoryBudget"/>: bytes in use against its limit, Warning at 85 % and
/// Critical at 95 % unless <see cref="BudgetSourceOptions.Thresholds"/> says otherwise. Name <c>budget</c>,
/// kind <see cref="SignalKind.Budget"/>.
/// </summary>
/// <remarks>
/// <para>
/// Reads on the budget's <see cref="MemoryBudget.LimitChanged"/>, <see cref="MemoryBudget.ReservationRefused"/>
/// and <see cref="MemoryBudget.Reclaimed"/> events (on the thread that raised them) and every
/// <see cref="PollingSourceOptions.Interval"/>, since a plain reservation or release raises no event. A limit of
/// 0 with bytes in use is Critical; use above the limit (after the limit was lowered) is over 100 %.
/// </para>
/// <para>
/// <b>Feedback: this is pressure the app puts on itself.</b> The coordinator answers Warning by lowering the
/// budget's limit (Normal 1/2, Warning 1/3, Critical 1/4 of the platform limit), and lowering the limit raises
/// use/limit: 600 of a 1000-byte limit is 60 %, Normal; after a limit cut to 666 it is 90 %, Warning; after a
/// cut to 500 it is 120 %, Critical, and it stays there until holders release memory, whatever caused the
/// first rise. So a BudgetSource that feeds the coordinator which sets the limit of the same budget latches.
/// Use it one of two ways: measure against a fixed figure with
/// <see cref="BudgetSourceOptions.ReferenceLimitBytes"/> (the budget at Normal pressure), which limit cuts do
/// not move; or treat its level as advice to holders (trim caches) rather than a reason to cut the limit.
/// </para>
/// <para>
/// Thread-safe. Accepted race: two reads at once (an event and the timer) may report out of order, so the
/// older reading can stand until the next event or tick; reads are never serialised under a lock held while
/// observers run, because an observer that sets the budget's limit raises LimitChanged back into this source.
/// </para>
/// </remarks>
public sealed class BudgetSource : SignalSource<PressureLevel>, IPressureSource
{
    private ITimer? _timer;

    /// <summary>Creates the source.</summary>
    /// <param name="budget">The budget to watch; not owned (disposing the source only unsubscribes).</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the message names it).</exception>
    public BudgetSource(MemoryBudget budget, BudgetSourceOptions? options = null)
        : base("budget", SignalKind.Budget, (options ??= new BudgetSourceOptions()).TimeProvider, options.Logger)
    {
        ArgumentNullException.ThrowIfNull(budget);
        options.Validate();
        Budget = budget;
        Options = options;
    }

    /// <summary>The budget watched.</summary>
    public MemoryBudget Budget { get; }

    /// <summary>The settings.</summary>
    public BudgetSourceOptions Options { get; }

    /// <summary>The level and reading for <paramref name="usedBytes"/> against <paramref name="limitBytes"/>
    /// (or against <paramref name="referenceBytes"/> when given).</summary>
    internal static (PressureLevel Level, string Reading) Assess(string budget, long usedBytes, long limitBytes, long? referenceBytes, PressureThresholds thresholds)
    {
        var against = referenceBytes ?? limitBytes;
        var percent = against > 0 ? usedBytes * 100.0 / against : usedBytes > 0 ? double.PositiveInfinity : 0;
        var shown = double.IsPositiveInfinity(percent) ? "∞" : Math.Floor(percent).ToString(CultureInfo.InvariantCulture);
        var reading = referenceBytes is null
            ? $"budget '{budget}' used {ByteSize.Format(usedBytes)} of limit {ByteSize.Format(limitBytes)} ({shown} %)"
            : $"budget '{budget}' used {ByteSize.Format(usedBytes)} of reference {ByteSize.Format(against)} ({shown} %), limit {ByteSize.Format(limitBytes)}";
        return (thresholds.Classify(percent), reading);
    }

    /// <inheritdoc />
    protected override SourceAvailability OnStart()
    {
        Budget.LimitChanged += OnBudgetEvent;
        Budget.ReservationRefused += OnBudgetEvent;
        Budget.Reclaimed += OnBudgetEvent;
        Check();
        _timer = SourceIntervals.StartWeak(TimeProvider, Options.Interval, this, static source => source.Check());
        var against = Options.ReferenceLimitBytes is { } reference ? $"a reference of {ByteSize.Format(reference)}" : "its limit";
        var when = Options.Interval == Timeout.InfiniteTimeSpan ? string.Empty : $" and every {SourceIntervals.Format(Options.Interval)}";
        return SourceAvailability.Available($"budget '{Budget.Name}' use against {against} ({Options.Thresholds}), on its events{when}");
    }

    /// <inheritdoc />
    protected override void OnStop()
    {
        Budget.LimitChanged -= OnBudgetEvent;
        Budget.ReservationRefused -= OnBudgetEvent;
        Budget.Reclaimed -= OnBudgetEvent;
        _timer?.Dispose();
    }

    private void OnBudgetEvent(object? sender, EventArgs e) => Check();

    private void Check()
    {
        var (level, reading) = Assess(Budget.Name, Budget.UsedBytes, Budget.LimitBytes, Options.ReferenceLimitBytes, Options.Thresholds);
        Report(level, reading);
    }
}
