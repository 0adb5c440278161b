namespace MediaMemory.Units;

/// <summary>Where a texture's memory lives, as Metal's <c>MTLStorageMode</c>.</summary>
public enum StorageMode
{
    /// <summary>Device-only memory; on unified-memory systems still system RAM.</summary>
    Private,

    /// <summary>Memory visible to both CPU and GPU.</summary>
    Shared,

    /// <summary>Tile memory only: no system memory backs the texture (resident size 0).</summary>
    Memoryless,
}
