using MediaMemory.Pressure;
using Microsoft.Extensions.Logging;

namespace MediaMemory.Internals;

/// <summary>Log messages of pressure and thermal sources and the coordinator.</summary>
internal static partial class PressureLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Source {Source} unavailable: {Reason}")]
    public static partial void SourceUnavailable(ILogger logger, string source, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Source {Source}: an observer threw")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, string source);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Pressure {Previous} -> {Level} from {Source} ({Reading})")]
    public static partial void LevelChanged(ILogger logger, PressureLevel previous, PressureLevel level, string source, string reading);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Pressure stays {Level}: every source is at {Lower} or below, but no lower level's budget would fit ({Reason})")]
    public static partial void FallHeldBack(ILogger logger, PressureLevel level, PressureLevel lower, string reason);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Responder {Responder} threw at {Level}")]
    public static partial void ResponderFailed(ILogger logger, Exception exception, string responder, PressureLevel level);

    [LoggerMessage(EventId = 105, Level = LogLevel.Error, Message = "{Owner}: a subscriber or work item threw")]
    public static partial void CallbackFailed(ILogger logger, Exception exception, string owner);
}
