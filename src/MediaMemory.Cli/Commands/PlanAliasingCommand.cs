using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MediaMemory.Cli.Infrastructure;
using MediaMemory.Heaps;
using MediaMemory.Units;
using Spectre.Console;

namespace MediaMemory.Cli.Commands;

/// <summary>
/// <c>mediamem plan-aliasing FILE.csv</c>: plans one arena for a CSV of transient resources with
/// <see cref="AliasPlanner"/>, and shows plain greedy-by-size beside it for comparison.
/// </summary>
internal static class PlanAliasingCommand
{
    public static Command Create(CliContext context)
    {
        var json = CommonOptions.Json();
        var file = new Argument<string>("FILE")
        {
            Description = $"CSV with the header {string.Join(',', TransientResourceCsv.Columns)} (steps inclusive; columns in any order).",
        };
        var command = new Command("plan-aliasing", "Plan offsets for transient resources so that resources never alive at the same step share memory; compare with greedy-by-size and the lower bound.")
        {
            file,
            json,
        };
        command.SetAction(result => Run(context, result.GetValue(file)!, result.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string path, bool json)
    {
        var (resources, plan, greedy) = ReadAndPlan(path);

        if (json)
        {
            var placements = new JsonArray();
            foreach (var placement in plan.Placements)
            {
                placements.Add(new JsonObject
                {
                    ["name"] = placement.Resource.Name,
                    ["offset"] = placement.OffsetBytes,
                });
            }

            JsonOutput.Write(context.Output, new JsonObject
            {
                ["resources"] = resources.Count,
                ["arena_bytes"] = plan.ArenaBytes,
                ["lower_bound_bytes"] = plan.LowerBoundBytes,
                ["naive_bytes"] = plan.NaiveBytes,
                ["ratio"] = plan.Ratio,
                ["greedy_by_size_arena_bytes"] = greedy.ArenaBytes,
                ["greedy_by_size_ratio"] = greedy.Ratio,
                ["strategy"] = plan.Strategy,
                ["placements"] = placements,
            });
            return ExitCodes.Success;
        }

        var summary = new Table().Title($"Aliasing plan for {Markup.Escape(Path.GetFileName(path))}")
            .AddColumn("What").AddColumn(new TableColumn("Bytes").RightAligned()).AddColumn("Size").AddColumn(new TableColumn("× lower bound").RightAligned());
        void Row(string what, long bytes) => summary.AddRow(
            Markup.Escape(what),
            bytes.ToString("N0", CultureInfo.InvariantCulture),
            ByteSize.Format(bytes),
            plan.LowerBoundBytes == 0 ? "-" : ((double)bytes / plan.LowerBoundBytes).ToString("F4", CultureInfo.InvariantCulture));
        Row($"Arena, planned ({plan.Strategy})", plan.ArenaBytes);
        Row("Arena, greedy-by-size", greedy.ArenaBytes);
        Row("Lower bound (most bytes alive at one step)", plan.LowerBoundBytes);
        Row($"Without aliasing (sum of {resources.Count} sizes)", plan.NaiveBytes);
        context.Console.Write(summary);

        var table = new Table().Title("Placements")
            .AddColumn("Name").AddColumn(new TableColumn("Offset").RightAligned()).AddColumn(new TableColumn("Size").RightAligned()).AddColumn(new TableColumn("Steps").RightAligned());
        foreach (var placement in plan.Placements)
        {
            var r = placement.Resource;
            table.AddRow(
                Markup.Escape(r.Name),
                placement.OffsetBytes.ToString("N0", CultureInfo.InvariantCulture),
                ByteSize.Format(r.SizeBytes),
                string.Create(CultureInfo.InvariantCulture, $"{r.FirstUse}…{r.LastUse}"));
        }

        context.Console.Write(table);
        return ExitCodes.Success;
    }

    /// <summary>Reads the file and plans it both ways; anything wrong with the file is a <see cref="UsageException"/>.</summary>
    private static (IReadOnlyList<TransientResource> Resources, AliasPlan Plan, AliasPlan Greedy) ReadAndPlan(string path)
    {
        try
        {
            var resources = TransientResourceCsv.ReadFile(path);
            return (resources, AliasPlanner.Plan(resources), AliasPlanner.PlanGreedyBySize(resources));
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentOutOfRangeException)
        {
            // The reader refuses, naming the row, everything the planner would refuse; the planner's own
            // refusal (naming the resource) is the backstop should the two ever disagree.
            throw new UsageException($"{path}: {ex.Message}");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new UsageException($"{path}: no such file; give the path of a CSV with the header {string.Join(',', TransientResourceCsv.Columns)}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // Opening a directory as a file fails with "Access to the path is denied": say what it really is.
            throw new UsageException(Directory.Exists(path)
                ? $"{path}: is a directory, not a file; give the path of a CSV with the header {string.Join(',', TransientResourceCsv.Columns)}"
                : $"{path}: cannot be read ({ex.Message})");
        }
    }
}
