using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MediaMemory.Cli.Cache;
using MediaMemory.Cli.Infrastructure;
using MediaMemory.Units;
using Spectre.Console;

namespace MediaMemory.Cli.Commands;

/// <summary><c>mediamem cache replay</c>: a cache trace through every eviction policy and its peers.</summary>
internal static class CacheCommand
{
    public static Command Create(CliContext context)
    {
        var cache = new Command("cache", "Cache tools.");
        cache.Subcommands.Add(CreateReplay(context));
        return cache;
    }

    private static Command CreateReplay(CliContext context)
    {
        var json = CommonOptions.Json();
        var file = new Argument<FileInfo>("TRACE") { Description = "A trace: media CSV (key,size_bytes,cost), LIRS keys, cache2k int32, 'time id size' or 'l|s ADDR … miss' (.gz read as gzip, checked for truncation; other compressed files are refused)." };
        var capacity = CommonOptions.Size("--capacity", "Capacity in bytes (traces with sizes).");
        var items = CommonOptions.Integer("--capacity-items", $"Capacity in items (traces without sizes), {ReplayPlan.MinItems}…{ReplayPlan.MaxItems:N0}.", 0, min: ReplayPlan.MinItems, max: ReplayPlan.MaxItems);
        var policy = new Option<string>("--policy") { Description = $"One policy or 'all' (default): {string.Join(", ", ReplayPolicies.Names)}.", DefaultValueFactory = _ => "all" };
        var command = new Command("replay", "Replay a cache trace through the library's eviction policies and BitFaster.Caching, MemoryCache and (unit-size traces) Belady's optimum; hit, byte-hit and cost-saved ratios.")
        {
            file,
            json,
            capacity,
            items,
            policy,
        };
        command.SetAction(result => RunReplay(context, result.GetValue(file)!, result.GetValue(capacity), result.GetValue(items), result.GetValue(policy)!, result.GetValue(json)));
        return command;
    }

    private static int RunReplay(CliContext context, FileInfo file, ByteSize? capacity, int items, string policy, bool json)
    {
        if (!file.Exists)
        {
            throw new UsageException(Directory.Exists(file.FullName)
                ? $"TRACE: {file.FullName} is a directory, not a file; give the path of a trace"
                : $"TRACE: {file.FullName} does not exist");
        }

        if (capacity is not null && items != 0)
        {
            throw new UsageException("give --capacity or --capacity-items, not both");
        }

        if (items != 0 && items is < ReplayPlan.MinItems or > ReplayPlan.MaxItems)
        {
            throw new UsageException($"--capacity-items: {items} is out of range; use {ReplayPlan.MinItems}…{ReplayPlan.MaxItems}");
        }

        if (capacity is { Bytes: <= 0 })
        {
            throw new UsageException("--capacity: the capacity must be more than 0 bytes");
        }

        if (!string.Equals(policy, "all", StringComparison.OrdinalIgnoreCase) && !ReplayPolicies.Names.Contains(policy, StringComparer.OrdinalIgnoreCase))
        {
            throw new UsageException($"--policy: unknown policy '{policy}'; use all or one of {string.Join(", ", ReplayPolicies.Names)}");
        }

        Trace trace;
        try
        {
            trace = Trace.Load(file.FullName);
        }
        catch (InvalidDataException ex)
        {
            throw new UsageException(ex.Message);
        }

        if (trace.HasSizes && string.Equals(policy, "belady", StringComparison.OrdinalIgnoreCase))
        {
            throw new UsageException($"--policy belady: {trace.Name} has object sizes, and Belady's MIN is the optimum for objects of one size only; run it on a trace without sizes");
        }

        var plan = ReplayPlan.For(trace, capacity?.Bytes, items == 0 ? null : items);
        var results = new List<ReplayResult>();
        foreach (var name in ReplayPolicies.Names.Where(n => string.Equals(policy, "all", StringComparison.OrdinalIgnoreCase) || string.Equals(n, policy, StringComparison.OrdinalIgnoreCase)))
        {
            using var cache = ReplayPolicies.Create(name, trace, plan);
            if (cache is not null)
            {
                results.Add(Replayer.Run(trace, cache, ReplayPolicies.IsDefault(name)));
            }
        }

        if (json)
        {
            var output = new JsonObject
            {
                ["trace"] = trace.Name,
                ["format"] = trace.Format.ToString(),
                ["requests"] = trace.Requests.Length,
                ["unique_keys"] = trace.UniqueKeys,
            };
            if (plan.CapacityBytes is { } bytes)
            {
                output["capacity_bytes"] = bytes;
                output["mean_object_bytes"] = Math.Round(trace.MeanObjectSizeBytes, 1);
                output["item_peers_capacity_items"] = plan.PeerItems;
            }
            else
            {
                output["capacity_items"] = plan.PeerItems;
            }

            var heldUnit = trace.HasSizes ? "bytes" : "items";
            output["results"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
            {
                ["policy"] = r.Policy,
                ["default"] = r.IsDefault,
                ["hit_ratio"] = Math.Round(r.HitRatio, 5),
                ["byte_hit_ratio"] = Math.Round(r.ByteHitRatio, 5),
                ["cost_saved_ratio"] = Math.Round(r.CostSavedRatio, 5),
                ["ops_per_sec"] = Math.Round(r.OpsPerSec),
                [$"mean_held_{heldUnit}"] = Math.Round(r.MeanHeld),
                [$"peak_held_{heldUnit}"] = r.PeakHeld,
            })]);
            JsonOutput.Write(context.Output, output);
            return ExitCodes.Success;
        }

        var capacityText = plan.CapacityBytes is { } b
            ? $"{ByteSize.Format(b)} (item-bounded peers: {plan.PeerItems:N0} items, the capacity at the mean object size {ByteSize.Format((long)trace.MeanObjectSizeBytes)})"
            : $"{plan.PeerItems:N0} items";
        var table = new Table().Title($"{Markup.Escape(trace.Name)}: {trace.Requests.Length:N0} requests, {trace.UniqueKeys:N0} keys, capacity {Markup.Escape(capacityText)}")
            .AddColumn("Policy").AddColumn(new TableColumn("Hit ratio").RightAligned()).AddColumn(new TableColumn("Byte hit ratio").RightAligned())
            .AddColumn(new TableColumn("Cost saved").RightAligned()).AddColumn(new TableColumn("Requests/s").RightAligned())
            .AddColumn(new TableColumn(trace.HasSizes ? "Held (mean / peak)" : "Items held (mean / peak)").RightAligned());
        foreach (var r in results)
        {
            table.AddRow(
                r.IsDefault ? $"[bold]{r.Policy}[/] (default)" : r.Policy,
                r.HitRatio.ToString("P2", CultureInfo.InvariantCulture),
                r.ByteHitRatio.ToString("P2", CultureInfo.InvariantCulture),
                r.CostSavedRatio.ToString("P2", CultureInfo.InvariantCulture),
                r.OpsPerSec.ToString("N0", CultureInfo.InvariantCulture),
                trace.HasSizes
                    ? $"{ByteSize.Format((long)r.MeanHeld)} / {ByteSize.Format(r.PeakHeld)}"
                    : $"{r.MeanHeld.ToString("N0", CultureInfo.InvariantCulture)} / {r.PeakHeld.ToString("N0", CultureInfo.InvariantCulture)}");
        }

        context.Console.Write(table);
        return ExitCodes.Success;
    }
}
