namespace MediaMemory.Tests.Budgeting;

/// <summary>Stress tests run alone: they keep both cores busy and must not slow other tests' timing.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StressTestsRunAlone
{
    public const string Name = "Budget stress";
}
