namespace MediaMemory.Compression;

/// <summary>The quality level asked of colour textures; pressure lowers it.</summary>
public enum FormatQuality
{
    /// <summary>Minimum quality (Critical pressure): 16 bits per pixel.</summary>
    Low,

    /// <summary>Halved quality (Warning pressure): 32 bits, extended range, no alpha.</summary>
    Medium,

    /// <summary>Full quality: 32 bits, 8 bits per channel with alpha.</summary>
    High,
}
