namespace MediaMemory.Heaps;

public static partial class AliasPlanner
{
    /// <summary>How a resource chooses among the gaps it fits in.</summary>
    private enum Fit
    {
        /// <summary>The smallest gap that fits (TFLite's greedy-by-size; Pisarchyk &amp; Lee 2020, §3.2).</summary>
        Best,

        /// <summary>The gap at the lowest offset that fits.</summary>
        First,
    }

    /// <summary>
    /// One planning problem as flat arrays, plus scratch space, so that placing an ordering allocates
    /// nothing. Not thread-safe: each call to <see cref="Plan"/> builds its own.
    /// </summary>
    private sealed class Problem
    {
        private readonly long[] _sizeBytes;
        private readonly long[] _alignmentMask;
        private readonly int[] _first;
        private readonly int[] _last;

        // Resources placed so far, ordered by offset, as parallel arrays (start, end, first and last
        // step) so that the gap scan, which walks them once per placement, reads memory in order.
        private readonly long[] _placedStartBytes;
        private readonly long[] _placedEndBytes;
        private readonly int[] _placedFirst;
        private readonly int[] _placedLast;

        public Problem(IReadOnlyList<TransientResource> resources)
        {
            Count = resources.Count;
            _sizeBytes = new long[Count];
            _alignmentMask = new long[Count];
            _first = new int[Count];
            _last = new int[Count];
            _placedStartBytes = new long[Count];
            _placedEndBytes = new long[Count];
            _placedFirst = new int[Count];
            _placedLast = new int[Count];
            Resources = resources;
            long totalBytes = 0;
            for (var i = 0; i < Count; i++)
            {
                var resource = Admit(resources, i, ref totalBytes);
                _sizeBytes[i] = resource.SizeBytes;
                _alignmentMask[i] = resource.AlignmentBytes - 1;
                _first[i] = resource.FirstUse;
                _last[i] = resource.LastUse;
                NaiveBytes += resource.SizeBytes; // at most totalBytes, which Admit keeps at most 2^62
            }
        }

        public int Count { get; }

        public IReadOnlyList<TransientResource> Resources { get; }

        public long NaiveBytes { get; }

        public long SizeBytes(int i) => _sizeBytes[i];

        public int First(int i) => _first[i];

        public int Last(int i) => _last[i];

        public bool AliveTogether(int a, int b) => _first[a] <= _last[b] && _first[b] <= _last[a];

        /// <summary>
        /// Places the resources in <paramref name="order"/>, each at the aligned offset chosen by
        /// <paramref name="fit"/> among the gaps left by already placed resources whose lifetimes
        /// intersect its own, or after the last of them when no gap fits. Writes the offsets into
        /// <paramref name="offsetsBytes"/> (indexed like the input) and returns the arena size in bytes,
        /// or <see cref="long.MaxValue"/> as soon as the arena exceeds <paramref name="cutoffBytes"/>.
        /// O(n²) time: each placement scans the placed resources once.
        /// </summary>
        public long Place(ReadOnlySpan<int> order, Fit fit, long[] offsetsBytes, long cutoffBytes)
        {
            var placed = 0;
            long arenaBytes = 0;
            foreach (var r in order)
            {
                var size = _sizeBytes[r];
                var mask = _alignmentMask[r];
                var first = _first[r];
                var last = _last[r];
                long cursor = 0; // end of the highest conflicting resource seen so far
                long chosen = -1;
                var chosenGap = long.MaxValue;
                for (var k = 0; k < placed; k++)
                {
                    if (_placedFirst[k] > last || first > _placedLast[k])
                    {
                        continue; // not alive together: may share bytes
                    }

                    var start = _placedStartBytes[k];
                    if (start > cursor)
                    {
                        var candidate = checked(cursor + mask) & ~mask;
                        var gap = start - cursor;
                        if (candidate + size <= start && gap < chosenGap)
                        {
                            chosen = candidate;
                            chosenGap = gap;
                            if (fit == Fit.First)
                            {
                                break;
                            }
                        }
                    }

                    cursor = Math.Max(cursor, _placedEndBytes[k]);
                }

                if (chosen < 0)
                {
                    chosen = checked(cursor + mask) & ~mask;
                }

                offsetsBytes[r] = chosen;
                arenaBytes = Math.Max(arenaBytes, checked(chosen + size));
                if (arenaBytes > cutoffBytes)
                {
                    return long.MaxValue;
                }

                Insert(r, chosen, placed++);
            }

            return arenaBytes;
        }

        private void Insert(int r, long offsetBytes, int placed)
        {
            // Binary search for the first placed resource with a larger offset; equal offsets keep
            // placement order, so the scan is deterministic.
            int lo = 0, hi = placed;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_placedStartBytes[mid] <= offsetBytes)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            var moved = placed - lo;
            Array.Copy(_placedStartBytes, lo, _placedStartBytes, lo + 1, moved);
            Array.Copy(_placedEndBytes, lo, _placedEndBytes, lo + 1, moved);
            Array.Copy(_placedFirst, lo, _placedFirst, lo + 1, moved);
            Array.Copy(_placedLast, lo, _placedLast, lo + 1, moved);
            _placedStartBytes[lo] = offsetBytes;
            _placedEndBytes[lo] = offsetBytes + _sizeBytes[r];
            _placedFirst[lo] = _first[r];
            _placedLast[lo] = _last[r];
        }
    }
}
