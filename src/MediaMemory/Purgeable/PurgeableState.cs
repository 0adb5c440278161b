namespace MediaMemory.Purgeable;

/// <summary>
/// The purgeable state of a <see cref="PurgeableBuffer"/>, as Metal's <c>MTLPurgeableState</c> has it
/// (without <c>KeepCurrent</c>: read <see cref="PurgeableBuffer.State"/> instead).
/// </summary>
public enum PurgeableState
{
    /// <summary>The contents are kept and may be read and written (through a lease).</summary>
    NonVolatile = 0,

    /// <summary>The contents are kept unless the system needs the memory: the kernel (Linux,
    /// <c>MADV_FREE</c>) or the pressure response may discard them. Not accessible until made
    /// <see cref="NonVolatile"/> again.</summary>
    Volatile = 1,

    /// <summary>The contents are gone and the memory (and its budget bytes) given back.</summary>
    Empty = 2,
}
