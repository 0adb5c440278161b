namespace MediaMemory.Pressure;

/// <summary>
/// The order in which responders run on a level change, cheapest and least visible first: the
/// coordinator runs every responder of a stage before the next stage.
/// </summary>
/// <remarks>
/// Warning: compress inactive resources, halve quality, pause background work, trim caches by 30 %.
/// Critical: minimum quality, cancel background work, purge caches, purge volatile memory, compact heaps.
/// </remarks>
public enum PressureStage
{
    /// <summary>Compress inactive resources.</summary>
    Compress = 0,

    /// <summary>Lower the quality of quality-scalable consumers.</summary>
    Quality = 1,

    /// <summary>Pause or cancel non-essential background work.</summary>
    BackgroundWork = 2,

    /// <summary>Trim (Warning) or purge (Critical) caches.</summary>
    Caches = 3,

    /// <summary>Purge volatile (purgeable) memory.</summary>
    PurgeVolatile = 4,

    /// <summary>Compact heaps and give empty blocks back.</summary>
    CompactHeaps = 5,
}
