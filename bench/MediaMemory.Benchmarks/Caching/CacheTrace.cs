using System.IO.Compression;

namespace MediaMemory.Benchmarks.Caching;

/// <summary>A cache request trace: keys interned to ints, with each request's size in bytes and cost in microseconds.</summary>
/// <remarks>
/// Two formats (../shared/data/README.md, "traces/"): media CSV <c>key,size_bytes,cost</c> with a header,
/// and LIRS traces, one integer key per line, lines of <c>*</c> skipped (size 1, cost 1).
/// </remarks>
public sealed class CacheTrace
{
    private CacheTrace(string name, int[] keys, long[] sizes, long[] costs, int uniqueKeys)
    {
        Name = name;
        Keys = keys;
        Sizes = sizes;
        Costs = costs;
        UniqueKeys = uniqueKeys;
    }

    public string Name { get; }

    public int[] Keys { get; }

    public long[] Sizes { get; }

    public long[] Costs { get; }

    public int UniqueKeys { get; }

    public int Count => Keys.Length;

    /// <summary>Mean size in bytes over distinct keys (their first request).</summary>
    public double MeanUniqueSizeBytes()
    {
        var seen = new HashSet<int>();
        double total = 0;
        for (var i = 0; i < Keys.Length; i++)
        {
            if (seen.Add(Keys[i]))
            {
                total += Sizes[i];
            }
        }

        return total / Math.Max(1, seen.Count);
    }

    public static CacheTrace Load(string path)
    {
        var name = Path.GetFileName(path);
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        List<int> keys = [];
        List<long> sizes = [];
        List<long> costs = [];
        var csv = name.EndsWith(".csv.gz", StringComparison.Ordinal);
        string? line;
        var first = true;
        while ((line = reader.ReadLine()) is not null)
        {
            if (first && csv)
            {
                first = false;
                continue; // header
            }

            line = line.Trim();
            if (line.Length == 0 || line == "*")
            {
                continue;
            }

            string key;
            long size = 1, cost = 1;
            if (csv)
            {
                var parts = line.Split(',');
                key = parts[0];
                size = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                cost = long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                key = line;
            }

            if (!ids.TryGetValue(key, out var id))
            {
                id = ids.Count;
                ids.Add(key, id);
            }

            keys.Add(id);
            sizes.Add(size);
            costs.Add(cost);
        }

        return new CacheTrace(name, [.. keys], [.. sizes], [.. costs], ids.Count);
    }
}
