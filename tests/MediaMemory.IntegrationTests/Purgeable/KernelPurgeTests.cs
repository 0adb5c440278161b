using System.Globalization;
using System.Text.Json;
using MediaMemory.IntegrationTests.Infrastructure;

namespace MediaMemory.IntegrationTests.Purgeable;

/// <summary>
/// The kernel purges volatile buffers for real: a helper process moves itself into a child memory cgroup limited to
/// 450 MiB, makes 300 MiB of purgeable buffers (30 × 10 MiB) volatile, then allocates and touches 250 MiB more, so the
/// kernel must reclaim. Every buffer is then made non-volatile: some come back Empty (the kernel took pages), every
/// other one must hash exactly as before, and the registry must rebuild the Empty ones exactly.
/// </summary>
[Trait("Category", "Integration")]
public sealed class KernelPurgeTests
{
    private const long LimitBytes = 450L << 20;
    private const int VolatileMebibytes = 300;
    private const int BufferMebibytes = 10;
    private const int AllocateMebibytes = 250;

    [Fact]
    public void UnderARealCgroupLimit_TheKernelEmptiesSomeVolatileBuffers_AndEveryOtherOneKeepsItsExactContents()
    {
        using var sandbox = CgroupSandbox.TryCreate(LimitBytes, out var whyNot);
        if (sandbox is null)
        {
            Assert.Skip(whyNot);
        }

        var r = RunHelper(sandbox.Directory, AllocateMebibytes).RootElement;
        int Int(string name) => r.GetProperty(name).GetInt32();

        Assert.True(r.GetProperty("kernel_purges").GetBoolean(), $"this kernel has no MADV_FREE: {r.GetRawText()}");
        Assert.Equal(VolatileMebibytes, Int("volatile_in_budget_mib"));
        Assert.True(Int("empty") > 0, $"the kernel took no volatile buffer although {VolatileMebibytes} + {AllocateMebibytes} MiB exceed the {LimitBytes >> 20} MiB limit: {r.GetRawText()}");
        Assert.True(r.GetProperty("kernel_took_mib").GetDouble() > 0, r.GetRawText());
        Assert.Equal(Int("buffers"), Int("empty") + Int("intact"));
        Assert.Equal(0, Int("intact_hash_mismatching"));
        Assert.Equal(Int("intact"), Int("intact_hash_matching"));
        Assert.Equal(Int("empty"), Int("restored"));
        Assert.Equal(Int("empty"), Int("restored_hash_matching"));
    }

    [Fact]
    public void WithoutPressure_MarkingVolatileAndReadingBackAtOnce_FindsNothingPurged()
    {
        using var sandbox = CgroupSandbox.TryCreate(LimitBytes, out var whyNot);
        if (sandbox is null)
        {
            Assert.Skip(whyNot);
        }

        var r = RunHelper(sandbox.Directory, allocateMebibytes: 0).RootElement;

        Assert.Equal((0, 30, 30, 0.0), (r.GetProperty("empty").GetInt32(), r.GetProperty("intact").GetInt32(),
            r.GetProperty("intact_hash_matching").GetInt32(), r.GetProperty("kernel_took_mib").GetDouble()));
    }

    private static JsonDocument RunHelper(string cgroup, int allocateMebibytes)
    {
        var result = HelperProcess.Run("MediaMemory.PurgeableHelper.dll", TimeSpan.FromMinutes(3),
            [cgroup, .. new[] { VolatileMebibytes, BufferMebibytes, allocateMebibytes }.Select(v => v.ToString(CultureInfo.InvariantCulture))]);

        // 137 is the OOM killer: the protocol must never make the process use more than its buffers and allocation.
        Assert.True(result.ExitCode == 0, $"helper exit {result.ExitCode} (137 = OOM-killed): {result.Error}\n{result.Output}");
        TestContext.Current.TestOutputHelper?.WriteLine($"helper output: {result.Output.Trim()}");
        return JsonDocument.Parse(result.Output.Trim());
    }
}
