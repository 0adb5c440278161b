namespace MediaMemory.Internals;

/// <summary>
/// The leases an owner has handed out and not yet seen ended, each under an id of its own, so that ending a
/// lease can be checked: the lease types are <c>ref struct</c>s (no allocation per lease), so a copy of one
/// carries the same id, and only the first of the two to be disposed ends it. Without ids, a count would let
/// a copy disposed after its original end some other live lease, and the memory behind that one could then
/// be moved, purged or freed under its reader.
/// </summary>
/// <remarks>Not thread-safe: the owner calls it under its own lock. Ids are never reused (a 64-bit counter).
/// Allocates only when the set grows past the most leases ever open at once.</remarks>
internal sealed class LeaseIds
{
    private readonly HashSet<long> _open = [];
    private long _last;

    /// <summary>Leases open now.</summary>
    public int Count => _open.Count;

    /// <summary>Opens a lease and returns its id (never 0, which a <c>default</c> lease carries).</summary>
    public long Open()
    {
        var id = ++_last;
        _open.Add(id);
        return id;
    }

    /// <summary>Ends lease <paramref name="id"/>; false when it is not open (ended already, through a copy, or never opened here).</summary>
    public bool TryClose(long id) => _open.Remove(id);
}
