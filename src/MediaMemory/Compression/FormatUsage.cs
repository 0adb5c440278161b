namespace MediaMemory.Compression;

/// <summary>What a texture's values mean, for <see cref="FormatAdvisor.OptimalFormat"/>.</summary>
public enum FormatUsage
{
    /// <summary>Colour the user sees (photos, renders).</summary>
    Color,

    /// <summary>Tangent-space normals: two components are enough.</summary>
    Normal,

    /// <summary>One-channel data that must keep full precision (depth, masks, heights).</summary>
    Data,
}
