namespace MediaMemory.Caching;

/// <summary>A value a factory built, with the size and cost the cache accounts it by.</summary>
/// <typeparam name="TValue">The value type; the cache owns the value once it is handed over.</typeparam>
/// <param name="Value">The value. An <see cref="IDisposable"/> value is disposed when it leaves the cache.</param>
/// <param name="SizeBytes">Bytes the value holds, ≥ 0; the budget reservation is exactly this.</param>
/// <param name="CostMicros">Microseconds it took (or would take) to build, ≥ 0.</param>
public readonly record struct CacheItem<TValue>(TValue Value, long SizeBytes, long CostMicros);
