using MediaMemory.Platform;

namespace MediaMemory.Tests.Platform;

public sealed class MemoryLimitsTests
{
    private const long GiB = 1L << 30;
    private const long MiB = 1L << 20;

    /// <summary>What cgroup v1 reports for "no limit": PAGE_COUNTER_MAX pages of 4 KiB.</summary>
    private const string V1Unlimited = "9223372036854771712\n";

    private const string SampleMeminfo =
        "MemTotal:       24684092 kB\n" +
        "MemFree:         1843244 kB\n" +
        "MemAvailable:   19231552 kB\n" +
        "Buffers:          412392 kB\n";

    // Unrelated v1 controllers and the systemd hierarchy, as on the project's hybrid hosts.
    private const string OtherMounts =
        "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n" +
        "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n" +
        "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n" +
        "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n";

    [Theory]
    [InlineData("MemTotal:\n")]
    [InlineData("MemTotal:   lots kB\n")]
    [InlineData("MemFree: 100 kB\n")]
    public void ParseMemTotalBytes_WhenTheLineIsMissingOrMalformed_ThrowsFormatException(string meminfo)
    {
        Assert.Throws<FormatException>(() => MemoryLimits.ParseMemTotalBytes(meminfo));
    }

    [Fact]
    public void ParseMemTotalBytes_ReadsKibibytesAsBytes()
    {
        Assert.Equal(24_684_092L * 1024, MemoryLimits.ParseMemTotalBytes(SampleMeminfo));
    }

    [Fact]
    public void ParseMemTotalBytes_FindsMemTotalOnAnyLine()
    {
        const string text = "MemFree: 100 kB\nMemTotal: 8388608 kB\nSwapTotal: 0 kB\n";

        Assert.Equal(8 * GiB, MemoryLimits.ParseMemTotalBytes(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("MemFree: 100 kB\nSwapTotal: 0 kB\n")]
    public void ParseMemTotalBytes_WhenThereIsNoMemTotal_ThrowsFormatException(string text)
    {
        var error = Assert.Throws<FormatException>(() => MemoryLimits.ParseMemTotalBytes(text));

        Assert.Contains("MemTotal", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("3221225472", 3_221_225_472L)]
    [InlineData("3221225472\n", 3_221_225_472L)]
    [InlineData("  536870912  ", 536_870_912L)]
    [InlineData("0", 0L)]
    [InlineData("4611686018427387903", 4_611_686_018_427_387_903L)] // 2^62 − 1: the largest read as a limit
    public void ParseLimit_ReadsANumberOfBytes(string text, long expected)
    {
        Assert.Equal(expected, MemoryLimits.ParseLimit(text));
    }

    [Theory]
    [InlineData("max")]
    [InlineData("max\n")]
    [InlineData("9223372036854771712")] // v1 "unlimited" on 4 KiB pages
    [InlineData("9223372036854710272")] // v1 "unlimited" on 64 KiB pages
    [InlineData("9223372036854775807")]
    [InlineData("4611686018427387904")] // 2^62
    [InlineData("")]
    [InlineData("\n")]
    public void ParseLimit_ReadsMaxAndHugeValuesAsNoLimit(string text)
    {
        Assert.Null(MemoryLimits.ParseLimit(text));
    }

    [Fact]
    public void FindCgroupLimit_V1_ReadsTheProcessCgroupsLimitInBytes()
    {
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("memory");
        tree.Write("memory", "memory.limit_in_bytes", V1Unlimited);
        tree.Write("memory/app", "memory.limit_in_bytes", V1Unlimited);
        tree.Write("memory/app/worker", "memory.limit_in_bytes", "3221225472\n");
        const string cgroup = "12:pids:/app/worker\n4:memory:/app/worker\n1:name=systemd:/app/worker\n";

        var found = MemoryLimits.FindCgroupLimit(cgroup, OtherMounts + FakeCgroupTree.V1MemoryMount(mount));

        Assert.Equal((CgroupVersion.V1, Path.Combine(mount, "app", "worker"), (long?)(3 * GiB)), found);
    }

    [Fact]
    public void FindCgroupLimit_V2_ReadsTheProcessCgroupsMemoryMax()
    {
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("unified");
        tree.Write("unified/user.slice", "memory.max", "max\n");
        tree.Write("unified/user.slice/app.scope", "memory.max", "2147483648\n");

        var found = MemoryLimits.FindCgroupLimit("0::/user.slice/app.scope\n", OtherMounts + FakeCgroupTree.V2Mount(mount));

        Assert.Equal((CgroupVersion.V2, Path.Combine(mount, "user.slice", "app.scope"), (long?)(2 * GiB)), found);
    }

    [Fact]
    public void FindCgroupLimit_Hybrid_TheV1MemoryControllerWins()
    {
        using var tree = new FakeCgroupTree();
        var v1 = tree.MakeDirectory("memory");
        var v2 = tree.MakeDirectory("unified");
        tree.Write("memory/app", "memory.limit_in_bytes", "2147483648\n");
        tree.Write("unified/app", "memory.max", "1073741824\n"); // tighter, but v2 holds no memory controller here
        const string cgroup = "4:memory:/app\n1:name=systemd:/app\n0::/app\n";

        var found = MemoryLimits.FindCgroupLimit(cgroup, FakeCgroupTree.V2Mount(v2) + FakeCgroupTree.V1MemoryMount(v1));

        Assert.Equal((CgroupVersion.V1, Path.Combine(v1, "app"), (long?)(2 * GiB)), found);
    }

    [Fact]
    public void FindCgroupLimit_WhenV1MemoryIsListedButNotMounted_FallsBackToV2()
    {
        using var tree = new FakeCgroupTree();
        var v2 = tree.MakeDirectory("unified");
        tree.Write("unified/app", "memory.max", "1073741824\n");

        var found = MemoryLimits.FindCgroupLimit("4:memory:/app\n0::/app\n", OtherMounts + FakeCgroupTree.V2Mount(v2));

        Assert.Equal((CgroupVersion.V2, Path.Combine(v2, "app"), (long?)GiB), found);
    }

    [Fact]
    public void FindCgroupLimit_V2_AnAncestorWithATighterLimitWins()
    {
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("unified");
        tree.Write("unified/a", "memory.max", "1073741824\n");
        tree.Write("unified/a/b", "memory.max", "4294967296\n");
        tree.Write("unified/a/b/c", "memory.max", "max\n");

        var found = MemoryLimits.FindCgroupLimit("0::/a/b/c\n", FakeCgroupTree.V2Mount(mount));

        Assert.Equal((CgroupVersion.V2, Path.Combine(mount, "a", "b", "c"), (long?)GiB), found);
    }

    [Fact]
    public void FindCgroupLimit_V1_AnAncestorWithATighterLimitWins_AndATighterLeafToo()
    {
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("memory");
        tree.Write("memory", "memory.limit_in_bytes", V1Unlimited);
        tree.Write("memory/parent", "memory.limit_in_bytes", "2147483648\n");
        tree.Write("memory/parent/loose", "memory.limit_in_bytes", "3221225472\n");
        tree.Write("memory/parent/tight", "memory.limit_in_bytes", "536870912\n");
        var mountInfo = FakeCgroupTree.V1MemoryMount(mount);

        var loose = MemoryLimits.FindCgroupLimit("4:memory:/parent/loose\n", mountInfo);
        var tight = MemoryLimits.FindCgroupLimit("4:memory:/parent/tight\n", mountInfo);

        Assert.Equal((long?)(2 * GiB), loose.LimitBytes);
        Assert.Equal((long?)(512 * MiB), tight.LimitBytes);
    }

    [Fact]
    public void FindCgroupLimit_V2_WhenEveryLevelIsMax_HasNoLimit()
    {
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("unified");
        tree.Write("unified/a", "memory.max", "max\n");
        tree.Write("unified/a/b", "memory.max", "max\n");

        var found = MemoryLimits.FindCgroupLimit("0::/a/b\n", FakeCgroupTree.V2Mount(mount));

        Assert.Equal((CgroupVersion.V2, Path.Combine(mount, "a", "b"), (long?)null), found);
    }

    [Fact]
    public void FindCgroupLimit_V1_WhenEveryLevelIsUnlimited_HasNoLimit()
    {
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("memory");
        tree.Write("memory", "memory.limit_in_bytes", V1Unlimited);
        tree.Write("memory/svc", "memory.limit_in_bytes", V1Unlimited);

        var found = MemoryLimits.FindCgroupLimit("4:memory:/svc\n", FakeCgroupTree.V1MemoryMount(mount));

        Assert.Equal((CgroupVersion.V1, Path.Combine(mount, "svc"), (long?)null), found);
    }

    [Fact]
    public void FindCgroupLimit_V1InAContainer_MountRootIsTheProcessCgroup()
    {
        // Docker without a cgroup namespace: /proc/self/cgroup shows the host path, and the container
        // sees that cgroup itself mounted at the mount point (mountinfo's root field is that path).
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("memory");
        tree.Write("memory", "memory.limit_in_bytes", "536870912\n");

        var found = MemoryLimits.FindCgroupLimit(
            "4:memory:/docker/0123abcd\n", FakeCgroupTree.V1MemoryMount(mount, root: "/docker/0123abcd"));

        Assert.Equal((CgroupVersion.V1, mount, (long?)(512 * MiB)), found);
    }

    [Fact]
    public void FindCgroupLimit_V2InAContainer_ResolvesThePathBelowTheMountRoot()
    {
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("cgroup");
        tree.Write("cgroup", "memory.max", "1073741824\n");
        tree.Write("cgroup/ctr", "memory.max", "268435456\n");

        var found = MemoryLimits.FindCgroupLimit(
            "0::/kubepods/pod1/ctr\n", FakeCgroupTree.V2Mount(mount, root: "/kubepods/pod1"));

        Assert.Equal((CgroupVersion.V2, Path.Combine(mount, "ctr"), (long?)(256 * MiB)), found);
    }

    [Fact]
    public void FindCgroupLimit_WhenTheMountRootIsOnlyANamePrefix_DoesNotStripIt()
    {
        // The mounted cgroup is /kubepods/pod1; the process is in /kubepods/pod10/ctr, a sibling whose
        // name merely starts with "pod1". Stripping "/kubepods/pod1" would give "0/ctr", a wrong path.
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("cgroup");
        tree.Write("cgroup", "memory.max", "1073741824\n");
        tree.Write("cgroup/0/ctr", "memory.max", "268435456\n");

        var found = MemoryLimits.FindCgroupLimit(
            "0::/kubepods/pod10/ctr\n", FakeCgroupTree.V2Mount(mount, root: "/kubepods/pod1"));

        Assert.Equal((CgroupVersion.V2, mount, (long?)(1024 * MiB)), found);
    }

    [Fact]
    public void FindCgroupLimit_WhenNoLimitFileExists_HasNoLimit()
    {
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("unified");
        var leaf = tree.MakeDirectory("unified/a/b");

        var found = MemoryLimits.FindCgroupLimit("0::/a/b\n", FakeCgroupTree.V2Mount(mount));

        Assert.Equal((CgroupVersion.V2, leaf, (long?)null), found);
    }

    [Fact]
    public void FindCgroupLimit_WhenTheCgroupDirectoryIsMissing_ReadsTheMountPoint()
    {
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("memory");
        tree.Write("memory", "memory.limit_in_bytes", "1073741824\n");

        var found = MemoryLimits.FindCgroupLimit("4:memory:/not/here\n", FakeCgroupTree.V1MemoryMount(mount));

        Assert.Equal((CgroupVersion.V1, mount, (long?)GiB), found);
    }

    [Fact]
    public void FindCgroupLimit_NeverReadsAboveTheMountPoint()
    {
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("unified");
        tree.Write(".", "memory.max", "4096\n"); // outside the hierarchy: must be ignored
        tree.Write("unified/app", "memory.max", "max\n");

        var found = MemoryLimits.FindCgroupLimit("0::/app\n", FakeCgroupTree.V2Mount(mount));

        Assert.Null(found.LimitBytes);
    }

    [Fact]
    public void FindCgroupLimit_MemoryAmongSeveralControllersAndAnEscapedMountPoint_IsFound()
    {
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("cgroup fs/cpu,memory");
        tree.Write("cgroup fs/cpu,memory/job", "memory.limit_in_bytes", "805306368\n");
        var mountInfo = $"33 31 0:30 / {mount.Replace(" ", "\\040", StringComparison.Ordinal)} rw,relatime - cgroup cgroup rw,cpu,memory\n";

        var found = MemoryLimits.FindCgroupLimit("7:cpu,memory:/job\n", mountInfo);

        Assert.Equal((CgroupVersion.V1, Path.Combine(mount, "job"), (long?)805_306_368L), found);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("4:memory:/app\n", "")] // listed, not mounted
    [InlineData("", "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n")] // mounted, not listed
    [InlineData("garbage\n::\n", "not a mountinfo line\n1 2 3 - \n")]
    public void FindCgroupLimit_WithoutAMemoryCgroup_FindsNone(string cgroup, string mountInfo)
    {
        var found = MemoryLimits.FindCgroupLimit(cgroup, mountInfo);

        Assert.Equal((CgroupVersion.None, (string?)null, (long?)null), found);
    }

    [Fact]
    public void DetectFromProcRoot_WhenTheCgroupIsTighter_EffectiveIsTheCgroupLimit()
    {
        SkipUnlessLinux();
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("memory");
        tree.Write("memory/app", "memory.limit_in_bytes", "3221225472\n");
        var proc = WriteProc(tree, "MemTotal:        8388608 kB\n", "4:memory:/app\n", FakeCgroupTree.V1MemoryMount(mount));

        var limits = MemoryLimits.Detect(proc);

        Assert.Equal((8 * GiB, (long?)(3 * GiB), CgroupVersion.V1, Path.Combine(mount, "app"), 3 * GiB),
            (limits.PhysicalBytes, limits.CgroupLimitBytes, limits.CgroupVersion, limits.CgroupDirectory, limits.EffectiveLimitBytes));
        Assert.True(limits.GcTotalAvailableBytes > 0, $"GC reports {limits.GcTotalAvailableBytes} bytes available");
    }

    [Fact]
    public void DetectFromProcRoot_WhenTheCgroupIsLooserThanRam_EffectiveIsPhysical()
    {
        SkipUnlessLinux();
        using var tree = new FakeCgroupTree();
        var mount = tree.MakeDirectory("unified");
        tree.Write("unified/app", "memory.max", "17179869184\n");
        var proc = WriteProc(tree, "MemTotal:        8388608 kB\n", "0::/app\n", FakeCgroupTree.V2Mount(mount));

        var limits = MemoryLimits.Detect(proc);

        Assert.Equal((8 * GiB, (long?)(16 * GiB), CgroupVersion.V2, 8 * GiB),
            (limits.PhysicalBytes, limits.CgroupLimitBytes, limits.CgroupVersion, limits.EffectiveLimitBytes));
    }

    [Fact]
    public void DetectFromProcRoot_WhenCgroupFilesAreMissing_EffectiveIsPhysical()
    {
        SkipUnlessLinux();
        using var tree = new FakeCgroupTree();
        tree.Write("proc", "meminfo", "MemTotal:        4194304 kB\n");

        var limits = MemoryLimits.Detect(Path.Combine(tree.Root, "proc"));

        Assert.Equal((4 * GiB, (long?)null, CgroupVersion.None, (string?)null, 4 * GiB),
            (limits.PhysicalBytes, limits.CgroupLimitBytes, limits.CgroupVersion, limits.CgroupDirectory, limits.EffectiveLimitBytes));
    }

    [Fact]
    public void DetectFromProcRoot_WithoutMeminfo_UsesTheGcsView()
    {
        using var tree = new FakeCgroupTree();

        var limits = MemoryLimits.Detect(Path.Combine(tree.Root, "no-proc-here"));

        Assert.Equal(limits.GcTotalAvailableBytes, limits.PhysicalBytes);
        Assert.Equal(limits.GcTotalAvailableBytes, limits.EffectiveLimitBytes);
        Assert.Equal(CgroupVersion.None, limits.CgroupVersion);
        Assert.True(limits.GcAgrees, $"GcAgrees is false for {limits}");
    }

    [Fact]
    public void Detect_OnThisMachine_EffectiveIsTheSmallerOfPhysicalAndTheCgroupLimit()
    {
        var limits = MemoryLimits.Detect();

        Assert.True(limits.PhysicalBytes > 0, $"physical {limits.PhysicalBytes}");
        Assert.True(limits.EffectiveLimitBytes <= limits.PhysicalBytes, $"effective {limits.EffectiveLimitBytes} > physical {limits.PhysicalBytes}");
        Assert.Equal(Math.Min(limits.PhysicalBytes, limits.CgroupLimitBytes ?? long.MaxValue), limits.EffectiveLimitBytes);
        if (limits.CgroupDirectory is { } directory)
        {
            Assert.True(Directory.Exists(directory), $"cgroup directory {directory} does not exist");
            Assert.NotEqual(CgroupVersion.None, limits.CgroupVersion);
        }
        else
        {
            Assert.Equal((CgroupVersion.None, (long?)null), (limits.CgroupVersion, limits.CgroupLimitBytes));
        }
    }

    [Fact]
    public void ToString_ShowsTheThreeLimitsForPeople()
    {
        var limits = new MemoryLimits(24 * GiB, 3 * GiB, CgroupVersion.V1, "/sys/fs/cgroup/memory", 3 * GiB, 3 * GiB);

        Assert.Equal("physical 24 GiB, cgroup 3 GiB, effective 3 GiB", limits.ToString());
    }

    private static string WriteProc(FakeCgroupTree tree, string meminfo, string cgroup, string mountInfo)
    {
        tree.Write("proc", "meminfo", meminfo);
        tree.Write("proc/self", "cgroup", cgroup);
        tree.Write("proc/self", "mountinfo", mountInfo);
        return Path.Combine(tree.Root, "proc");
    }

    private static void SkipUnlessLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Skip("MemoryLimits reads /proc only on Linux");
        }
    }
}
