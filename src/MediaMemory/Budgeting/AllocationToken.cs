namespace MediaMemory.Budgeting;

/// <summary>
/// Proof of a reservation in a <see cref="MemoryBudget"/>; disposing it gives the bytes back.
/// </summary>
/// <remarks>
/// A small struct, so reserving allocates nothing. It names a slot in the budget and the slot's
/// generation: once released, the slot's generation moves on, so this token and every copy of it
/// are stale. <see cref="Dispose"/> on a stale token does nothing (idempotent, as .NET expects);
/// reading <see cref="Bytes"/> from one throws <see cref="ObjectDisposedException"/>, and
/// <see cref="MemoryBudget.Release"/> of one throws <see cref="InvalidOperationException"/>.
/// <c>default(AllocationToken)</c> is invalid by construction. Thread-safe: the budget locks.
/// </remarks>
public readonly struct AllocationToken : IDisposable, IEquatable<AllocationToken>
{
    internal AllocationToken(MemoryBudget budget, int slot, int generation)
    {
        Budget = budget;
        Slot = slot;
        Generation = generation;
    }

    /// <summary>The budget this token was reserved from; null for <c>default</c>.</summary>
    public MemoryBudget? Budget { get; }

    internal int Slot { get; }

    internal int Generation { get; }

    /// <summary>True while the reservation is held (not yet released).</summary>
    public bool IsHeld => Budget is not null && Budget.IsHeld(Slot, Generation);

    /// <summary>Bytes reserved.</summary>
    /// <exception cref="ObjectDisposedException">The token was released (or is <c>default</c>).</exception>
    public long Bytes => ResolvedBudget.GetSlotBytes(Slot, Generation);

    /// <summary>The category the bytes are accounted under.</summary>
    /// <exception cref="ObjectDisposedException">The token was released.</exception>
    public AllocationCategory Category => ResolvedBudget.GetSlotCategory(Slot, Generation);

    private MemoryBudget ResolvedBudget => Budget ?? throw new ObjectDisposedException(nameof(AllocationToken), "default(AllocationToken) holds no reservation");

    /// <summary>Gives the bytes back. Does nothing if already released.</summary>
    public void Dispose() => Budget?.ReleaseCore(Slot, Generation, throwIfStale: false);

    /// <inheritdoc />
    public bool Equals(AllocationToken other) =>
        ReferenceEquals(Budget, other.Budget) && Slot == other.Slot && Generation == other.Generation;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AllocationToken other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Budget, Slot, Generation);

    /// <summary>Compares tokens.</summary>
    public static bool operator ==(AllocationToken left, AllocationToken right) => left.Equals(right);

    /// <summary>Compares tokens.</summary>
    public static bool operator !=(AllocationToken left, AllocationToken right) => !left.Equals(right);
}
