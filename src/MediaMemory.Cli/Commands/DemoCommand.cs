using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MediaMemory.Budgeting;
using MediaMemory.Cli.Demo;
using MediaMemory.Cli.Infrastructure;
using MediaMemory.Platform;
using MediaMemory.Pressure;
using MediaMemory.Units;
using Spectre.Console;

namespace MediaMemory.Cli.Commands;

/// <summary><c>mediamem demo</c>: a photo/video editing session in real memory, inside one budget.</summary>
internal static class DemoCommand
{
    /// <summary>The default device: a 4 GB phone, the tightest common target (budget 1.2 GiB).</summary>
    public const string DefaultDevice = "phone-4gb";

    /// <summary>Default length in seconds (arbitrary: long enough for every scheduled event).</summary>
    public const int DefaultSeconds = 5;

    /// <summary>Longest run accepted: one hour.</summary>
    public const int MaxSeconds = 3600;

    public static Command Create(CliContext context)
    {
        var json = CommonOptions.Json();
        var device = CommonOptions.Device(DefaultDevice);
        var budget = CommonOptions.Size("--budget", "Budget limit; default: what the policy gives the device at Normal pressure.");
        var seconds = CommonOptions.Integer("--seconds", $"Length of the run in seconds, 1…{MaxSeconds} (default {DefaultSeconds}).", DefaultSeconds);
        var seed = CommonOptions.Integer("--seed", "Seed of the preview requests (default 1).", 1);
        var command = new Command("demo", "Run a photo/video editing session with real native buffers (100 MP photos, 4K/8K frames, previews) inside one memory budget.")
        {
            json,
            device,
            budget,
            seconds,
            seed,
        };
        command.SetAction(result => Run(context, result.GetValue(device)!, result.GetValue(budget), result.GetValue(seconds), result.GetValue(seed), result.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string deviceName, ByteSize? budgetOverride, int seconds, int seed, bool json)
    {
        if (seconds is < 1 or > MaxSeconds)
        {
            throw new UsageException($"--seconds: {seconds} is out of range; use 1…{MaxSeconds}");
        }

        var limits = MemoryLimits.Detect();
        var device = CommonOptions.ResolveDevice(deviceName, limits);
        var budgetBytes = budgetOverride?.Bytes ?? BudgetPolicy.BudgetBytes(limits.EffectiveLimitBytes, device, PressureLevel.Normal);
        if (budgetBytes <= 0)
        {
            throw new UsageException("--budget: the budget must be more than 0 bytes");
        }

        if (budgetBytes > limits.EffectiveLimitBytes)
        {
            throw new UsageException($"--budget: {ByteSize.Format(budgetBytes)} is more than this process may use ({ByteSize.Format(limits.EffectiveLimitBytes)} effective limit); choose a smaller budget");
        }

        var workload = new DemoWorkload(new DemoOptions(budgetBytes, seconds, seed));
        DemoResult result;
        if (json || !context.Console.Profile.Capabilities.Interactive)
        {
            result = workload.Run();
        }
        else
        {
            DemoResult? done = null;
            context.Console.Progress().Start(ctx =>
            {
                var task = ctx.AddTask($"Editing session, budget {ByteSize.Format(budgetBytes)}", maxValue: 1.0);
                done = workload.Run(fraction => task.Value = fraction);
            });
            result = done!;
        }

        if (json)
        {
            JsonOutput.Write(context.Output, ToJson(result, device, limits));
        }
        else
        {
            WriteTables(context.Console, result, device);
        }

        return ExitCodes.Success;
    }

    private static JsonObject ToJson(DemoResult r, DeviceProfile device, MemoryLimits limits)
    {
        var byCategory = new JsonObject();
        foreach (var category in Enum.GetValues<AllocationCategory>())
        {
            byCategory[SnakeCase(category.ToString())] = r.Budget.PeakBy(category);
        }

        return new JsonObject
        {
            ["device_profile"] = device.Name,
            ["effective_limit_bytes"] = limits.EffectiveLimitBytes,
            ["budget_bytes"] = r.Budget.LimitBytes,
            ["peak_used_bytes"] = r.Budget.PeakUsedBytes,
            ["used_bytes_at_end"] = r.Budget.UsedBytes,
            ["used_bytes_after_cleanup"] = r.UsedBytesAfterCleanup,
            ["live_tokens_after_cleanup"] = r.LiveTokensAfterCleanup,
            ["reservations"] = r.Budget.Reservations,
            ["refusals"] = r.Budget.Refusals,
            ["reclaimed_bytes"] = r.Budget.ReclaimedBytes,
            ["peak_rss_bytes"] = r.PeakRssBytes,
            ["by_category"] = byCategory,
            ["seconds"] = Math.Round(r.ElapsedSeconds, 3),
            ["ticks"] = r.Ticks,
            ["frames_written"] = r.FramesWritten,
            ["photos_opened"] = r.PhotosOpened,
            ["photos_refused"] = r.PhotosRefused,
            ["clip_switches"] = r.ClipSwitches,
            ["clip_switches_refused"] = r.ClipSwitchesRefused,
            ["effects_run"] = r.EffectsRun,
            ["effects_skipped"] = r.EffectsSkipped,
            ["cache_hits"] = r.CacheHits,
            ["cache_misses"] = r.CacheMisses,
            ["cache_evictions"] = r.CacheEvictions,
        };
    }

    private static void WriteTables(IAnsiConsole console, DemoResult r, DeviceProfile device)
    {
        static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
        var summary = new Table().Title($"Demo on {Markup.Escape(device.Name)}: {r.ElapsedSeconds:0.0} s, {N(r.Ticks)} ticks")
            .AddColumn("Measure").AddColumn(new TableColumn("Value").RightAligned());
        summary.AddRow("Budget", ByteSize.Format(r.Budget.LimitBytes));
        summary.AddRow("Peak used", $"{ByteSize.Format(r.Budget.PeakUsedBytes)} ({(double)r.Budget.PeakUsedBytes / r.Budget.LimitBytes:P0})");
        summary.AddRow("Peak resident (VmHWM)", r.PeakRssBytes is { } rss ? ByteSize.Format(rss) : "n/a");
        summary.AddRow("Reservations / refusals", $"{N(r.Budget.Reservations)} / {N(r.Budget.Refusals)}");
        summary.AddRow("Reclaimed by reclaimers", ByteSize.Format(r.Budget.ReclaimedBytes));
        summary.AddRow("Photos opened / refused", $"{r.PhotosOpened} / {r.PhotosRefused}");
        summary.AddRow("Clip switches / refused", $"{r.ClipSwitches} / {r.ClipSwitchesRefused}");
        summary.AddRow("Frames written", N(r.FramesWritten));
        summary.AddRow("Preview hits / misses / evictions", $"{N(r.CacheHits)} / {N(r.CacheMisses)} / {N(r.CacheEvictions)}");
        summary.AddRow("Effects run / skipped", $"{N(r.EffectsRun)} / {N(r.EffectsSkipped)}");
        console.Write(summary);

        var chart = new BarChart().Label("Peak MiB by category").Width(60).HideValues();
        foreach (var category in Enum.GetValues<AllocationCategory>())
        {
            chart.AddItem($"{category} ({ByteSize.Format(r.Budget.PeakBy(category))})", r.Budget.PeakBy(category) / (double)(1 << 20));
        }

        console.Write(chart);
    }

    private static string SnakeCase(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
