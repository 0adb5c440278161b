using MediaMemory.Platform;
using MediaMemory.Pressure;

namespace MediaMemory.Tests.Pressure.Kernel;

/// <summary>The cgroup source against this process's real memory cgroup (cgroup v1 here; the tests run as root).</summary>
public sealed class CgroupMemorySourceKernelTests
{
    [Fact]
    public void Start_InThisProcesssCgroup_RegistersPressureLevelEvents()
    {
        var limits = MemoryLimits.Detect();
        var directory = limits.CgroupDirectory ?? string.Empty;
        if (limits.CgroupVersion != CgroupVersion.V1 || !File.Exists(Path.Combine(directory, "memory.pressure_level")))
        {
            Assert.Skip($"needs memory on cgroup v1 with memory.pressure_level; here {limits.CgroupVersion} at {limits.CgroupDirectory}");
        }

        using var source = new CgroupMemorySource();
        source.Start();

        Assert.Equal("cgroup-v1", source.Name);
        Assert.Equal(directory, source.CgroupDirectory);
        if (!source.Availability.Detail.Contains("pressure_level medium", StringComparison.Ordinal))
        {
            Assert.Skip($"the kernel refused the registration here: {source.Availability.Detail}");
        }

        Assert.True(source.Availability.IsAvailable, source.Availability.Detail);
        Assert.True(source.IsWaiting);
        Assert.True(CgroupMemorySource.Probe().IsAvailable, CgroupMemorySource.Probe().Detail);
    }

    [Fact]
    public void Probe_ForAMissingDirectory_SaysThereIsNoCgroup()
    {
        var availability = CgroupMemorySource.Probe(new CgroupMemorySourceOptions { CgroupDirectory = "/nonexistent/cgroup", Version = CgroupVersion.V1 });

        Assert.False(availability.IsAvailable);
        Assert.Equal("no memory cgroup at /nonexistent/cgroup", availability.Detail);
    }
}
