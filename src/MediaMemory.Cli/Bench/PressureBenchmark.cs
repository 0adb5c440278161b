using System.Diagnostics;
using System.Globalization;
using System.Text;
using MediaMemory.Budgeting;
using MediaMemory.Cli.Demo;
using MediaMemory.Heaps;
using MediaMemory.Platform;
using MediaMemory.Pressure;

namespace MediaMemory.Cli.Bench;

/// <summary>
/// <c>mediamem bench pressure</c>: the latency from a pressure signal to the last responder finishing,
/// for scripted signals and for real kernel signals (PSI, memory cgroup).
/// </summary>
/// <remarks>
/// <para>
/// Scripted, twice: a <see cref="ScriptedSource"/> steps Warning → Critical → Normal every 40 ms, with
/// the demo's responders (quality, background work, the preview cache trimming 30 % or emptying
/// itself, idle effect scratch) while the coordinator sets a 512 MiB budget's limit (2/3 at Warning,
/// 1/2 at Critical). In the <em>release</em> run this thread keeps the cache and scratch full of real
/// buffers, so each rise really unmaps memory; in the <em>dispatch</em> run nothing is cached, so the
/// latency is the coordinator's and the responders' own work. Each is preceded by a warm-up run of
/// <see cref="WarmupEvents"/> steps with a coordinator of its own (JIT compilation of the path), which is not
/// counted: skipping the first events of the timed run instead miscounted when steps merged under load. The
/// bench also times unmapping written memory on this machine (<see cref="UnmapMsPerMiB"/>), the cost
/// that dominates the release run. Under load a fall's timer can fire after the next step arrived, so two
/// changes merge into one: the count of events can be a little below the steps scripted.
/// </para>
/// <para>
/// Kernel: only inside a memory cgroup with a limit (run it under <c>scripts/run-in-cgroup.sh</c>). This
/// thread grows real, written memory outside any budget by 2 MiB every 5 ms until a kernel source
/// (PSI, the cgroup's pressure notifications or its usage) raises the level; the responder then unmaps
/// the grown memory down to 40 % of the limit, and the loop waits for the level to fall back before it
/// grows again. Each rise is one event. Outside a limited cgroup the part is skipped, with the reason:
/// growing towards the machine's whole memory is not a benchmark.
/// </para>
/// </remarks>
internal sealed class PressureBenchmark(int scriptedEvents, int kernelEvents, TimeSpan kernelTimeout)
{
    private const long MiB = 1L << 20;
    /// <summary>Steps of the uncounted warm-up run before each scripted run (two full cycles).</summary>
    public const int WarmupEvents = 6;

    private static readonly TimeSpan ScriptStep = TimeSpan.FromMilliseconds(40);

    // The scripted steps, repeated: one level change each.
    private static readonly PressureLevel[] Cycle = [PressureLevel.Warning, PressureLevel.Critical, PressureLevel.Normal];

    public PressureBenchmarkResult Run(Action<string>? status = null)
    {
        status?.Invoke("scripted signals, releasing memory");
        RunScripted(fill: true, WarmupEvents);
        var (release, releasedMiB, releaseSteps) = RunScripted(fill: true, scriptedEvents);
        status?.Invoke("scripted signals, dispatch only");
        RunScripted(fill: false, WarmupEvents);
        var (dispatch, _, _) = RunScripted(fill: false, scriptedEvents);
        status?.Invoke("unmapping");
        var unmap = UnmapMsPerMiB();
        status?.Invoke("kernel signals");
        var (kernel, bySource, kernelSteps, skipped) = RunKernel();
        return new PressureBenchmarkResult(release, dispatch, kernel, bySource, skipped)
        {
            ReleasedMiBPerRise = releasedMiB,
            UnmapMsPerMiB = unmap,
            ScriptedStepsMs = releaseSteps,
            KernelStepsMs = kernelSteps,
        };
    }

    /// <summary>Median over 5 tries of unmapping 64 MiB of written memory, per MiB.</summary>
    private static double UnmapMsPerMiB()
    {
        var times = new double[5];
        for (var i = 0; i < times.Length; i++)
        {
            var block = new NativeBlock(64 * MiB);
            for (long offset = 0; offset < block.SizeBytes; offset += Environment.SystemPageSize)
            {
                block.GetSpan(offset, 1)[0] = 1;
            }

            var start = Stopwatch.GetTimestamp();
            block.Dispose();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / 64;
        }

        Array.Sort(times);
        return times[times.Length / 2];
    }

    private static (List<double> Latencies, double ReleasedMiBPerRise, Dictionary<string, List<double>> Steps) RunScripted(bool fill, int steps)
    {
        const long limit = 512 * MiB;
        var budget = new MemoryBudget(limit);
        using var cache = new PreviewCache(budget);
        using var scratch = new ScratchPool(budget);
        using var background = new BackgroundWork();
        using var cacheRegistration = budget.RegisterReclaimer(cache);
        using var scratchRegistration = budget.RegisterReclaimer(scratch);
        var quality = new QualityController();
        var options = new PressureCoordinatorOptions
        {
            Hysteresis = TimeSpan.Zero,
            BudgetLimit = (level, _) => level switch
            {
                PressureLevel.Warning => limit * 2 / 3,
                PressureLevel.Critical => limit / 2,
                _ => limit,
            },
        };
        var coordinator = new PressureCoordinator(budget, options);
        try
        {
            coordinator.Register(quality);
            coordinator.Register(background);
            coordinator.Register(cache);
            coordinator.Register(scratch);
            quality.Subscribe(scale => cache.Scale = scale);
            coordinator.AddSource(new ScriptedSource(Script(steps)));
            coordinator.Start();

            // Keep the cache (and scratch) full so every response has real memory to give back.
            var random = new Random(1);
            var end = Stopwatch.GetTimestamp() + (long)(ScriptStep.TotalSeconds * (steps + 2) * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < end)
            {
                if (!fill)
                {
                    Thread.Sleep(5);
                    continue;
                }

                cache.Request(random.Next(400), 1024, 1024);
                if (scratch.Rent(8 * MiB, 8192) is { } buffer)
                {
                    scratch.Return(buffer);
                }

                if (background.PendingCount < 4)
                {
                    _ = background.Enqueue("prefetch", token => Task.Delay(5, token));
                }
            }

            // On a loaded machine the last steps' timers can fire late: let the script finish (its last
            // step is Normal, Warning or Critical, so the level equals it once handled).
            var last = Cycle[(steps - 1) % Cycle.Length];
            SpinWait.SpinUntil(() => coordinator.Level == last && coordinator.PressureSources.All(source => source.Current == last), TimeSpan.FromSeconds(10));
        }
        finally
        {
            coordinator.Dispose();
        }

        var counted = coordinator.Events.ToList();
        var rises = counted.Where(e => e.Level > e.Previous).ToList();
        return ([.. counted.Select(e => e.Latency.TotalMilliseconds)], rises.Count == 0 ? 0 : rises.Average(e => e.ReleasedBytes) / MiB, StepTimes(counted));
    }

    private (List<double> Latencies, Dictionary<string, int> BySource, Dictionary<string, List<double>> Steps, string? Skipped) RunKernel()
    {
        if (kernelEvents == 0)
        {
            return ([], [], [], "not asked for (--kernel-events 0)");
        }

        var limits = MemoryLimits.Detect();
        if (limits.CgroupLimitBytes is not { } limit)
        {
            return ([], [], [], "not inside a memory cgroup with a limit; run it under scripts/run-in-cgroup.sh 512M -- mediamem bench pressure --json");
        }

        var budget = new MemoryBudget(limit);
        using var hog = new Hog((long)(limit * 0.4));
        var coordinator = new PressureCoordinator(budget, new PressureCoordinatorOptions { Hysteresis = TimeSpan.Zero });
        var latencies = new List<double>();
        var bySource = new Dictionary<string, int>();
        try
        {
            coordinator.Register(hog);
            coordinator.AddSource(new LinuxPsiSource());
            coordinator.AddSource(new CgroupMemorySource());
            coordinator.Start();
            if (coordinator.PressureSources.All(s => !s.Availability.IsAvailable))
            {
                return ([], [], [], "no kernel pressure source is available here: " + string.Join("; ", coordinator.PressureSources.Select(s => $"{s.Name}: {s.Availability.Detail}")));
            }

            var deadline = Stopwatch.GetTimestamp() + (long)(kernelTimeout.TotalSeconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                if (coordinator.Events.Count(e => e.Kind == SignalKind.Kernel && e.Level > e.Previous) >= kernelEvents)
                {
                    break;
                }

                if (coordinator.Level == PressureLevel.Normal)
                {
                    hog.Grow(2 * MiB);
                    Thread.Sleep(5);
                }
                else
                {
                    Thread.Sleep(20);
                }
            }
        }
        finally
        {
            coordinator.Dispose();
        }

        var counted = coordinator.Events.Where(e => e.Kind == SignalKind.Kernel && e.Level > e.Previous).Take(kernelEvents).ToList();
        foreach (var e in counted)
        {
            latencies.Add(e.Latency.TotalMilliseconds);
            bySource[e.Source] = bySource.GetValueOrDefault(e.Source) + 1;
        }

        return (latencies, bySource, StepTimes(counted), null);
    }

    private static Dictionary<string, List<double>> StepTimes(IEnumerable<PressureEvent> events)
    {
        var steps = new Dictionary<string, List<double>>();
        foreach (var step in events.SelectMany(e => e.Steps))
        {
            if (!steps.TryGetValue(step.Name, out var times))
            {
                steps[step.Name] = times = [];
            }

            times.Add(step.Duration.TotalMilliseconds);
        }

        return steps;
    }

    private static string Script(int events)
    {
        // Warning, Critical, Normal, Warning, …: one change per step.
        var cycle = Cycle;
        var text = new StringBuilder();
        for (var i = 0; i < events; i++)
        {
            text.Append(text.Length == 0 ? string.Empty : ",")
                .Append(((i + 1) * ScriptStep.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append("ms:")
                .Append(cycle[i % cycle.Length].ToString().ToLowerInvariant());
        }

        return text.ToString();
    }

    /// <summary>Real, written memory outside any budget; the responder gives it back down to a floor.</summary>
    private sealed class Hog(long floorBytes) : IPressureResponder, IDisposable
    {
        private readonly Lock _gate = new();
        private readonly Stack<NativeBlock> _blocks = new();
        private long _held;

        public string Name => "outside-memory";

        public PressureStage Stage => PressureStage.Caches;

        public void Grow(long bytes)
        {
            var block = new NativeBlock(bytes);
            for (long offset = 0; offset < bytes; offset += Environment.SystemPageSize)
            {
                block.GetSpan(offset, 1)[0] = 1;
            }

            lock (_gate)
            {
                _blocks.Push(block);
                _held += bytes;
            }
        }

        public void Respond(PressureResponse response)
        {
            if (!response.IsRising)
            {
                return;
            }

            var victims = new List<NativeBlock>();
            lock (_gate)
            {
                while (_held > floorBytes && _blocks.TryPop(out var block))
                {
                    _held -= block.SizeBytes;
                    victims.Add(block);
                }
            }

            foreach (var block in victims)
            {
                block.Dispose();
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                while (_blocks.TryPop(out var block))
                {
                    block.Dispose();
                }

                _held = 0;
            }
        }
    }
}

/// <summary>What <c>mediamem bench pressure</c> measured: latencies in milliseconds per event.</summary>
internal sealed record PressureBenchmarkResult(
    IReadOnlyList<double> ScriptedLatenciesMs,
    IReadOnlyList<double> ScriptedDispatchLatenciesMs,
    IReadOnlyList<double> KernelLatenciesMs,
    IReadOnlyDictionary<string, int> KernelEventsBySource,
    string? KernelSkipped)
{
    /// <summary>Mean MiB the budget saw released per rise in the scripted release run.</summary>
    public double ReleasedMiBPerRise { get; init; }

    /// <summary>Milliseconds to unmap one MiB of written memory here (median of 5 × 64 MiB).</summary>
    public double UnmapMsPerMiB { get; init; }

    /// <summary>Each response step's durations in the scripted release run, by step name.</summary>
    public IReadOnlyDictionary<string, List<double>> ScriptedStepsMs { get; init; } = new Dictionary<string, List<double>>();

    /// <summary>Each response step's durations in the kernel run, by step name.</summary>
    public IReadOnlyDictionary<string, List<double>> KernelStepsMs { get; init; } = new Dictionary<string, List<double>>();

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0…100) of <paramref name="values"/>, or null when empty.</summary>
    public static double? Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
