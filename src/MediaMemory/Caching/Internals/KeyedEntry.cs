namespace MediaMemory.Caching.Internals;

/// <summary>A <see cref="ValueEntry{TValue}"/> with its key, as the cache's dictionary holds it.</summary>
internal sealed class KeyedEntry<TKey, TValue>(TKey key, TValue value, int keyHash, long sizeBytes, long costMicros, long tick)
    : ValueEntry<TValue>(value, keyHash, sizeBytes, costMicros, tick)
{
    public TKey Key { get; } = key;
}
