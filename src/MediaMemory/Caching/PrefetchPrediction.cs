namespace MediaMemory.Caching;

/// <summary>A guess that <paramref name="Key"/> will be requested soon.</summary>
/// <typeparam name="TKey">The cache's key type.</typeparam>
/// <param name="Key">The key.</param>
/// <param name="Probability">How likely the request is, 0…1. Only predictions above
/// <see cref="ResourceCache{TKey, TValue}.PrefetchThreshold"/> are acted on.</param>
public readonly record struct PrefetchPrediction<TKey>(TKey Key, double Probability);
