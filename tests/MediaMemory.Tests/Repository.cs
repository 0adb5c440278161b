namespace MediaMemory.Tests;

/// <summary>The repository the tests were built from (its README, scripts).</summary>
internal static class Repository
{
    /// <summary>The repository's root: the folder above the tests' binaries that holds MediaMemory.slnx.</summary>
    public static string Root { get; } = FindRoot(new DirectoryInfo(AppContext.BaseDirectory));

    private static string FindRoot(DirectoryInfo? directory) =>
        directory is null ? throw new DirectoryNotFoundException($"no folder above {AppContext.BaseDirectory} holds MediaMemory.slnx")
        : File.Exists(Path.Combine(directory.FullName, "MediaMemory.slnx")) ? directory.FullName
        : FindRoot(directory.Parent);
}
