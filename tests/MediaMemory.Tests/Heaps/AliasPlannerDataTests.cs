using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

/// <summary>
/// The targets on the shared effect-graph and network workloads (<c>../shared/data/aliasing</c>,
/// relative to the repository root): every plan valid, mean ratio ≤ 1.01, worst ≤ 1.04, and on no file
/// larger than plain greedy-by-size.
/// </summary>
public sealed class AliasPlannerDataTests
{
    /// <summary>Mean of arena / lower bound the issue asks for.</summary>
    private const double MeanRatioTarget = 1.01;

    /// <summary>Worst arena / lower bound the issue asks for.</summary>
    private const double WorstRatioTarget = 1.04;

    [Fact]
    public void SharedWorkloads_MeetTheRatioTargets_AndNeverLoseToGreedyBySize()
    {
        var files = DataFiles();
        var ratios = new List<double>();
        foreach (var file in files)
        {
            var resources = TransientResourceCsv.ReadFile(file);
            var plan = AliasPlanner.Plan(resources);
            var greedy = AliasPlanner.PlanGreedyBySize(resources);
            AliasPlannerAssert.Valid(resources, plan);
            AliasPlannerAssert.Valid(resources, greedy);
            Assert.True(
                plan.ArenaBytes <= greedy.ArenaBytes,
                $"{Path.GetFileName(file)}: planner {plan.ArenaBytes} bytes ({plan.Strategy}) > greedy-by-size {greedy.ArenaBytes}");
            ratios.Add(plan.Ratio);
        }

        var mean = ratios.Average();
        var worst = ratios.Max();
        Assert.True(mean <= MeanRatioTarget, $"mean ratio {mean:F4} > {MeanRatioTarget} over {files.Length} files");
        Assert.True(worst <= WorstRatioTarget, $"worst ratio {worst:F4} > {WorstRatioTarget} ({files[ratios.IndexOf(worst)]})");
    }

    [Fact]
    public void SharedWorkloads_AllParse()
    {
        foreach (var file in DataFiles())
        {
            Assert.NotEmpty(TransientResourceCsv.ReadFile(file));
        }
    }

    private static string[] DataFiles() => SharedData.Files("aliasing", "*.csv");
}
