using MediaMemory.Budgeting;
using Microsoft.Extensions.Logging;

namespace MediaMemory.Internals;

/// <summary>The budget's log messages (source-generated, so disabled levels cost a check only).</summary>
internal static partial class BudgetLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Budget {Budget} limit {OldBytes} -> {NewBytes} bytes ({UsedBytes} in use)")]
    public static partial void LimitChanged(ILogger logger, string budget, long oldBytes, long newBytes, long usedBytes);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Budget {Budget} refused {Bytes} bytes for {Category} ({Priority}): {Reason}, {AvailableBytes} available")]
    public static partial void Refused(ILogger logger, string budget, long bytes, AllocationCategory category, Priority priority, RefusalReason reason, long availableBytes);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Reclaimer {Reclaimer} asked for {WantedBytes} bytes ({Reason}) released {ReleasedBytes} (claimed {ClaimedBytes})")]
    public static partial void Reclaimed(ILogger logger, string reclaimer, long wantedBytes, ReclaimReason reason, long releasedBytes, long claimedBytes);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Reclaimer {Reclaimer} threw while asked for {WantedBytes} bytes")]
    public static partial void ReclaimerFailed(ILogger logger, Exception exception, string reclaimer, long wantedBytes);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Budget {Budget}: an observer of {Event} threw")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, string budget, string @event);
}
