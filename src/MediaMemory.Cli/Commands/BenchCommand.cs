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
        bench.Subcommands.Add(CreatePressure(context));
        bench.Subcommands.Add(CreateCompress(context));
        return bench;
    }

    private static Command CreatePressure(CliContext context)
    {
        var json = CommonOptions.Json();
        var events = CommonOptions.Integer("--events", "Scripted level changes counted per run, 3…10,000 (default 200).", 200, min: 3, max: 10_000);
        var kernelEvents = CommonOptions.Integer("--kernel-events", "Kernel-signalled rises to wait for, 0…1,000 (default 100, about 70 s in a 512 MiB cgroup here; 0 skips the kernel part).", 100, min: 0, max: 1_000);
        var timeout = CommonOptions.Integer("--kernel-timeout", "Seconds to wait for them at most, 1…3600 (default 300).", 300, min: 1, max: 3600);
        var command = new Command("pressure", "Latency from a pressure signal to the last responder finishing: scripted signals, and real kernel signals (PSI, memory cgroup) when run inside a memory cgroup with a limit.")
        {
            json,
            events,
            kernelEvents,
            timeout,
        };
        command.SetAction(result => RunPressure(context, result.GetValue(events), result.GetValue(kernelEvents), result.GetValue(timeout), result.GetValue(json)));
        return command;
    }

    private static int RunPressure(CliContext context, int events, int kernelEvents, int timeoutSeconds, bool json)
    {
        var benchmark = new PressureBenchmark(events, kernelEvents, TimeSpan.FromSeconds(timeoutSeconds));
        var result = Measure(context, json, benchmark.Run);

        static double? P(IReadOnlyList<double> values, double p) => PressureBenchmarkResult.Percentile(values, p) is { } v ? Math.Round(v, 3) : null;
        if (json)
        {
            var bySource = new JsonObject();
            foreach (var (source, count) in result.KernelEventsBySource)
            {
                bySource[source] = count;
            }

            JsonOutput.Write(context.Output, new JsonObject
            {
                ["events"] = result.ScriptedLatenciesMs.Count + result.ScriptedDispatchLatenciesMs.Count + result.KernelLatenciesMs.Count,
                ["scripted_events"] = result.ScriptedLatenciesMs.Count,
                ["scripted_latency_ms_p50"] = P(result.ScriptedLatenciesMs, 50),
                ["scripted_latency_ms_p99"] = P(result.ScriptedLatenciesMs, 99),
                ["scripted_latency_ms_max"] = P(result.ScriptedLatenciesMs, 100),
                ["scripted_released_mib_per_rise"] = Math.Round(result.ReleasedMiBPerRise, 1),
                ["scripted_dispatch_latency_ms_p50"] = P(result.ScriptedDispatchLatenciesMs, 50),
                ["scripted_dispatch_latency_ms_p99"] = P(result.ScriptedDispatchLatenciesMs, 99),
                ["unmap_ms_per_mib"] = Math.Round(result.UnmapMsPerMiB, 4),
                ["kernel_events"] = result.KernelLatenciesMs.Count,
                ["kernel_events_by_source"] = bySource,
                ["kernel_latency_ms_p50"] = P(result.KernelLatenciesMs, 50),
                ["kernel_latency_ms_p99"] = P(result.KernelLatenciesMs, 99),
                ["kernel_latency_ms_max"] = P(result.KernelLatenciesMs, 100),
                ["kernel_skipped"] = result.KernelSkipped,
                ["scripted_step_ms_p99"] = StepPercentiles(result.ScriptedStepsMs),
                ["kernel_step_ms_p99"] = StepPercentiles(result.KernelStepsMs),
            });
            return ExitCodes.Success;
        }

        static string Ms(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) + " ms" : "n/a";
        var table = new Table().Title("bench pressure: signal to last responder").AddColumn("Signals").AddColumn(new TableColumn("Events").RightAligned())
            .AddColumn(new TableColumn("p50").RightAligned()).AddColumn(new TableColumn("p99").RightAligned()).AddColumn(new TableColumn("max").RightAligned());
        table.AddRow($"Scripted, releasing {result.ReleasedMiBPerRise:0} MiB per rise", result.ScriptedLatenciesMs.Count.ToString(CultureInfo.InvariantCulture), Ms(P(result.ScriptedLatenciesMs, 50)), Ms(P(result.ScriptedLatenciesMs, 99)), Ms(P(result.ScriptedLatenciesMs, 100)));
        table.AddRow("Scripted, dispatch only", result.ScriptedDispatchLatenciesMs.Count.ToString(CultureInfo.InvariantCulture), Ms(P(result.ScriptedDispatchLatenciesMs, 50)), Ms(P(result.ScriptedDispatchLatenciesMs, 99)), Ms(P(result.ScriptedDispatchLatenciesMs, 100)));
        table.AddRow(
            result.KernelSkipped is null ? $"Kernel ({Markup.Escape(string.Join(", ", result.KernelEventsBySource.Select(kv => $"{kv.Key} {kv.Value}")))})" : "Kernel: " + Markup.Escape(result.KernelSkipped),
            result.KernelLatenciesMs.Count.ToString(CultureInfo.InvariantCulture),
            Ms(P(result.KernelLatenciesMs, 50)),
            Ms(P(result.KernelLatenciesMs, 99)),
            Ms(P(result.KernelLatenciesMs, 100)));
        context.Console.Write(table);
        context.Console.MarkupLine($"Unmapping written memory here: {result.UnmapMsPerMiB:0.000} ms per MiB.");
        return ExitCodes.Success;
    }

    private static Command CreateHeap(CliContext context)
    {
        var json = CommonOptions.Json();
        var ops = CommonOptions.Integer("--ops", $"Free+allocate pairs per phase, 1…{MaxOps} (default {DefaultOps}).", DefaultOps, min: 1, max: MaxOps);
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
        var benchmark = new HeapBenchmark(ops, seed);
        var result = Measure(context, json, benchmark.Run);

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

    private static Command CreateCompress(CliContext context)
    {
        var json = CommonOptions.Json();
        var input = new Option<string?>("--input") { Description = string.Create(CultureInfo.InvariantCulture, $"An image file or a folder of images (default: ../shared/data/photos above the repository root); at most {CompressBenchmark.MaxPixels:N0} pixels (16384×16384) an image.") };
        var repetitions = CommonOptions.Integer("--repetitions", "Timed runs per image and direction, 1…100; medians are reported (default 5).", 5, min: 1, max: 100);
        var command = new Command("compress", "LZ4 and zstd, with and without the image pre-filters, on photographs decoded to RGBA8: ratio, MB/s both ways, bit-exact round trips.")
        {
            json,
            input,
            repetitions,
        };
        command.SetAction(result => RunCompress(context, result.GetValue(input), result.GetValue(repetitions), result.GetValue(json)));
        return command;
    }

    private static int RunCompress(CliContext context, string? input, int repetitions, bool json)
    {
        var files = CompressInputs.Resolve(input);
        var result = Measure(context, json, new CompressBenchmark(files, repetitions).Run);
        return ReportCompress(context, result, json);
    }

    /// <summary>
    /// Writes the result of <c>bench compress</c> as JSON or a table and returns the exit code: success, or, with
    /// or without <c>--json</c>, failure with one line on stderr when any round trip was not bit-exact (the
    /// promise is that compressed data comes back bit-exact, so that is a failure of the library).
    /// </summary>
    internal static int ReportCompress(CliContext context, CompressBenchmarkResult result, bool json)
    {
        WriteCompressResult(context, result, json);
        var notBitExact = result.Rows.Where(r => !r.BitExact).Select(r => $"{r.Codec}/{r.Filter}").ToArray();
        if (notBitExact.Length == 0)
        {
            return ExitCodes.Success;
        }

        context.Error.WriteLine($"mediamem: failed: round trip not bit-exact: {string.Join(", ", notBitExact)} (the restored pixels differ from the image)");
        return ExitCodes.Failure;
    }

    private static void WriteCompressResult(CliContext context, CompressBenchmarkResult result, bool json)
    {
        if (json)
        {
            var rows = new JsonArray();
            foreach (var row in result.Rows)
            {
                rows.Add(new JsonObject
                {
                    ["codec"] = row.Codec,
                    ["filter"] = row.Filter,
                    ["ratio"] = Math.Round(row.Ratio, 3),
                    ["compress_mb_per_s"] = Math.Round(row.CompressMBPerSecond, 1),
                    ["decompress_mb_per_s"] = Math.Round(row.DecompressMBPerSecond, 1),
                    ["bit_exact"] = row.BitExact,
                });
            }

            JsonOutput.Write(context.Output, new JsonObject
            {
                ["images"] = result.Images,
                ["pixels"] = result.Pixels,
                ["bytes"] = result.Bytes,
                ["repetitions"] = result.Repetitions,
                ["results"] = rows,
            });
            return;
        }

        var table = new Table().Title($"bench compress: {result.Images} image(s), {result.Pixels / 1e6:0.0} MP as RGBA8, medians of {result.Repetitions}")
            .AddColumn("Codec").AddColumn("Filter").AddColumn(new TableColumn("Ratio").RightAligned())
            .AddColumn(new TableColumn("Compress MB/s").RightAligned()).AddColumn(new TableColumn("Decompress MB/s").RightAligned()).AddColumn("Bit-exact");
        foreach (var row in result.Rows)
        {
            table.AddRow(row.Codec, row.Filter, row.Ratio.ToString("0.000", CultureInfo.InvariantCulture), row.CompressMBPerSecond.ToString("N0", CultureInfo.InvariantCulture), row.DecompressMBPerSecond.ToString("N0", CultureInfo.InvariantCulture), row.BitExact ? "yes" : "NO");
        }

        context.Console.Write(table);
    }

    private static JsonObject StepPercentiles(IReadOnlyDictionary<string, List<double>> steps)
    {
        var result = new JsonObject();
        foreach (var (name, times) in steps)
        {
            result[name] = PressureBenchmarkResult.Percentile(times, 99) is { } p99 ? Math.Round(p99, 3) : null;
        }

        return result;
    }

    /// <summary>Runs a benchmark, with a status line naming its phase when the console is interactive and not --json.</summary>
    private static T Measure<T>(CliContext context, bool json, Func<Action<string>?, T> run)
        where T : class
    {
        if (json || !context.Console.Profile.Capabilities.Interactive)
        {
            return run(null);
        }

        T? done = null;
        context.Console.Status().Start("Measuring", status => done = run(phase => status.Status($"Measuring {phase}")));
        return done!;
    }

    private static double Round(double value) => Math.Round(value, 2);
}
