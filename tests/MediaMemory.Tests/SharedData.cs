namespace MediaMemory.Tests;

/// <summary>The project's shared test data, <c>../shared/data/</c> relative to the repository root.</summary>
internal static class SharedData
{
    /// <summary>The files matching <paramref name="pattern"/> in <c>../shared/data/<paramref name="folder"/></c>,
    /// sorted; skips the test with a message saying what is missing when they cannot be found.</summary>
    public static string[] Files(string folder, string pattern)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MediaMemory.slnx")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            Assert.Skip($"no folder above {AppContext.BaseDirectory} holds MediaMemory.slnx, so ../shared/data/{folder} cannot be found");
        }

        var data = Path.GetFullPath(Path.Combine(directory.FullName, "..", "shared", "data", folder));
        if (!Directory.Exists(data))
        {
            Assert.Skip($"the shared test data is not at {data}");
        }

        var files = Directory.GetFiles(data, pattern).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            Assert.Skip($"{data} holds no {pattern} files");
        }

        return files;
    }
}
