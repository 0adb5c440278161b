namespace MediaMemory.Caching.Internals;

/// <summary>
/// A count-min sketch of 4-bit counters with aging, as in TinyLFU (Einziger, Friedman &amp; Manes, "TinyLFU:
/// A Highly Efficient Cache Admission Policy", 2017) and Caffeine's <c>FrequencySketch</c>: each key
/// bumps one counter in each of four rows; its estimate is the least of the four; after
/// <c>10 × width</c> additions every counter is halved, so old popularity fades.
/// </summary>
/// <remarks>
/// Accepted races (written down, as the hot path takes no lock): increments are plain read-modify-writes
/// of a 64-bit word, so two threads bumping counters in the same word at once can lose one bump, and a
/// bump racing the halving can keep one counter unhalved. Both only blur an estimate that is already
/// approximate; no value ever leaves 0…15.
/// </remarks>
internal sealed class FrequencySketch
{
    // Seeds from Caffeine's FrequencySketch (64-bit odd constants), one per row.
    private static readonly ulong[] Seeds = [0xc3a5c85c97cb3127UL, 0xb492b66fbe98f273UL, 0x9ae16a3b2f90404fUL, 0xcbf29ce484222325UL];

    private readonly long[] _table;
    private readonly int _mask;
    private readonly int _sampleSize;
    private int _additions;
    private int _resetting;

    /// <param name="expectedEntries">Entries the cache is expected to hold; the table gets the next power of two ≥ it (at least 64 words).</param>
    public FrequencySketch(int expectedEntries)
    {
        var words = (int)Math.Min(1 << 24, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, expectedEntries)));
        _table = new long[words];
        _mask = words - 1;
        _sampleSize = 10 * words; // Caffeine's sample: 10 × the maximum size
    }

    public void Increment(int hash)
    {
        var spread = Spread(hash);
        var start = (int)(spread & 3) << 2; // which group of four counters in a word
        var added = false;
        for (var row = 0; row < 4; row++)
        {
            var index = IndexOf(spread, row);
            var offset = (start + row) << 2; // bit offset of this row's counter in the word
            var word = _table[index];
            if (((word >> offset) & 0xF) != 0xF)
            {
                _table[index] = word + (1L << offset);
                added = true;
            }
        }

        if (added && ++_additions >= _sampleSize)
        {
            Reset();
        }
    }

    public int Estimate(int hash)
    {
        var spread = Spread(hash);
        var start = (int)(spread & 3) << 2;
        var min = 15;
        for (var row = 0; row < 4; row++)
        {
            var offset = (start + row) << 2;
            var count = (int)((_table[IndexOf(spread, row)] >> offset) & 0xF);
            min = Math.Min(min, count);
        }

        return min;
    }

    private void Reset()
    {
        if (Interlocked.Exchange(ref _resetting, 1) != 0)
        {
            return;
        }

        for (var i = 0; i < _table.Length; i++)
        {
            // Halve all sixteen nibbles at once: shift right and clear the bit each borrowed from its neighbour.
            _table[i] = (long)(((ulong)_table[i] >> 1) & 0x7777777777777777UL);
        }

        _additions = _sampleSize / 2;
        Volatile.Write(ref _resetting, 0);
    }

    private int IndexOf(ulong spread, int row)
    {
        var h = (spread + Seeds[row]) * Seeds[row];
        h += h >> 32;
        return (int)h & _mask;
    }

    private static ulong Spread(int hash)
    {
        var x = (ulong)(uint)hash;
        x = (x ^ (x >> 17)) * 0xed5ad4bbUL;
        x = (x ^ (x >> 11)) * 0xac4c1b51UL;
        x = (x ^ (x >> 15)) * 0x31848babUL;
        return x ^ (x >> 14);
    }
}
