using Microsoft.Extensions.Logging;

namespace MediaMemory.Budgeting;

/// <summary>Settings of a <see cref="MemoryBudget"/>; validated when the budget is built.</summary>
public sealed class MemoryBudgetOptions
{
    /// <summary>The limit in bytes; must be ≥ 0 (0 refuses every non-empty reservation). No default: required.</summary>
    public required long LimitBytes { get; init; }

    /// <summary>A name for logs and metrics. Default "default".</summary>
    public string Name { get; init; } = "default";

    /// <summary>Clock for event timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Logger for refusals, reclaims and limit changes. Default none.</summary>
    public ILogger? Logger { get; init; }
}
