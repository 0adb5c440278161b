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
        var seconds = CommonOptions.Integer("--seconds", $"Length of the run in seconds, 1…{MaxSeconds} (default {DefaultSeconds}).", DefaultSeconds, min: 1, max: MaxSeconds);
        var seed = CommonOptions.Integer("--seed", "Seed of the preview requests (default 1).", 1);
        var noBudget = new Option<bool>("--no-budget") { Description = "Run the same session with the budget and every pressure response switched off: the naive app, for comparison." };
        var outside = CommonOptions.Size("--outside-growth", "Memory the rest of the app takes outside the budget, really allocated and written, growing steadily to this size by 3/4 of the run.");
        var pressureScript = CommonOptions.Script<PressureLevel>("--pressure-script", "Scripted pressure on top of the real sources, e.g. '1s:warning,2s:critical,3s:normal' (times since the start; ms, s or m).");
        var thermalScript = CommonOptions.Script<ThermalState>("--thermal-script", "Scripted heat on top of the real sources, e.g. '1s:fair,2s:critical,4s:nominal'.");
        var scriptedOnly = new Option<bool>("--scripted-only") { Description = "Hear only the scripts, not the real sources (PSI is system-wide, so another process's stall would change the run): for repeatable runs." };
        var command = new Command("demo", "Run a photo/video editing session with real native buffers (100 MP photos, 4K/8K frames, previews) inside one memory budget that follows memory pressure and heat.")
        {
            json,
            device,
            budget,
            seconds,
            seed,
            noBudget,
            outside,
            pressureScript,
            thermalScript,
            scriptedOnly,
        };
        command.SetAction(result => Run(context, new DemoArguments(
            result.GetValue(device)!,
            result.GetValue(budget),
            result.GetValue(seconds),
            result.GetValue(seed),
            result.GetValue(noBudget),
            result.GetValue(outside),
            result.GetValue(pressureScript),
            result.GetValue(thermalScript),
            result.GetValue(scriptedOnly)), result.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, DemoArguments a, bool json)
    {
        if (a.NoBudget && (a.Budget is not null || a.PressureScript is not null || a.ThermalScript is not null || a.ScriptedOnly))
        {
            throw new UsageException("--no-budget runs without a budget and without pressure responses; it cannot be combined with --budget, --pressure-script, --thermal-script or --scripted-only");
        }

        var limits = MemoryLimits.Detect();
        var device = CommonOptions.ResolveDevice(a.Device, limits);
        if (a.OutsideGrowth is { } growth && (growth.Bytes <= 0 || growth.Bytes >= limits.PhysicalBytes))
        {
            throw new UsageException($"--outside-growth: {ByteSize.Format(growth.Bytes)} must be more than 0 and less than this machine's memory ({ByteSize.Format(limits.PhysicalBytes)})");
        }

        var budgetBytes = a.NoBudget ? long.MaxValue : a.Budget?.Bytes ?? BudgetPolicy.BudgetBytes(limits.EffectiveLimitBytes, device, PressureLevel.Normal);
        if (budgetBytes <= 0)
        {
            throw new UsageException("--budget: the budget must be more than 0 bytes");
        }

        if (!a.NoBudget && budgetBytes > limits.EffectiveLimitBytes)
        {
            throw new UsageException($"--budget: {ByteSize.Format(budgetBytes)} is more than this process may use ({ByteSize.Format(limits.EffectiveLimitBytes)} effective limit); choose a smaller budget");
        }

        var workload = new DemoWorkload(new DemoOptions(budgetBytes, a.Seconds, a.Seed)
        {
            OutsideGrowthBytes = a.OutsideGrowth?.Bytes ?? 0,
            CreateCoordinator = a.NoBudget ? null : DemoPressure.Factory(limits.EffectiveLimitBytes, device, a.Budget?.Bytes, a.PressureScript, a.ThermalScript, realSources: !a.ScriptedOnly),
        });
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
                var task = ctx.AddTask(a.NoBudget ? "Editing session, no budget" : $"Editing session, budget {ByteSize.Format(budgetBytes)}", maxValue: 1.0);
                done = workload.Run(fraction => task.Value = fraction);
            });
            result = done!;
        }

        if (json)
        {
            JsonOutput.Write(context.Output, ToJson(result, device, limits, a));
        }
        else
        {
            WriteTables(context.Console, result, device, a.NoBudget);
        }

        return ExitCodes.Success;
    }

    private static JsonObject ToJson(DemoResult r, DeviceProfile device, MemoryLimits limits, DemoArguments a)
    {
        var events = new JsonArray();
        foreach (var e in r.PressureEvents)
        {
            events.Add(new JsonObject
            {
                ["level"] = SnakeCase(e.Level.ToString()),
                ["thermal"] = SnakeCase(e.Thermal.ToString()),
                ["source"] = e.Source,
                ["kind"] = SnakeCase(e.Kind.ToString()),
                ["reading"] = e.Reading,
                ["at_ms"] = Math.Round(e.SinceStart.TotalMilliseconds, 3),
                ["latency_ms"] = Math.Round(e.Latency.TotalMilliseconds, 3),
                ["released_bytes"] = e.ReleasedBytes,
                ["budget_bytes"] = e.BudgetLimitBytes,
            });
        }

        var byCategory = new JsonObject();
        foreach (var category in Enum.GetValues<AllocationCategory>())
        {
            byCategory[SnakeCase(category.ToString())] = r.Budget.PeakBy(category);
        }

        return new JsonObject
        {
            ["device_profile"] = device.Name,
            ["effective_limit_bytes"] = limits.EffectiveLimitBytes,
            ["no_budget"] = a.NoBudget,
            ["initial_budget_bytes"] = a.NoBudget ? null : r.InitialLimitBytes,
            ["budget_bytes"] = a.NoBudget ? null : r.Budget.LimitBytes,
            ["lowest_budget_bytes"] = a.NoBudget ? null : r.LowestLimitBytes,
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
            ["prefetches"] = r.Prefetches,
            ["prefetches_cancelled"] = r.PrefetchesCancelled,
            ["quality_at_end"] = r.QualityAtEnd,
            ["outside_growth_bytes"] = a.OutsideGrowth?.Bytes ?? 0,
            ["outside_bytes_at_end"] = r.OutsideBytes,
            ["sources"] = new JsonArray([.. r.Sources.Select(name => (JsonNode?)name)]),
            ["pressure_events"] = events,
        };
    }

    private static void WriteTables(IAnsiConsole console, DemoResult r, DeviceProfile device, bool noBudget)
    {
        static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
        var summary = new Table().Title($"Demo on {Markup.Escape(device.Name)}: {r.ElapsedSeconds:0.0} s, {N(r.Ticks)} ticks")
            .AddColumn("Measure").AddColumn(new TableColumn("Value").RightAligned());
        summary.AddRow("Budget", noBudget ? "none (--no-budget)" : $"{ByteSize.Format(r.Budget.LimitBytes)} at the end, lowest {ByteSize.Format(r.LowestLimitBytes)}");
        summary.AddRow("Peak used", noBudget ? ByteSize.Format(r.Budget.PeakUsedBytes) : $"{ByteSize.Format(r.Budget.PeakUsedBytes)} ({(double)r.Budget.PeakUsedBytes / r.Budget.LimitBytes:P0})");
        summary.AddRow("Peak resident (VmHWM)", r.PeakRssBytes is { } rss ? ByteSize.Format(rss) : "n/a");
        summary.AddRow("Reservations / refusals", $"{N(r.Budget.Reservations)} / {N(r.Budget.Refusals)}");
        summary.AddRow("Reclaimed by reclaimers", ByteSize.Format(r.Budget.ReclaimedBytes));
        summary.AddRow("Photos opened / refused", $"{r.PhotosOpened} / {r.PhotosRefused}");
        summary.AddRow("Clip switches / refused", $"{r.ClipSwitches} / {r.ClipSwitchesRefused}");
        summary.AddRow("Frames written", N(r.FramesWritten));
        summary.AddRow("Preview hits / misses / evictions", $"{N(r.CacheHits)} / {N(r.CacheMisses)} / {N(r.CacheEvictions)}");
        summary.AddRow("Effects run / skipped", $"{N(r.EffectsRun)} / {N(r.EffectsSkipped)}");
        summary.AddRow("Prefetches done / cancelled", $"{N(r.Prefetches)} / {N(r.PrefetchesCancelled)}");
        summary.AddRow("Quality at the end", r.QualityAtEnd.ToString("0.##", CultureInfo.InvariantCulture));
        summary.AddRow("Held outside the budget", ByteSize.Format(r.OutsideBytes));
        summary.AddRow("Pressure sources", r.Sources.Count == 0 ? "none" : Markup.Escape(string.Join(", ", r.Sources)));
        console.Write(summary);

        if (r.PressureEvents.Count > 0)
        {
            var events = new Table().Title("Pressure events").AddColumn("At").AddColumn("Level").AddColumn("Heat").AddColumn("Source")
                .AddColumn(new TableColumn("Latency").RightAligned()).AddColumn(new TableColumn("Released").RightAligned()).AddColumn(new TableColumn("Budget").RightAligned());
            foreach (var e in r.PressureEvents)
            {
                events.AddRow($"{e.SinceStart.TotalSeconds:0.000} s", e.Level.ToString(), e.Thermal.ToString(), Markup.Escape(e.Source),
                    $"{e.Latency.TotalMilliseconds:0.00} ms", ByteSize.Format(e.ReleasedBytes), ByteSize.Format(e.BudgetLimitBytes));
            }

            console.Write(events);
        }

        var chart = new BarChart().Label("Peak MiB by category").Width(60).HideValues();
        foreach (var category in Enum.GetValues<AllocationCategory>())
        {
            chart.AddItem($"{category} ({ByteSize.Format(r.Budget.PeakBy(category))})", r.Budget.PeakBy(category) / (double)(1 << 20));
        }

        console.Write(chart);
    }

    private sealed record DemoArguments(
        string Device,
        ByteSize? Budget,
        int Seconds,
        int Seed,
        bool NoBudget,
        ByteSize? OutsideGrowth,
        SignalScript<PressureLevel>? PressureScript,
        SignalScript<ThermalState>? ThermalScript,
        bool ScriptedOnly);

    private static string SnakeCase(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);
}
