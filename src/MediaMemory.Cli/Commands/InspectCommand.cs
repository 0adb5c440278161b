using System.CommandLine;
using System.Text.Json.Nodes;
using MediaMemory.Cli.Infrastructure;
using MediaMemory.Budgeting;
using MediaMemory.Platform;
using MediaMemory.Pressure;
using MediaMemory.Units;
using Spectre.Console;

namespace MediaMemory.Cli.Commands;

/// <summary>
/// <c>mediamem inspect</c>: the memory this process may use here, the budgets the policy gives, and
/// every pressure and thermal source with whether it works here and why not.
/// </summary>
/// <remarks>
/// Each real source is started for a moment (PSI triggers registered, cgroup eventfds armed, thermal
/// zones read) and stopped again, so "available" means it really worked here just now, and the reading
/// is a real one.
/// </remarks>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var json = CommonOptions.Json();
        var device = CommonOptions.Device(DeviceProfile.ThisMachineName);
        var command = new Command("inspect", "Show physical memory, this process's cgroup limit, the effective limit, the budgets per pressure level, and which pressure and thermal sources work here.")
        {
            json,
            device,
        };
        command.SetAction(result => Run(context, result.GetValue(device)!, result.GetValue(json)));
        return command;
    }

    private static int Run(CliContext context, string deviceName, bool json)
    {
        var limits = MemoryLimits.Detect();
        var device = CommonOptions.ResolveDevice(deviceName, limits);
        var (normal, warning, critical) = BudgetPolicy.BudgetsByLevel(limits.EffectiveLimitBytes, device);
        var sources = ProbeSources(normal);

        if (json)
        {
            JsonOutput.Write(context.Output, new JsonObject
            {
                ["physical_bytes"] = limits.PhysicalBytes,
                ["cgroup_limit_bytes"] = limits.CgroupLimitBytes,
                ["cgroup_version"] = limits.CgroupVersion.ToString().ToLowerInvariant(),
                ["effective_limit_bytes"] = limits.EffectiveLimitBytes,
                ["gc_total_available_bytes"] = limits.GcTotalAvailableBytes,
                ["gc_agrees"] = limits.GcAgrees,
                ["device_profile"] = device.Name,
                ["device_physical_bytes"] = device.PhysicalBytes,
                ["recommended_cap_bytes"] = device.RecommendedCapBytes,
                ["budget_bytes"] = new JsonObject
                {
                    ["normal"] = normal,
                    ["warning"] = warning,
                    ["critical"] = critical,
                },
                ["sources"] = new JsonArray([.. sources.Select(s => (JsonNode)new JsonObject
                {
                    ["name"] = s.Name,
                    ["signal"] = s.Signal,
                    ["kind"] = s.Kind.ToString().ToLowerInvariant(),
                    ["available"] = s.Availability.IsAvailable,
                    ["detail"] = s.Availability.Detail,
                    ["state"] = s.State,
                    ["reading"] = s.Reading,
                })]),
            });
            return ExitCodes.Success;
        }

        var table = new Table().Title("Memory limits").AddColumn("What").AddColumn(new TableColumn("Bytes").RightAligned()).AddColumn("Size");
        void Row(string what, long? bytes) =>
            table.AddRow(Markup.Escape(what), bytes?.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) ?? "none", bytes is { } b ? ByteSize.Format(b) : "no limit");
        Row("Physical memory (/proc/meminfo)", limits.PhysicalBytes);
        Row($"cgroup limit ({limits.CgroupVersion})", limits.CgroupLimitBytes);
        Row("Effective limit", limits.EffectiveLimitBytes);
        Row($"GC total available ({(limits.GcAgrees ? "agrees" : "differs")})", limits.GcTotalAvailableBytes);
        Row($"Recommended cap ({device.Name}, {device.RecommendedShare:P0} of {ByteSize.Format(device.PhysicalBytes)})", device.RecommendedCapBytes);
        Row("Budget at Normal pressure", normal);
        Row("Budget at Warning pressure", warning);
        Row("Budget at Critical pressure", critical);
        context.Console.Write(table);

        var sourceTable = new Table().Title("Pressure and thermal sources").AddColumn("Source").AddColumn("Signal").AddColumn("Here").AddColumn("Detail").AddColumn("Now");
        foreach (var s in sources)
        {
            sourceTable.AddRow(
                Markup.Escape(s.Name),
                s.Signal,
                s.Availability.IsAvailable ? "[green]available[/]" : "[yellow]not available[/]",
                Markup.Escape(s.Availability.Detail),
                Markup.Escape(s.Reading.Length == 0 ? s.State : $"{s.State}: {s.Reading}"));
        }

        context.Console.Write(sourceTable);
        return ExitCodes.Success;
    }

    /// <summary>Starts each real source briefly and reports what it found; scripted ones are described.</summary>
    private static List<SourceReport> ProbeSources(long budgetBytes)
    {
        var reports = new List<SourceReport>();
        var budget = new MemoryBudget(Math.Max(1, budgetBytes));
        ISignalSource<PressureLevel>[] pressure = [new LinuxPsiSource(), new CgroupMemorySource(), new GcMemoryLoadSource(), new BudgetSource(budget)];
        foreach (var source in pressure)
        {
            reports.Add(Probe(source, "pressure"));
        }

        reports.Add(new SourceReport("script", "pressure", SignalKind.Scripted, SourceAvailability.Available("with mediamem demo --pressure-script"), nameof(PressureLevel.Normal), string.Empty));
        reports.Add(Probe(new LinuxThermalSource(), "thermal"));
        reports.Add(new SourceReport("thermal-script", "thermal", SignalKind.Scripted, SourceAvailability.Available("with mediamem demo --thermal-script"), nameof(ThermalState.Nominal), string.Empty));
        return reports;
    }

    private static SourceReport Probe<TState>(ISignalSource<TState> source, string signal)
        where TState : struct, Enum
    {
        using (source)
        {
            source.Start();
            return new SourceReport(source.Name, signal, source.Kind, source.Availability, source.Current.ToString(), source.LastReading);
        }
    }

    private sealed record SourceReport(string Name, string Signal, SignalKind Kind, SourceAvailability Availability, string State, string Reading);
}
