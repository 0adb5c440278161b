using System.Globalization;
using System.Runtime.CompilerServices;
using BitFaster.Caching.Lfu;
using BitFaster.Caching.Lru;
using BitFaster.Caching.Scheduler;
using MediaMemory.Budgeting;
using MediaMemory.Caching;
using Microsoft.Extensions.Caching.Memory;

namespace MediaMemory.Benchmarks.Caching;

/// <summary>
/// A quick trace-replay harness for tuning the cache's policies against peers: run
/// <c>dotnet run -c Release --project bench/MediaMemory.Benchmarks -- cache-replay [traces-folder]</c>.
/// It prints one row per trace, capacity and policy: hit ratio and cost-saved ratio (recreation cost
/// of hits / cost of all requests).
/// </summary>
/// <remarks>
/// Peers: BitFaster ConcurrentLfu and ConcurrentLru count items, so on the byte-bounded media traces
/// their capacity is the byte capacity divided by the trace's mean entry size (over distinct keys);
/// MemoryCache uses SizeLimit in bytes with each entry's Size (its compaction runs in the background,
/// as in production). Each request: TryGet; on a miss, Set with the request's size and cost.
/// The harness hooks in through a module initializer so that Program.cs stays BenchmarkDotNet's.
/// </remarks>
public static class CacheReplay
{
    private const long GiB = 1L << 30;

    private static readonly (string File, long[] Capacities, bool Items)[] Plan =
    [
        ("media-session-a.csv.gz", [1 * GiB, 4 * GiB, 16 * GiB], false),
        ("media-edit-b.csv.gz", [1 * GiB, 4 * GiB, 16 * GiB], false),
        ("media-video-c.csv.gz", [1 * GiB, 4 * GiB, 16 * GiB], false),
        ("gli.trace.gz", [1000], true),
        ("multi2.trace.gz", [1000], true),
        ("sprite.trace.gz", [200], true),
    ];

#pragma warning disable CA2255 // A benchmark executable, not a library: the initializer adds a command without touching Program.cs.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Hook()
    {
        var args = Environment.GetCommandLineArgs();
        if (args.Length > 1 && args[1] == "cache-replay")
        {
            Run(args.Length > 2 ? args[2] : FindTraces(), args.Length > 3 ? args[3..] : null);
            Environment.Exit(0);
        }
    }

    public static void Run(string folder, string[]? only)
    {
        Console.WriteLine("| trace | capacity | policy | hit_ratio | cost_saved_ratio |");
        Console.WriteLine("|---|---|---|---:|---:|");
        foreach (var (file, capacities, items) in Plan)
        {
            var trace = CacheTrace.Load(Path.Combine(folder, file));
            foreach (var capacity in capacities)
            {
                var label = items ? $"{capacity} items" : $"{capacity / GiB} GiB";
                foreach (var (name, replay) in Runners(only))
                {
                    var (hits, saved) = replay(trace, capacity, items);
                    var total = trace.Costs.Sum();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {trace.Name} | {label} | {name} | {(double)hits / trace.Count:F4} | {(double)saved / total:F4} |"));
                }
            }
        }
    }

    private static IEnumerable<(string Name, Func<CacheTrace, long, bool, (long Hits, long Saved)> Replay)> Runners(string[]? only)
    {
        foreach (var policy in EvictionPolicies.Names)
        {
            if (only is null || only.Contains(policy))
            {
                yield return (policy, (t, c, i) => ReplayOurs(t, c, i, () => EvictionPolicies.Create(policy)));
            }
        }

        if (only is not null && only.Contains("tune"))
        {
            yield return ("cost-aware without window", (t, c, i) => ReplayOurs(t, c, i, () => new CostAwarePolicy { NoWindow = true }));
            yield return ("cost-aware k=0.5", (t, c, i) => ReplayOurs(t, c, i, () => new CostAwarePolicy(0.5)));


        }

        if (only is null || only.Contains("peers"))
        {
            yield return ("BitFaster ConcurrentLfu", ReplayLfu);
            yield return ("BitFaster ConcurrentLru", ReplayLru);
            yield return ("MemoryCache", ReplayMemoryCache);
        }
    }

    internal static (long Hits, long Saved) ReplayOurs(CacheTrace trace, long capacity, bool items, Func<IEvictionPolicy> policy)
    {
        var budget = new MemoryBudget(items ? long.MaxValue / 4 : capacity);
        using var cache = new ResourceCache<int, object?>(budget, new ResourceCacheOptions
        {
            CapacityBytes = capacity,
            CapacityItems = items ? (int)capacity : 0,
            Policy = policy(),
        });
        long hits = 0, saved = 0;
        for (var i = 0; i < trace.Count; i++)
        {
            var key = trace.Keys[i];
            if (cache.TryGet(key, out _))
            {
                hits++;
                saved += trace.Costs[i];
            }
            else
            {
                cache.Set(key, null, Math.Min(trace.Sizes[i], capacity), trace.Costs[i]);
            }
        }

        return (hits, saved);
    }

    private static long ItemCapacity(CacheTrace trace, long capacity, bool items) =>
        items ? capacity : Math.Max(2, (long)(capacity / trace.MeanUniqueSizeBytes()));

    private static (long, long) ReplayLfu(CacheTrace trace, long capacity, bool items)
    {
        // The foreground scheduler runs BitFaster's maintenance (eviction) inside each call, as its own hit-rate
        // harness does; with the default background scheduler a tight replay outruns maintenance and the cache
        // holds more than its capacity between runs (measured: sprite 0.585 instead of 0.50).
        var cache = new ConcurrentLfu<int, int>(1, (int)ItemCapacity(trace, capacity, items), new ForegroundScheduler(), EqualityComparer<int>.Default);
        var maxCount = 0;
        var result = ReplayItems(trace, key => cache.TryGet(key, out _), (key, _) =>
        {
            cache.AddOrUpdate(key, key);
            maxCount = Math.Max(maxCount, cache.Count);
        });
        Console.Error.WriteLine($"{trace.Name}: ConcurrentLfu held at most {maxCount} items, capacity {ItemCapacity(trace, capacity, items)}");
        if (!items)
        {
            // How many bytes the item-bounded peer really held at the end, against the byte capacity.
            var sizes = new Dictionary<int, long>();
            for (var i = 0; i < trace.Count; i++)
            {
                sizes[trace.Keys[i]] = trace.Sizes[i];
            }

            var held = cache.Keys.Sum(k => sizes[k]);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{trace.Name}: ConcurrentLfu holds {held / (double)GiB:F2} GiB at the end, capacity {capacity / (double)GiB:F0} GiB"));
        }

        return result;
    }

    private static (long, long) ReplayLru(CacheTrace trace, long capacity, bool items)
    {
        var cache = new ConcurrentLru<int, int>((int)ItemCapacity(trace, capacity, items));
        return ReplayItems(trace, key => cache.TryGet(key, out _), (key, _) => cache.AddOrUpdate(key, key));
    }

    private static (long, long) ReplayItems(CacheTrace trace, Func<int, bool> tryGet, Action<int, int> set)
    {
        long hits = 0, saved = 0;
        for (var i = 0; i < trace.Count; i++)
        {
            if (tryGet(trace.Keys[i]))
            {
                hits++;
                saved += trace.Costs[i];
            }
            else
            {
                set(trace.Keys[i], i);
            }
        }

        return (hits, saved);
    }

    private static (long, long) ReplayMemoryCache(CacheTrace trace, long capacity, bool items)
    {
        using var cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = capacity });
        return ReplayItems(trace, key => cache.TryGetValue(key, out _), (key, i) => cache.Set(key, key, new MemoryCacheEntryOptions { Size = Math.Min(trace.Sizes[i], capacity) }));
    }

    private static string FindTraces()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MediaMemory.slnx")))
        {
            directory = directory.Parent;
        }

        return directory is null
            ? throw new DirectoryNotFoundException("no folder above the benchmark holds MediaMemory.slnx; pass the traces folder")
            : Path.Combine(directory.FullName, "..", "shared", "data", "traces");
    }
}
