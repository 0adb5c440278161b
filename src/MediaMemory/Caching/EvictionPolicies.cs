namespace MediaMemory.Caching;

/// <summary>The eviction policies by name.</summary>
public static class EvictionPolicies
{
    /// <summary>The default policy's name: <see cref="CostAwarePolicy"/>.</summary>
    public const string Default = CostAwarePolicy.PolicyName;

    /// <summary>Every name <see cref="Create"/> accepts, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = [CostAwarePolicy.PolicyName, LruPolicy.PolicyName, SeedWeightedPolicy.PolicyName];

    /// <summary>Makes a new policy instance (one per cache) by name, case-insensitive.</summary>
    /// <exception cref="ArgumentException">No policy has that name; the message lists the names.</exception>
    public static IEvictionPolicy Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "COST-AWARE" => new CostAwarePolicy(),
            "LRU" => new LruPolicy(),
            "SEED-WEIGHTED" => new SeedWeightedPolicy(),
            _ => throw new ArgumentException($"unknown eviction policy '{name}'; use one of: {string.Join(", ", Names)}", nameof(name)),
        };
    }
}
