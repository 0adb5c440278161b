namespace MediaMemory.Heaps;

public static partial class AliasPlanner
{
    /// <summary>
    /// The orderings tried before the improvement pass, each a permutation of the resource indices.
    /// Every ordering breaks ties by input index, so plans are deterministic.
    /// </summary>
    private static List<(string Name, int[] Order)> CandidateOrderings(Problem problem) =>
    [
        ("size", BySize(problem)),
        ("size-x-lifetime", BySizeTimesLifetime(problem)),
        ("lifetime", ByLifetime(problem)),
        ("first-use", ByFirstUse(problem)),
        ("breadth", ByBreadth(problem)),
        ("conflict", ByConflictingBytes(problem)),
    ];

    /// <summary>Largest first (TFLite's greedy-by-size order; Pisarchyk &amp; Lee 2020, §3.2).</summary>
    private static int[] BySize(Problem problem)
    {
        var order = Identity(problem.Count);
        Array.Sort(order, (a, b) =>
        {
            var c = problem.SizeBytes(b).CompareTo(problem.SizeBytes(a));
            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    /// <summary>Largest area in the time × bytes plane first (the rectangle-packing view of Sekiyama et al. 2018).</summary>
    private static int[] BySizeTimesLifetime(Problem problem)
    {
        var order = Identity(problem.Count);
        // Int128: bytes (< 2^63) times steps (< 2^31) cannot overflow it.
        Array.Sort(order, (a, b) =>
        {
            var c = Area(problem, b).CompareTo(Area(problem, a));
            if (c == 0)
            {
                c = problem.SizeBytes(b).CompareTo(problem.SizeBytes(a));
            }

            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    /// <summary>Longest-lived first, then largest: long-lived resources pin the bottom of the arena.</summary>
    private static int[] ByLifetime(Problem problem)
    {
        var order = Identity(problem.Count);
        Array.Sort(order, (a, b) =>
        {
            var c = Length(problem, b).CompareTo(Length(problem, a));
            if (c == 0)
            {
                c = problem.SizeBytes(b).CompareTo(problem.SizeBytes(a));
            }

            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    /// <summary>In order of first use, largest first within a step: what an online allocator would see.</summary>
    private static int[] ByFirstUse(Problem problem)
    {
        var order = Identity(problem.Count);
        Array.Sort(order, (a, b) =>
        {
            var c = problem.First(a).CompareTo(problem.First(b));
            if (c == 0)
            {
                c = problem.SizeBytes(b).CompareTo(problem.SizeBytes(a));
            }

            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    /// <summary>
    /// Greedy by breadth (Pisarchyk &amp; Lee 2020, §3.3): visit the steps from the widest (most bytes
    /// alive) to the narrowest, and within a step take its not yet ordered resources largest first.
    /// Only steps where some resource starts are visited: every other step's alive set is a subset
    /// of one of them. O(n²).
    /// </summary>
    private static int[] ByBreadth(Problem problem)
    {
        var n = problem.Count;
        var steps = new List<int>(n);
        for (var i = 0; i < n; i++)
        {
            steps.Add(problem.First(i));
        }

        steps.Sort();
        var distinct = steps.Distinct().ToArray();
        var breadthBytes = new long[distinct.Length];
        for (var s = 0; s < distinct.Length; s++)
        {
            for (var i = 0; i < n; i++)
            {
                if (problem.First(i) <= distinct[s] && distinct[s] <= problem.Last(i))
                {
                    breadthBytes[s] += problem.SizeBytes(i);
                }
            }
        }

        var stepOrder = Identity(distinct.Length);
        Array.Sort(stepOrder, (a, b) =>
        {
            var c = breadthBytes[b].CompareTo(breadthBytes[a]);
            return c != 0 ? c : a.CompareTo(b);
        });

        var bySize = BySize(problem);
        var taken = new bool[n];
        var order = new int[n];
        var count = 0;
        foreach (var s in stepOrder)
        {
            var step = distinct[s];
            foreach (var i in bySize)
            {
                if (!taken[i] && problem.First(i) <= step && step <= problem.Last(i))
                {
                    taken[i] = true;
                    order[count++] = i;
                }
            }
        }

        return order;
    }

    /// <summary>
    /// Most bytes alive together with the resource (its own included) first: the resources that sit
    /// in the most crowded steps are placed while the arena is still empty. O(n²).
    /// </summary>
    private static int[] ByConflictingBytes(Problem problem)
    {
        var n = problem.Count;
        var conflictingBytes = new long[n];
        for (var a = 0; a < n; a++)
        {
            for (var b = 0; b < n; b++)
            {
                if (problem.AliveTogether(a, b))
                {
                    conflictingBytes[a] += problem.SizeBytes(b);
                }
            }
        }

        var order = Identity(n);
        Array.Sort(order, (a, b) =>
        {
            var c = conflictingBytes[b].CompareTo(conflictingBytes[a]);
            if (c == 0)
            {
                c = problem.SizeBytes(b).CompareTo(problem.SizeBytes(a));
            }

            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    private static Int128 Area(Problem problem, int i) => (Int128)problem.SizeBytes(i) * Length(problem, i);

    private static long Length(Problem problem, int i) => (long)problem.Last(i) - problem.First(i) + 1;

    private static int[] Identity(int count)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        return order;
    }
}
