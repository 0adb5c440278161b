using System.CommandLine;
using System.Text.Json.Nodes;
using MediaMemory.Cli.Infrastructure;
using MediaMemory.Platform;
using MediaMemory.Units;
using Spectre.Console;

namespace MediaMemory.Cli.Commands;

/// <summary><c>mediamem inspect</c>: the memory this process may use here, and the budgets the policy gives.</summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var json = CommonOptions.Json();
        var device = CommonOptions.Device(DeviceProfile.ThisMachineName);
        var command = new Command("inspect", "Show physical memory, this process's cgroup limit, the effective limit and the budgets per pressure level.")
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
        return ExitCodes.Success;
    }
}
