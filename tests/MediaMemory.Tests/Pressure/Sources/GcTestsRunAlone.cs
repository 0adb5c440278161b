namespace MediaMemory.Tests.Pressure.Sources;

/// <summary>Tests that force GCs and watch finalizers run alone, so other tests' GCs do not blur what they count.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GcTestsRunAlone
{
    public const string Name = "GC callbacks";
}
