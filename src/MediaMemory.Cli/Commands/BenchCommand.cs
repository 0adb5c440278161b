using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using MediaMemory.Cli.Bench;
using MediaMemory.Cli.Infrastructure;
using Spectre.Console;

namespace MediaMemory.Cli.Commands;

/// <summary><c>mediamem bench …</c>: workloads measured against their peers in the same run.</summary>
internal static class BenchCommand
{
    /// <summary>Default pairs per phase: 20,000 (arbitrary: about a second for the whole run here).</summary>
    public const int DefaultOps = 20_000;

    /// <summary>Most pairs accepted: 10 million.</summary>
    public const int MaxOps = 10_000_000;

    public static Command Create(CliContext context)
    {
        var bench = new Command("bench", "Measure MediaMemory against its peers in one run; medians in nanoseconds.");
        bench.Subcommands.Add(CreateHeap(context));
        return bench;
    }

    private static Command CreateHeap(CliContext context)
    {
        var json = CommonOptions.Json();
        var ops = CommonOptions.Integer("--ops", $"Free+allocate pairs per phase, 1…{MaxOps} (default {DefaultOps}).", DefaultOps);
        var seed = CommonOptions.Integer("--seed", "Seed of the request sequence (default 1).", 1);
        var command = new Command("heap", "ResourceHeap against NativeMemory.AlignedAlloc (with and without first touch) and ArrayPool, on one seeded media workload; plus fill utilization.")
        {
            json,
            ops,
            seed,
        };
        command.SetAction(result => RunHeap(context, result.GetValue(ops), result.GetValue(seed), result.GetValue(json)));
        return command;
    }

    private static int RunHeap(CliContext context, int ops, int seed, bool json)
    {
        if (ops is < 1 or > MaxOps)
        {
            throw new UsageException($"--ops: {ops} is out of range; use 1…{MaxOps}");
        }

        var benchmark = new HeapBenchmark(ops, seed);
        HeapBenchmarkResult result;
        if (json || !context.Console.Profile.Capabilities.Interactive)
        {
            result = benchmark.Run();
        }
        else
        {
            HeapBenchmarkResult? done = null;
            context.Console.Status().Start("Measuring", status => done = benchmark.Run(phase => status.Status($"Measuring {phase}")));
            result = done!;
        }

        if (json)
        {
            JsonOutput.Write(context.Output, new JsonObject
            {
                ["ops"] = result.Ops,
                ["seed"] = result.Seed,
                ["live_set"] = result.LiveSet,
                ["heap_ns_per_op"] = Round(result.HeapNsPerOp),
                ["native_ns_per_op"] = Round(result.NativeNsPerOp),
                ["native_touch_ns_per_op"] = Round(result.NativeTouchNsPerOp),
                ["native_fresh_memory"] = result.NativeIsFresh,
                ["arraypool_ns_per_op"] = Round(result.ArrayPoolNsPerOp),
                ["heap_managed_bytes_per_op"] = Round(result.HeapManagedBytesPerOp),
                ["texture_4k_heap_ns"] = Round(result.Texture4KHeapNs),
                ["texture_4k_native_touch_ns"] = Round(result.Texture4KNativeTouchNs),
                ["texture_4k_speedup"] = Round(result.Texture4KSpeedup),
                ["fill_utilization"] = Math.Round(result.FillUtilization, 4),
                ["fill_utilization_worst"] = Math.Round(result.FillUtilizationWorst, 4),
                ["fragmentation_after_churn"] = Math.Round(result.FragmentationAfterChurn, 4),
            });
            return ExitCodes.Success;
        }

        static string Ns(double value) => value.ToString("N1", CultureInfo.InvariantCulture) + " ns";
        var table = new Table().Title($"bench heap: {result.Ops:N0} pairs, live set {result.LiveSet}, seed {result.Seed} (medians)")
            .AddColumn("Measure").AddColumn(new TableColumn("Value").RightAligned()).AddColumn(new TableColumn("× heap").RightAligned());
        void Row(string what, double ns) => table.AddRow(Markup.Escape(what), Ns(ns), (ns / result.HeapNsPerOp).ToString("0.0", CultureInfo.InvariantCulture));
        Row("ResourceHeap free+allocate", result.HeapNsPerOp);
        Row("NativeMemory.AlignedAlloc+Free", result.NativeNsPerOp);
        Row("NativeMemory + first touch", result.NativeTouchNsPerOp);
        Row("ArrayPool<byte>.Shared rent+return", result.ArrayPoolNsPerOp);
        table.AddRow("Heap managed bytes per pair", result.HeapManagedBytesPerOp.ToString("0.###", CultureInfo.InvariantCulture), string.Empty);
        table.AddRow("4K BGRA8 texture: heap / native+touch", $"{Ns(result.Texture4KHeapNs)} / {Ns(result.Texture4KNativeTouchNs)}", $"{result.Texture4KSpeedup:N0}× faster");
        table.AddRow("Fill utilization, 1 GiB (mean / worst of 20)", $"{result.FillUtilization:P1} / {result.FillUtilizationWorst:P1}", string.Empty);
        table.AddRow("Fragmentation after churn", result.FragmentationAfterChurn.ToString("0.000", CultureInfo.InvariantCulture), string.Empty);
        context.Console.Write(table);
        return ExitCodes.Success;
    }

    private static double Round(double value) => Math.Round(value, 2);
}
