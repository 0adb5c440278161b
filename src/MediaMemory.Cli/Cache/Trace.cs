using System.Buffers.Binary;
using System.Globalization;

namespace MediaMemory.Cli.Cache;

/// <summary>One request of a cache trace: a key, its size in bytes (1 where the trace has none) and its
/// recreation cost (1 where the trace has none).</summary>
internal readonly record struct TraceRequest(long Key, long SizeBytes, double Cost);

/// <summary>The formats <c>mediamem cache replay</c> reads (see ../shared/data/README.md, traces/).</summary>
internal enum TraceFormat
{
    /// <summary>CSV <c>key,size_bytes,cost</c> with that header (the media-*.csv traces).</summary>
    MediaCsv,

    /// <summary>One integer key per line; lines that are <c>*</c> are skipped (LIRS).</summary>
    Lirs,

    /// <summary>Big-endian int32 keys, no sizes (cache2k).</summary>
    BinaryInt32,

    /// <summary>Text <c>time id size</c>; the key is (id, size) (webcachesim).</summary>
    TimeIdSize,

    /// <summary>Text <c>l|s 0xADDR instrs hitPenalty missPenalty</c>; key = address, cost = miss penalty.</summary>
    AddressPenalties,
}

/// <summary>A cache trace in memory: its requests, and whether it has sizes and costs of its own.</summary>
internal sealed class Trace
{
    private Trace(string name, TraceFormat format, TraceRequest[] requests)
    {
        Name = name;
        Format = format;
        Requests = requests;
        var sizes = new Dictionary<long, long>();
        double sizeSum = 0;
        foreach (var request in requests)
        {
            if (sizes.TryAdd(request.Key, request.SizeBytes))
            {
                sizeSum += request.SizeBytes;
            }
        }

        ObjectSizes = sizes;
        UniqueKeys = sizes.Count;
        MeanObjectSizeBytes = sizes.Count == 0 ? 0 : sizeSum / sizes.Count;
    }

    public string Name { get; }

    public TraceFormat Format { get; }

    public TraceRequest[] Requests { get; }

    public int UniqueKeys { get; }

    /// <summary>Each key's size (its first request's; 1 for traces without sizes).</summary>
    public IReadOnlyDictionary<long, long> ObjectSizes { get; }

    /// <summary>Mean size of the distinct objects (each key counted once, at its first size).</summary>
    public double MeanObjectSizeBytes { get; }

    /// <summary>True when requests carry sizes (capacities are then in bytes).</summary>
    public bool HasSizes => Format is TraceFormat.MediaCsv or TraceFormat.TimeIdSize;

    /// <summary>Reads a trace, detecting the format by name, then by content.</summary>
    /// <exception cref="InvalidDataException">The file is not a trace this reads: not valid (or truncated) gzip,
    /// compressed otherwise, or a bad line; the message, one line, starts with the file's name and names the line.</exception>
    public static Trace Load(string path)
    {
        var gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        var name = Path.GetFileName(path);
        var bare = gzip ? name[..^3] : name;
        try
        {
            var format = DetectByName(bare) ?? DetectByContent(path, gzip);
            using var stream = Open(path, gzip);
            var requests = format == TraceFormat.BinaryInt32 ? ReadBinary(stream) : ReadText(stream, format);
            if (requests.Length == 0)
            {
                throw new InvalidDataException("it holds no requests");
            }

            return new Trace(name, format, requests);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"{name}: {ex.Message}", ex);
        }
        catch (InvalidOperationException ex) when (gzip)
        {
            throw new InvalidDataException($"{name}: not valid gzip ({ex.Message})", ex);
        }
    }

    private static TraceFormat? DetectByName(string name) =>
        name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? TraceFormat.MediaCsv
        : name.StartsWith("orm-", StringComparison.OrdinalIgnoreCase) ? TraceFormat.BinaryInt32
        : name.StartsWith("request", StringComparison.OrdinalIgnoreCase) ? TraceFormat.TimeIdSize
        : name.StartsWith("gcc-penalties", StringComparison.OrdinalIgnoreCase) ? TraceFormat.AddressPenalties
        : name is "gli.trace" or "multi2.trace" or "sprite.trace" || name.EndsWith(".trc", StringComparison.OrdinalIgnoreCase) ? TraceFormat.Lirs
        : null;

    /// <summary>Opens the trace's data: through <see cref="CheckedGzipStream"/> for <c>.gz</c>; otherwise the
    /// file, unless it starts with a compressor's signature (then it is compressed data, not a trace).</summary>
    private static Stream Open(string path, bool gzip)
    {
        var file = File.OpenRead(path);
        try
        {
            if (gzip)
            {
                return new CheckedGzipStream(file);
            }

            Span<byte> head = stackalloc byte[TraceSignatures.LongestBytes];
            var kind = TraceSignatures.Identify(head[..file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false)]);
            if (kind is not null)
            {
                throw new InvalidDataException(kind == "gzip"
                    ? "the file is gzip-compressed but its name does not end in .gz; rename it to end in .gz (a .tar.gz archive: extract the trace first)"
                    : $"the file is {kind}-compressed; decompress it first (traces are read plain, or gzip-compressed with a name ending in .gz)");
            }

            file.Seek(0, SeekOrigin.Begin);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static TraceFormat DetectByContent(string path, bool gzip)
    {
        using var stream = Open(path, gzip);
        var head = new byte[256];
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        var text = head.AsSpan(0, read);
        // Text traces are printable ASCII; int32 keys are full of control bytes (zeros above all).
        if (text.ContainsAnyInRange((byte)0, (byte)8) || text.ContainsAnyInRange((byte)14, (byte)31))
        {
            return TraceFormat.BinaryInt32;
        }

        var firstLine = System.Text.Encoding.ASCII.GetString(text).Split('\n')[0].Trim();
        var fields = firstLine.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return firstLine.StartsWith("key,", StringComparison.Ordinal) ? TraceFormat.MediaCsv
            : fields.Length == 5 && fields[0] is "l" or "s" ? TraceFormat.AddressPenalties
            : fields.Length == 3 ? TraceFormat.TimeIdSize
            : fields.Length == 1 && long.TryParse(fields[0], CultureInfo.InvariantCulture, out _) ? TraceFormat.Lirs
            : throw new InvalidDataException($"unknown trace format (first line '{Truncate(firstLine)}'); expected key,size_bytes,cost CSV, one key per line, 'time id size', 'l|s ADDR instrs hit miss' or big-endian int32 keys");
    }

    private static TraceRequest[] ReadBinary(Stream stream)
    {
        var requests = new List<TraceRequest>();
        Span<byte> buffer = stackalloc byte[4];
        while (true)
        {
            var read = stream.ReadAtLeast(buffer, 4, throwOnEndOfStream: false);
            if (read == 0)
            {
                return [.. requests];
            }

            if (read < 4)
            {
                throw new InvalidDataException($"{requests.Count * 4L + read} bytes is not a whole number of int32 keys");
            }

            requests.Add(new TraceRequest(BinaryPrimitives.ReadInt32BigEndian(buffer), 1, 1));
        }
    }

    private static TraceRequest[] ReadText(Stream stream, TraceFormat format)
    {
        using var reader = new StreamReader(stream);
        var requests = new List<TraceRequest>();
        var names = new Dictionary<string, long>(StringComparer.Ordinal);
        var pairs = new Dictionary<(long, long), long>();
        var lineNumber = 0;
        double costSum = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var text = line.Trim();
            if (text.Length == 0 || (format == TraceFormat.Lirs && text == "*") || (format == TraceFormat.MediaCsv && lineNumber == 1 && text.StartsWith("key,", StringComparison.Ordinal)))
            {
                continue;
            }

            var request = Parse(text, format, names, pairs) ?? throw new InvalidDataException($"line {lineNumber} '{Truncate(text)}' is not a {Describe(format)} line");
            costSum += request.Cost;
            if (double.IsInfinity(costSum))
            {
                // The replay sums the costs of all requests (and of the hits, which is less); an infinite sum makes the cost-saved ratio meaningless.
                throw new InvalidDataException($"line {lineNumber}: the costs up to here add up to more than a double holds ({double.MaxValue:G3}); scale them down");
            }

            requests.Add(request);
        }

        return [.. requests];
    }

    private static TraceRequest? Parse(string text, TraceFormat format, Dictionary<string, long> names, Dictionary<(long, long), long> pairs)
    {
        var inv = CultureInfo.InvariantCulture;
        switch (format)
        {
            case TraceFormat.MediaCsv:
            {
                var f = text.Split(',');
                if (f.Length != 3 || f[0].Length == 0 || !long.TryParse(f[1], NumberStyles.None, inv, out var size) || size <= 0 || !TryParseCost(f[2], out var cost))
                {
                    return null;
                }

                if (!names.TryGetValue(f[0], out var key))
                {
                    names[f[0]] = key = names.Count;
                }

                return new TraceRequest(key, size, cost);
            }

            case TraceFormat.Lirs:
                return long.TryParse(text, NumberStyles.AllowLeadingSign, inv, out var lirsKey) ? new TraceRequest(lirsKey, 1, 1) : null;
            case TraceFormat.TimeIdSize:
            {
                var f = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 3 || !long.TryParse(f[1], NumberStyles.AllowLeadingSign, inv, out var id) || !long.TryParse(f[2], NumberStyles.None, inv, out var size) || size <= 0)
                {
                    return null;
                }

                if (!pairs.TryGetValue((id, size), out var key))
                {
                    pairs[(id, size)] = key = pairs.Count;
                }

                return new TraceRequest(key, size, 1);
            }

            case TraceFormat.AddressPenalties:
            {
                var f = text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (f.Length != 5 || f[0] is not ("l" or "s") || !f[1].StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    || !long.TryParse(f[1].AsSpan(2), NumberStyles.AllowHexSpecifier, inv, out var address) || !TryParseCost(f[4], out var miss))
                {
                    return null;
                }

                return new TraceRequest(address, 1, miss);
            }

            default:
                return null;
        }
    }

    /// <summary>A cost: a finite number ≥ 0. Infinity (also what an out-of-range literal such as 1e400 parses to)
    /// and NaN are refused: a ratio of costs would be NaN, which JSON cannot carry.</summary>
    private static bool TryParseCost(string text, out double cost) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out cost) && double.IsFinite(cost) && cost >= 0;

    private static string Describe(TraceFormat format) => format switch
    {
        TraceFormat.MediaCsv => "key,size_bytes,cost",
        TraceFormat.Lirs => "one integer key",
        TraceFormat.TimeIdSize => "'time id size'",
        TraceFormat.AddressPenalties => "'l|s 0xADDR instrs hitPenalty missPenalty'",
        _ => format.ToString(),
    };

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
