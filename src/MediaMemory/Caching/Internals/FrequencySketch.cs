namespace MediaMemory.Caching.Internals;

/// <summary>
/// A count-min sketch of 4-bit counters with aging, as in TinyLFU (Einziger, Friedman &amp; Manes, "TinyLFU:
/// A Highly Efficient Cache Admission Policy", 2017) and Caffeine's <c>FrequencySketch</c>: each key
/// bumps one counter in each of four rows; its estimate is the least of the four; after
/// <c>10 × width</c> additions every counter is halved, so old popularity fades.
/// </summary>
/// <remarks>
/// <para>
/// Layout from Caffeine's block-based sketch: a key's four counters all lie in one 64-byte block (eight
/// words), so an increment or an estimate touches one cache line, not four.
/// </para>
/// <para>
/// Accepted races (written down, as the hot path takes no lock): increments are plain read-modify-writes
/// of a 64-bit word, so two threads bumping counters in the same word at once can lose one bump, and a
/// bump racing the halving can keep one counter unhalved. Both only blur an estimate that is already
/// approximate; no counter ever leaves 0…15.
/// </para>
/// </remarks>
internal sealed class FrequencySketch
{
    private const int WordsPerBlock = 8; // 64-byte cache line / 8-byte word

    private readonly long[] _table;
    private readonly int _blockMask;
    private readonly int _sampleSize;
    private int _additions;
    private int _resetting;

    /// <param name="width">Counters wanted per row, rounded up to a power of two of at least 64; about the entries the cache holds.</param>
    public FrequencySketch(int width)
    {
        var words = (int)Math.Min(1 << 24, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(64, width)));
        _table = new long[words];
        _blockMask = (words / WordsPerBlock) - 1;
        _sampleSize = 10 * words; // Caffeine's sample: 10 × the maximum size
        Width = words;
    }

    /// <summary>Words in the table (each holds 16 counters).</summary>
    public int Width { get; }

    public void Increment(int hash)
    {
        var blockHash = Spread(hash);
        var counterHash = Rehash(blockHash);
        var block = (int)(blockHash & (uint)_blockMask) * WordsPerBlock;
        var added = false;
        for (var row = 0; row < 4; row++)
        {
            var h = counterHash >> (row << 3);
            var index = (int)((h >> 1) & 15);
            var slot = block + (int)(h & 1) + (row << 1);
            var offset = index << 2;
            ref var word = ref _table[slot];
            if (((word >> offset) & 0xF) != 0xF)
            {
                word += 1L << offset;
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
        var blockHash = Spread(hash);
        var counterHash = Rehash(blockHash);
        var block = (int)(blockHash & (uint)_blockMask) * WordsPerBlock;
        var min = 15;
        for (var row = 0; row < 4; row++)
        {
            var h = counterHash >> (row << 3);
            var index = (int)((h >> 1) & 15);
            var slot = block + (int)(h & 1) + (row << 1);
            min = Math.Min(min, (int)((_table[slot] >> (index << 2)) & 0xF));
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

    // Caffeine's spread and rehash (FrequencySketch.java).
    private static uint Spread(int hash)
    {
        var x = (uint)hash;
        x ^= x >> 17;
        x *= 0xed5ad4bb;
        x ^= x >> 11;
        x *= 0xac4c1b51;
        x ^= x >> 15;
        return x;
    }

    private static uint Rehash(uint x)
    {
        x *= 0x31848bab;
        x ^= x >> 14;
        return x;
    }
}
