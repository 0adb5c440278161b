namespace MediaMemory.Purgeable;

/// <summary>
/// Rebuilds a purged buffer's contents from their source (decode again, re-render, re-read): writes every
/// byte of <paramref name="destination"/>, exactly as they were before the buffer was purged.
/// </summary>
/// <param name="destination">The whole buffer, <see cref="PurgeableBuffer.SizeBytes"/> bytes, zeroed.</param>
public delegate void PurgeableRestore(Span<byte> destination);
