namespace MediaMemory.Tests.Caching;

/// <summary>A cache value that counts its disposals.</summary>
internal sealed class TrackedValue(int id) : IDisposable
{
    private int _disposals;

    public int Id { get; } = id;

    public int Disposals => Volatile.Read(ref _disposals);

    public void Dispose() => Interlocked.Increment(ref _disposals);
}
