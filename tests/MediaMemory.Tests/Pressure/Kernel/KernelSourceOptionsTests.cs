using MediaMemory.Platform;
using MediaMemory.Pressure;

namespace MediaMemory.Tests.Pressure.Kernel;

public sealed class KernelSourceOptionsTests
{
    [Fact]
    public void PsiDefaults_Are100MillisecondsPer2Seconds_AndValid()
    {
        var options = new LinuxPsiSourceOptions();

        options.Validate(anyWindowAllowed: false);

        Assert.Equal("some 100000 2000000\n", options.WarningTrigger.Text);
        Assert.Equal("full 100000 2000000\n", options.CriticalTrigger.Text);
    }

    [Fact]
    public void PsiWindowNotAMultipleOf2Seconds_IsRefusedWithoutCapSysResource_AndAcceptedWithIt()
    {
        var options = new LinuxPsiSourceOptions { WarningWindow = TimeSpan.FromSeconds(1) };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.Validate(anyWindowAllowed: false));
        Assert.Equal(nameof(LinuxPsiSourceOptions.WarningWindow), error.ParamName);
        Assert.Contains("multiples of 2 s", error.Message, StringComparison.Ordinal);

        options.Validate(anyWindowAllowed: true);
    }

    [Theory]
    [InlineData(100, 400, true, nameof(LinuxPsiSourceOptions.CriticalWindow))]        // below 500 ms
    [InlineData(100, 12_000, true, nameof(LinuxPsiSourceOptions.CriticalWindow))]     // above 10 s
    [InlineData(0, 2_000, false, nameof(LinuxPsiSourceOptions.CriticalStall))]        // no stall
    [InlineData(2_000, 2_000, false, nameof(LinuxPsiSourceOptions.CriticalStall))]    // stall = window
    [InlineData(3_000, 2_000, false, nameof(LinuxPsiSourceOptions.CriticalStall))]    // stall > window
    public void PsiInvalidCriticalTrigger_IsRefusedNamingTheProperty(int stallMilliseconds, int windowMilliseconds, bool anyWindow, string property)
    {
        var options = new LinuxPsiSourceOptions
        {
            CriticalStall = TimeSpan.FromMilliseconds(stallMilliseconds),
            CriticalWindow = TimeSpan.FromMilliseconds(windowMilliseconds),
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.Validate(anyWindow));

        Assert.Equal(property, error.ParamName);
    }

    [Fact]
    public void PsiSource_ValidatesAtConstruction()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new LinuxPsiSource(new LinuxPsiSourceOptions { WarningStall = TimeSpan.FromSeconds(5) }));

        Assert.Equal(nameof(LinuxPsiSourceOptions.WarningStall), error.ParamName);
    }

    [Fact]
    public void CgroupDefaults_AreValid()
    {
        var options = new CgroupMemorySourceOptions();

        options.Validate();

        Assert.Equal(TimeSpan.FromMilliseconds(100), options.UsageInterval);
        Assert.Equal((80.0, 92.0), (options.WarningUsagePercent, options.CriticalUsagePercent));
        Assert.Equal(TimeSpan.FromSeconds(1), options.EventHold);
    }

    public static TheoryData<CgroupMemorySourceOptions, string> InvalidCgroupOptions => new()
    {
        { new() { CgroupDirectory = "/tmp/x" }, nameof(CgroupMemorySourceOptions.Version) },
        { new() { Version = CgroupVersion.V1 }, nameof(CgroupMemorySourceOptions.Version) },
        { new() { UsageInterval = TimeSpan.Zero }, nameof(CgroupMemorySourceOptions.UsageInterval) },
        { new() { WarningUsagePercent = 95 }, nameof(CgroupMemorySourceOptions.WarningUsagePercent) },
        { new() { WarningUsagePercent = 0 }, nameof(CgroupMemorySourceOptions.WarningUsagePercent) },
        { new() { WarningUsagePercent = double.NaN }, nameof(CgroupMemorySourceOptions.WarningUsagePercent) },
        { new() { CriticalUsagePercent = 101 }, nameof(CgroupMemorySourceOptions.CriticalUsagePercent) },
        { new() { EventHold = TimeSpan.FromSeconds(-1) }, nameof(CgroupMemorySourceOptions.EventHold) },
        { new() { EventHold = TimeSpan.Zero }, nameof(CgroupMemorySourceOptions.EventHold) }, // every event would be invisible
        { new() { V1Mode = (CgroupPressureMode)7 }, nameof(CgroupMemorySourceOptions.V1Mode) },
        { new() { UseEvents = false, UseUsage = false }, nameof(CgroupMemorySourceOptions.UseUsage) },
    };

    [Theory]
    [MemberData(nameof(InvalidCgroupOptions))]
    public void CgroupInvalidOptions_AreRefusedAtConstructionNamingTheProperty(CgroupMemorySourceOptions options, string property)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CgroupMemorySource(options));

        Assert.Equal(property, error.ParamName);
    }
}
