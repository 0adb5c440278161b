using MediaMemory.Cli.Infrastructure;

namespace MediaMemory.Cli.Bench;

/// <summary>Finds the images <c>mediamem bench compress</c> reads: <c>--input</c>, or the shared photographs.</summary>
internal static class CompressInputs
{
    /// <summary>The default input, relative to the folder that holds the repository: <c>../shared/data/photos</c>.</summary>
    public static readonly string DefaultFolder = Path.Combine("..", "shared", "data", "photos");

    /// <summary>The image files to read, sorted; a <see cref="UsageException"/> saying what is wrong otherwise.</summary>
    public static IReadOnlyList<string> Resolve(string? input)
    {
        if (input is null)
        {
            input = FindDefault()
                ?? throw new UsageException($"no --input given and {DefaultFolder} was not found above the current folder or the program's; pass --input FILE|DIR");
        }

        if (File.Exists(input))
        {
            return [input];
        }

        if (!Directory.Exists(input))
        {
            throw new UsageException($"--input: '{input}' is neither a file nor a folder");
        }

        var files = Directory.GetFiles(input)
            .Where(f => CompressBenchmark.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToArray();
        return files.Length > 0
            ? files
            : throw new UsageException($"--input: '{input}' holds no images ({string.Join(", ", CompressBenchmark.Extensions)})");
    }

    /// <summary>Walks up from the current folder, then from the program's, to a folder beside which
    /// <c>shared/data/photos</c> lies.</summary>
    private static string? FindDefault()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.GetFullPath(Path.Combine(directory.FullName, DefaultFolder));
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
