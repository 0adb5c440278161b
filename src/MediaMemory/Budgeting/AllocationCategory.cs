namespace MediaMemory.Budgeting;

/// <summary>What a reservation holds; the budget accounts bytes per category.</summary>
public enum AllocationCategory
{
    /// <summary>Decoded source images and clips being edited.</summary>
    SourceAssets,

    /// <summary>Intermediate textures of the current edit or render.</summary>
    WorkingTextures,

    /// <summary>Cached textures that can be rebuilt (previews, thumbnails, tiles).</summary>
    CacheTextures,

    /// <summary>Decoded video frames (pools, ring buffers).</summary>
    VideoFrames,

    /// <summary>Effect state: lookup tables, kernels, scratch buffers.</summary>
    Effects,

    /// <summary>User-interface surfaces.</summary>
    UI,
}
