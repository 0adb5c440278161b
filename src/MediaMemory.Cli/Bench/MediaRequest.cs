using MediaMemory.Units;

namespace MediaMemory.Cli.Bench;

/// <summary>One allocation request of a photo/video editor: a texture, or a buffer with its alignment.</summary>
/// <param name="SizeBytes">Bytes to allocate.</param>
/// <param name="AlignmentBytes">Alignment of the offset.</param>
/// <param name="Descriptor">The texture, or null for a buffer.</param>
internal readonly record struct MediaRequest(long SizeBytes, long AlignmentBytes, TextureDescriptor? Descriptor);
