namespace MediaMemory.Units;

/// <summary>How a texture is used; decides its placement alignment.</summary>
[Flags]
public enum TextureUsage
{
    /// <summary>No declared use.</summary>
    None = 0,

    /// <summary>Sampled or read by shaders.</summary>
    ShaderRead = 1,

    /// <summary>Written by shaders.</summary>
    ShaderWrite = 2,

    /// <summary>Rendered into.</summary>
    RenderTarget = 4,
}
