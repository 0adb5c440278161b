namespace MediaMemory.Heaps;

/// <summary>A contiguous range of a <see cref="Tlsf"/>'s space, used to report free ranges.</summary>
/// <param name="OffsetBytes">Offset of the first byte, in bytes from the start of the allocator's range.</param>
/// <param name="SizeBytes">Length of the range, in bytes.</param>
/// <remarks>An immutable value; thread-safe to copy and read.</remarks>
public readonly record struct TlsfRange(long OffsetBytes, long SizeBytes)
{
    /// <summary>Offset one past the last byte, in bytes (<see cref="OffsetBytes"/> + <see cref="SizeBytes"/>).</summary>
    public long EndBytes => OffsetBytes + SizeBytes;
}
