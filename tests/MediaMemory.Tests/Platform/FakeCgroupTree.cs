namespace MediaMemory.Tests.Platform;

/// <summary>
/// A real directory tree standing in for <c>/sys/fs/cgroup</c> (and, if asked, <c>/proc</c>): tests
/// create cgroup directories and limit files in it and point mountinfo text at it. Deleted on dispose.
/// </summary>
internal sealed class FakeCgroupTree : IDisposable
{
    public FakeCgroupTree() => Root = System.IO.Directory.CreateTempSubdirectory("mediamem-cgroup-").FullName;

    /// <summary>The temporary directory holding everything.</summary>
    public string Root { get; }

    /// <summary>Creates (if needed) the directory <paramref name="relativePath"/> under <see cref="Root"/> and returns its full path.</summary>
    public string MakeDirectory(string relativePath) =>
        System.IO.Directory.CreateDirectory(Path.Combine(Root, relativePath)).FullName;

    /// <summary>Writes <paramref name="text"/> to <paramref name="fileName"/> in the directory
    /// <paramref name="relativeDirectory"/> (created if needed).</summary>
    public void Write(string relativeDirectory, string fileName, string text) =>
        File.WriteAllText(Path.Combine(MakeDirectory(relativeDirectory), fileName), text);

    /// <summary>A /proc/self/mountinfo line mounting cgroup v1 with the memory controller at <paramref name="mountPoint"/>.</summary>
    public static string V1MemoryMount(string mountPoint, string root = "/") =>
        $"35 31 0:32 {root} {Escape(mountPoint)} rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory\n";

    /// <summary>A /proc/self/mountinfo line mounting the cgroup v2 hierarchy at <paramref name="mountPoint"/>.</summary>
    public static string V2Mount(string mountPoint, string root = "/") =>
        $"41 31 0:38 {root} {Escape(mountPoint)} rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n";

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp directory must not fail the test that made it.
        }
    }

    // mountinfo escapes space, tab, newline and backslash as octal.
    private static string Escape(string path) =>
        path.Replace("\\", "\\134", StringComparison.Ordinal).Replace(" ", "\\040", StringComparison.Ordinal)
            .Replace("\t", "\\011", StringComparison.Ordinal).Replace("\n", "\\012", StringComparison.Ordinal);
}
