using System.Diagnostics;
using System.Globalization;
using MediaMemory.Units;

namespace MediaMemory.Heaps;

/// <summary>
/// Plans where transient resources live inside one arena so that resources never alive at the same
/// step share memory (planned aliasing: the offline form of dynamic storage allocation). Stateless
/// and thread-safe: every call works on its own arrays.
/// </summary>
/// <remarks>
/// <para>The problem is NP-hard (it contains bin packing), so the planner is a heuristic search:</para>
/// <list type="number">
/// <item>Compute the lower bound: the largest total of bytes alive at one step (a sweep over start
/// and end events, O(n log n)).</item>
/// <item>Place the resources greedily in each of several orderings — by size (TFLite's
/// greedy-by-size), by size × lifetime, by lifetime, by first use, by breadth (Pisarchyk &amp; Lee 2020,
/// "Efficient Memory Management for Deep Neural Net Inference", §3.3) and by bytes alive alongside —
/// each with best fit (the smallest gap that fits) and with first fit (the lowest gap that fits). A
/// resource only has to avoid the placed resources whose lifetimes intersect its own; when no gap
/// between them fits, it goes after the highest of them. Keep the smallest arena.</item>
/// <item>Improve the best ordering by local search: move one resource earlier in the order, re-place,
/// and keep the new order when the arena is no larger (accepting equal arenas lets the search cross
/// plateaus). The moves come from a fixed-seed generator, and the number of tries shrinks with n² so
/// that the whole plan stays O(n²) per try within a fixed budget of pair checks; the search stops early
/// when the arena reaches the lower bound.</item>
/// </list>
/// <para>Because plain greedy-by-size with best fit is the first candidate and a candidate only
/// replaces it when strictly smaller, a plan is never larger than greedy-by-size
/// (<see cref="PlanGreedyBySize"/>). The gap search follows the description of TFLite's
/// greedy-by-size planner in Pisarchyk &amp; Lee 2020, §3.2; the orderings by area and by first use
/// follow the rectangle-packing view of Sekiyama et al. 2018, "Profile-guided memory optimization for
/// deep neural networks". The code is written from those descriptions, not taken from either.</para>
/// <para>Limits: a resource of at most <see cref="MaxResourceBytes"/> (2^48) bytes, aligned to at most
/// <see cref="MaxAlignmentBytes"/> (64 KiB), and all resources' sizes plus their worst-case padding
/// (alignment − 1 each) at most <see cref="MaxTotalBytes"/> (2^62). Every arena is at most that total, so
/// no offset, end or arena can overflow a <see cref="long"/>; inputs beyond the limits are refused with an
/// <see cref="ArgumentOutOfRangeException"/> rather than planned.</para>
/// </remarks>
public static partial class AliasPlanner
{
    /// <summary>
    /// Pair checks the improvement pass may spend, counting one placement of n resources as n²/2
    /// (arbitrary, sized by measurement: with n = 37 it allows all <see cref="MaxImprovementTries"/>
    /// tries, with n = 2,000 two, keeping a 2,000-resource plan at about 0.35 s on a shared 2-core
    /// machine; see docs/aliasing.md).
    /// </summary>
    internal const long ImprovementPairCheckBudget = 5_000_000;

    /// <summary>
    /// Most re-placements the improvement pass tries (measured: on the 30 workloads in
    /// <c>shared/data/aliasing</c> 3,000 tries gave the same arenas as 1,000; see docs/aliasing.md).
    /// </summary>
    internal const int MaxImprovementTries = 1_000;

    /// <summary>
    /// Largest size of one resource, in bytes: 2^48 (256 TiB), <see cref="TextureDescriptor.MaxTotalBytes"/>,
    /// the x86-64/ARM64 virtual address space; no resource can be larger.
    /// </summary>
    public const long MaxResourceBytes = TextureDescriptor.MaxTotalBytes;

    /// <summary>
    /// Largest alignment of one resource, in bytes: 64 KiB, <see cref="Tlsf.MaxAlignmentBytes"/>: the largest
    /// placement alignment GPU APIs ask of resources, and the most a <see cref="TransientArena"/> can carry out
    /// in a <see cref="ResourceHeap"/>.
    /// </summary>
    public const long MaxAlignmentBytes = Tlsf.MaxAlignmentBytes;

    /// <summary>
    /// Largest total of sizes plus worst-case padding (size + alignment − 1 per resource), in bytes: 2^62,
    /// <see cref="Tlsf.MaxCapacityBytes"/>. A placement ends at most size + alignment − 1 bytes above the arena
    /// before it, so every arena is at most this total and leaves headroom below <see cref="long.MaxValue"/>.
    /// </summary>
    public const long MaxTotalBytes = Tlsf.MaxCapacityBytes;

    /// <summary>Seed of the improvement pass's move generator (arbitrary; fixed so plans are deterministic).</summary>
    private const ulong ImprovementSeed = 0x9E3779B97F4A7C15;

    /// <summary>Plans an arena for <paramref name="resources"/> with the full search described in the remarks.</summary>
    /// <param name="resources">The resources; the plan's placements follow this order. May be empty.</param>
    /// <returns>A plan in which resources alive at a common step never overlap in memory and every
    /// offset is a multiple of its resource's alignment; its arena is never larger than
    /// <see cref="PlanGreedyBySize"/>'s.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="resources"/> is null.</exception>
    /// <exception cref="ArgumentException">An element is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A resource is larger than <see cref="MaxResourceBytes"/> or
    /// aligned to more than <see cref="MaxAlignmentBytes"/>, or the sizes plus padding add up to more than
    /// <see cref="MaxTotalBytes"/>; the message names the resource.</exception>
    public static AliasPlan Plan(IReadOnlyList<TransientResource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var problem = new Problem(resources);
        var lowerBoundBytes = LowerBoundBytes(resources);
        var n = problem.Count;
        var scratch = new long[n];

        // Step 2: every ordering with both fits; the first candidate is plain greedy-by-size.
        int[]? bestOrder = null;
        var bestFit = Fit.Best;
        var bestName = string.Empty;
        long bestArenaBytes = 0;
        foreach (var (name, order) in CandidateOrderings(problem))
        {
            foreach (var fit in (ReadOnlySpan<Fit>)[Fit.Best, Fit.First])
            {
                // The first candidate is always taken (no cutoff), so no arena size can make the search
                // reject them all; later ones abort as soon as they are no better.
                var arenaBytes = problem.Place(order, fit, scratch, bestOrder is null ? long.MaxValue : bestArenaBytes - 1);
                if (bestOrder is null || arenaBytes < bestArenaBytes)
                {
                    (bestOrder, bestFit, bestArenaBytes) = (order, fit, arenaBytes);
                    bestName = $"{name}/{FitName(fit)}";
                }
            }
        }

        Debug.Assert(bestOrder is not null, "there is always a first candidate");

        // Step 3: local search on the best ordering.
        if (bestArenaBytes > lowerBoundBytes && n > 1)
        {
            var pairChecksPerTry = Math.Max(1L, (long)n * n / 2);
            var tries = (int)Math.Min(MaxImprovementTries, ImprovementPairCheckBudget / pairChecksPerTry);
            var current = (int[])bestOrder.Clone();
            var trial = new int[n];
            var state = ImprovementSeed;
            var improved = false;
            for (var t = 0; t < tries && bestArenaBytes > lowerBoundBytes; t++)
            {
                var a = (int)(NextRandom(ref state) % (ulong)n);
                var b = (int)(NextRandom(ref state) % (ulong)(n - 1));
                b += b >= a ? 1 : 0;
                var (to, from) = a < b ? (a, b) : (b, a);
                MoveEarlier(current, trial, from, to);
                var arenaBytes = problem.Place(trial, bestFit, scratch, bestArenaBytes);
                if (arenaBytes <= bestArenaBytes)
                {
                    improved |= arenaBytes < bestArenaBytes;
                    bestArenaBytes = arenaBytes;
                    (current, trial) = (trial, current);
                }
            }

            if (improved)
            {
                bestOrder = current;
                bestName += "+local-search";
            }
        }

        return Build(problem, bestOrder, bestFit, lowerBoundBytes, bestName);
    }

    /// <summary>
    /// Plain greedy-by-size with best fit (TFLite's planner as described by Pisarchyk &amp; Lee 2020,
    /// §3.2): largest resource first, each at the smallest gap that fits among the placed resources
    /// alive at the same time, or after the highest of them. The baseline <see cref="Plan"/> is
    /// measured against.
    /// </summary>
    /// <inheritdoc cref="Plan" path="/param"/>
    /// <inheritdoc cref="Plan" path="/exception"/>
    public static AliasPlan PlanGreedyBySize(IReadOnlyList<TransientResource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var problem = new Problem(resources);
        return Build(problem, BySize(problem), Fit.Best, LowerBoundBytes(resources), "size/best-fit");
    }

    /// <summary>
    /// The largest total of bytes alive at one step: a lower bound on any plan's arena. O(n log n).
    /// </summary>
    /// <inheritdoc cref="Plan" path="/exception"/>
    public static long LowerBoundBytes(IReadOnlyList<TransientResource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        // A resource adds its bytes at its first step and removes them after its last; at equal
        // steps removals come first (sort key: step * 2, +1 for additions), since [f, l] is inclusive.
        var events = new (long Key, long DeltaBytes)[resources.Count * 2];
        long totalBytes = 0;
        for (var i = 0; i < resources.Count; i++)
        {
            var r = Admit(resources, i, ref totalBytes);
            events[2 * i] = (((long)r.FirstUse * 2) + 1, r.SizeBytes);
            events[(2 * i) + 1] = (((long)r.LastUse + 1) * 2, -r.SizeBytes);
        }

        Array.Sort(events, (x, y) => x.Key.CompareTo(y.Key));
        long aliveBytes = 0, peakBytes = 0;
        foreach (var (_, delta) in events)
        {
            aliveBytes = checked(aliveBytes + delta);
            peakBytes = Math.Max(peakBytes, aliveBytes);
        }

        return peakBytes;
    }

    /// <summary>
    /// Returns <c>resources[i]</c> after checking it against the limits, and adds its size plus worst-case
    /// padding to <paramref name="totalBytes"/>, checking the total too.
    /// </summary>
    /// <exception cref="ArgumentException">The element is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is passed; the message names the resource and the limit.</exception>
    private static TransientResource Admit(IReadOnlyList<TransientResource> resources, int i, ref long totalBytes)
    {
        var r = resources[i] ?? throw new ArgumentException($"resources[{i}] is null", nameof(resources));
        var which = string.Create(CultureInfo.InvariantCulture, $"resources[{i}] '{r.Name}'");
        if (r.SizeBytes > MaxResourceBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(resources), r.SizeBytes, string.Create(CultureInfo.InvariantCulture, $"{which}: size must be at most {MaxResourceBytes} bytes (2^48, the address space)"));
        }

        if (r.AlignmentBytes > MaxAlignmentBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(resources), r.AlignmentBytes, string.Create(CultureInfo.InvariantCulture, $"{which}: alignment must be at most {MaxAlignmentBytes} bytes (64 KiB)"));
        }

        // Each term is below 2^49 and the total stays at most 2^62 (checked below), so this cannot overflow.
        totalBytes += r.SizeBytes + r.AlignmentBytes - 1;
        if (totalBytes > MaxTotalBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(resources), totalBytes, string.Create(CultureInfo.InvariantCulture, $"{which}: the sizes up to here, each plus its alignment − 1, add up to more than {MaxTotalBytes} bytes (2^62), the most one plan holds"));
        }

        return r;
    }

    private static AliasPlan Build(Problem problem, int[] order, Fit fit, long lowerBoundBytes, string strategy)
    {
        var offsetsBytes = new long[problem.Count];
        var arenaBytes = problem.Place(order, fit, offsetsBytes, long.MaxValue);
        var placements = new AliasPlacement[problem.Count];
        for (var i = 0; i < placements.Length; i++)
        {
            placements[i] = new AliasPlacement(problem.Resources[i], offsetsBytes[i]);
        }

        AssertValid(placements);
        return new AliasPlan(placements, arenaBytes, lowerBoundBytes, problem.NaiveBytes, strategy);
    }

    /// <summary>Debug-only check of the plan's contract: aligned, and no overlap in time and memory together. O(n²).</summary>
    [Conditional("DEBUG")]
    private static void AssertValid(AliasPlacement[] placements)
    {
        for (var a = 0; a < placements.Length; a++)
        {
            var pa = placements[a];
            Debug.Assert(pa.OffsetBytes >= 0 && pa.OffsetBytes % pa.Resource.AlignmentBytes == 0, $"{pa.Resource.Name} is misaligned at {pa.OffsetBytes}");
            for (var b = a + 1; b < placements.Length; b++)
            {
                var pb = placements[b];
                Debug.Assert(
                    !pa.Resource.IsAliveWith(pb.Resource) || pa.EndBytes <= pb.OffsetBytes || pb.EndBytes <= pa.OffsetBytes,
                    $"{pa.Resource.Name} and {pb.Resource.Name} overlap in time and memory");
            }
        }
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="target"/> with the element at
    /// <paramref name="from"/> moved to <paramref name="to"/> (<paramref name="to"/> &lt; <paramref name="from"/>).</summary>
    private static void MoveEarlier(int[] source, int[] target, int from, int to)
    {
        Array.Copy(source, 0, target, 0, to);
        target[to] = source[from];
        Array.Copy(source, to, target, to + 1, from - to);
        Array.Copy(source, from + 1, target, from + 1, source.Length - from - 1);
    }

    /// <summary>SplitMix64 (Steele, Lea &amp; Flood 2014): a small, fast, fixed-seed generator.</summary>
    private static ulong NextRandom(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    private static string FitName(Fit fit) => fit == Fit.Best ? "best-fit" : "first-fit";
}
