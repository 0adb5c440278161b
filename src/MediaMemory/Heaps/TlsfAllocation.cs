namespace MediaMemory.Heaps;

/// <summary>
/// A live range handed out by <see cref="Tlsf"/>: where it starts, how many bytes it covers, and the
/// handle and generation that let the allocator recognise it again (and refuse a stale copy).
/// </summary>
/// <param name="OffsetBytes">Offset of the first byte from the start of the allocator's range, in bytes;
/// a multiple of the alignment that was requested.</param>
/// <param name="SizeBytes">Bytes the allocation covers: the requested size rounded up to
/// <see cref="Tlsf.GranularityBytes"/>.</param>
/// <param name="Handle">Index of the allocator's node for this range; meaningful only to the
/// <see cref="Tlsf"/> that issued it.</param>
/// <param name="Generation">The node's generation when the range was issued. Never 0 for an issued
/// allocation, so <c>default</c> is invalid by construction.</param>
/// <remarks>
/// An immutable value; thread-safe to copy and read. It owns nothing: the bytes belong to whoever owns the
/// memory the <see cref="Tlsf"/> describes, and the range returns to the allocator only through
/// <see cref="Tlsf.Free(TlsfAllocation)"/>.
/// </remarks>
public readonly record struct TlsfAllocation(long OffsetBytes, long SizeBytes, int Handle, int Generation)
{
    /// <summary>Offset one past the last byte, in bytes (<see cref="OffsetBytes"/> + <see cref="SizeBytes"/>).</summary>
    public long EndBytes => OffsetBytes + SizeBytes;

    /// <summary>False for <c>default</c>: generation 0 is never issued. True does not mean live; ask
    /// <see cref="Tlsf.IsLive(TlsfAllocation)"/>.</summary>
    public bool IsIssued => Generation != 0;
}
