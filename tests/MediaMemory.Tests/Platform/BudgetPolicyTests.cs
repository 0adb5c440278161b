using System.Reflection;
using CsCheck;
using MediaMemory.Platform;
using MediaMemory.Pressure;

namespace MediaMemory.Tests.Platform;

public sealed class BudgetPolicyTests
{
    private const long GiB = 1L << 30;

    /// <summary>Larger than every preset's RAM, so the device's RAM is what binds.</summary>
    private const long Unconstrained = 64 * GiB;

    /// <summary>A machine of 24 GiB, as the project's test machines are; its cap is 40 %: 10307921510 bytes.</summary>
    private static readonly MemoryLimits TwentyFourGiBMachine =
        new(24 * GiB, null, CgroupVersion.None, null, 24 * GiB, 24 * GiB);

    // Expected values are worked out by hand (with a calculator, not with BudgetPolicy) from its rule:
    //   M = min(effective, RAM, 2·cap); Normal M/2, Warning M/3, Critical M/4 (so never above the cap
    //   at Normal, 2/3 of it at Warning, 1/2 at Critical); thermal Critical counts as the Critical level;
    //   then Fair: x − floor(x/10); Serious and Critical: x − floor(3x/10).
    // Caps: phone-3gb 25 % = 805306368; phone-4gb 30 % = 1288490188; phone-6gb 40 % = 2576980377;
    //       phone-8gb 3435973836; tablet-16gb 6871947673; desktop-32gb 13743895347.
    [Theory]
    // phone-3gb: RAM 3221225472, 2·cap 1610612736, so M = 1610612736: Normal 805306368, Warning 536870912, Critical 402653184.
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 805_306_368L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 536_870_912L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 402_653_184L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Normal, ThermalState.Fair, 724_775_732L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Warning, ThermalState.Fair, 483_183_821L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Critical, ThermalState.Fair, 362_387_866L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Normal, ThermalState.Serious, 563_714_458L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Warning, ThermalState.Serious, 375_809_639L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Critical, ThermalState.Serious, 281_857_229L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Normal, ThermalState.Critical, 281_857_229L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Warning, ThermalState.Critical, 281_857_229L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Critical, ThermalState.Critical, 281_857_229L)]
    // phone-4gb: RAM 4294967296, 2·cap 2576980376, so M = 2576980376: Normal 1288490188, Warning 858993458, Critical 644245094.
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 1_288_490_188L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 858_993_458L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 644_245_094L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Normal, ThermalState.Fair, 1_159_641_170L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Warning, ThermalState.Fair, 773_094_113L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Critical, ThermalState.Fair, 579_820_585L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Normal, ThermalState.Serious, 901_943_132L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Warning, ThermalState.Serious, 601_295_421L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Critical, ThermalState.Serious, 450_971_566L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Normal, ThermalState.Critical, 450_971_566L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Warning, ThermalState.Critical, 450_971_566L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Critical, ThermalState.Critical, 450_971_566L)]
    // phone-6gb: RAM 6442450944, 2·cap 5153960754, so M = 5153960754: Normal 2576980377, Warning 1717986918, Critical 1288490188.
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 2_576_980_377L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 1_717_986_918L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 1_288_490_188L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Normal, ThermalState.Fair, 2_319_282_340L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Warning, ThermalState.Fair, 1_546_188_227L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Critical, ThermalState.Fair, 1_159_641_170L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Normal, ThermalState.Serious, 1_803_886_264L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Warning, ThermalState.Serious, 1_202_590_843L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Critical, ThermalState.Serious, 901_943_132L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Normal, ThermalState.Critical, 901_943_132L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Warning, ThermalState.Critical, 901_943_132L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Critical, ThermalState.Critical, 901_943_132L)]
    // phone-8gb: RAM 8589934592, 2·cap 6871947672, so M = 6871947672: Normal 3435973836, Warning 2290649224, Critical 1717986918.
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 3_435_973_836L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 2_290_649_224L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 1_717_986_918L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Normal, ThermalState.Fair, 3_092_376_453L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Warning, ThermalState.Fair, 2_061_584_302L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Critical, ThermalState.Fair, 1_546_188_227L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Normal, ThermalState.Serious, 2_405_181_686L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Warning, ThermalState.Serious, 1_603_454_457L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Critical, ThermalState.Serious, 1_202_590_843L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Normal, ThermalState.Critical, 1_202_590_843L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Warning, ThermalState.Critical, 1_202_590_843L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Critical, ThermalState.Critical, 1_202_590_843L)]
    // tablet-16gb: RAM 17179869184, 2·cap 13743895346, so M = 13743895346: Normal 6871947673, Warning 4581298448, Critical 3435973836.
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 6_871_947_673L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 4_581_298_448L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 3_435_973_836L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Normal, ThermalState.Fair, 6_184_752_906L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Warning, ThermalState.Fair, 4_123_168_604L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Critical, ThermalState.Fair, 3_092_376_453L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Normal, ThermalState.Serious, 4_810_363_372L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Warning, ThermalState.Serious, 3_206_908_914L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Critical, ThermalState.Serious, 2_405_181_686L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Normal, ThermalState.Critical, 2_405_181_686L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Warning, ThermalState.Critical, 2_405_181_686L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Critical, ThermalState.Critical, 2_405_181_686L)]
    // desktop-32gb: RAM 34359738368, 2·cap 27487790694, so M = 27487790694: Normal 13743895347, Warning 9162596898, Critical 6871947673.
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 13_743_895_347L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 9_162_596_898L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 6_871_947_673L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Normal, ThermalState.Fair, 12_369_505_813L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Warning, ThermalState.Fair, 8_246_337_209L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Critical, ThermalState.Fair, 6_184_752_906L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Normal, ThermalState.Serious, 9_620_726_743L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Warning, ThermalState.Serious, 6_413_817_829L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Critical, ThermalState.Serious, 4_810_363_372L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Normal, ThermalState.Critical, 4_810_363_372L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Warning, ThermalState.Critical, 4_810_363_372L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Critical, ThermalState.Critical, 4_810_363_372L)]
    // A 3 GiB cgroup on the 24 GiB machine: the cgroup binds (halves 1610612736, thirds 1073741824, quarters
    // 805306368, all far under the 10307921510 cap); thermal Critical is 805306368 − 241591910.
    [InlineData("this-machine", 3 * GiB, PressureLevel.Normal, ThermalState.Nominal, 1_610_612_736L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Warning, ThermalState.Nominal, 1_073_741_824L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Critical, ThermalState.Nominal, 805_306_368L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Normal, ThermalState.Fair, 1_449_551_463L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Warning, ThermalState.Fair, 966_367_642L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Critical, ThermalState.Fair, 724_775_732L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Normal, ThermalState.Serious, 1_127_428_916L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Warning, ThermalState.Serious, 751_619_277L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Critical, ThermalState.Serious, 563_714_458L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Normal, ThermalState.Critical, 563_714_458L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Warning, ThermalState.Critical, 563_714_458L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Critical, ThermalState.Critical, 563_714_458L)]
    // The 24 GiB machine unconstrained: M = 2·cap = 20615843020; Normal is the cap, 10307921510.
    [InlineData("this-machine", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 10_307_921_510L)]
    [InlineData("this-machine", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 6_871_947_673L)]
    [InlineData("this-machine", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 5_153_960_755L)]
    // An 8 GiB cgroup on desktop-32gb: M = 8589934592: 4294967296 / 2863311530 / 2147483648, none capped.
    [InlineData("desktop-32gb", 8 * GiB, PressureLevel.Normal, ThermalState.Nominal, 4_294_967_296L)]
    [InlineData("desktop-32gb", 8 * GiB, PressureLevel.Warning, ThermalState.Nominal, 2_863_311_530L)]
    [InlineData("desktop-32gb", 8 * GiB, PressureLevel.Critical, ThermalState.Nominal, 2_147_483_648L)]
    // A 2 GiB cgroup on phone-4gb: M = 2147483648 (under 2·cap 2576980376): 1073741824 / 715827882 / 536870912.
    [InlineData("phone-4gb", 2 * GiB, PressureLevel.Normal, ThermalState.Nominal, 1_073_741_824L)]
    [InlineData("phone-4gb", 2 * GiB, PressureLevel.Warning, ThermalState.Nominal, 715_827_882L)]
    [InlineData("phone-4gb", 2 * GiB, PressureLevel.Critical, ThermalState.Nominal, 536_870_912L)]
    // Tiny limits round down to whole bytes: 7 / 2, 7 / 3, 7 / 4; then 3 − 0 (Fair), 3 − 0 (Serious: 9 / 10 = 0).
    [InlineData("phone-3gb", 7L, PressureLevel.Normal, ThermalState.Nominal, 3L)]
    [InlineData("phone-3gb", 7L, PressureLevel.Warning, ThermalState.Nominal, 2L)]
    [InlineData("phone-3gb", 7L, PressureLevel.Critical, ThermalState.Nominal, 1L)]
    [InlineData("phone-3gb", 7L, PressureLevel.Normal, ThermalState.Fair, 3L)]
    [InlineData("phone-3gb", 7L, PressureLevel.Normal, ThermalState.Serious, 3L)]
    [InlineData("phone-3gb", 1L, PressureLevel.Normal, ThermalState.Nominal, 0L)]
    public void BudgetBytes_PinsEveryDeviceLevelAndThermalState(
        string deviceName, long effectiveLimitBytes, PressureLevel level, ThermalState thermal, long expectedBytes)
    {
        var device = DeviceProfile.Find(deviceName, TwentyFourGiBMachine);

        var budget = BudgetPolicy.BudgetBytes(effectiveLimitBytes, device, level, thermal);

        Assert.Equal(expectedBytes, budget);
    }

    [Fact]
    public void BudgetBytes_PinnedTable_CoversEveryPresetLevelAndThermalStateUnconstrained()
    {
        var rows = typeof(BudgetPolicyTests).GetMethod(nameof(BudgetBytes_PinsEveryDeviceLevelAndThermalState))!
            .GetCustomAttributes<InlineDataAttribute>()
            .Select(row => row.Data)
            .Where(data => (long)data[1]! == Unconstrained)
            .Select(data => ((string)data[0]!, (PressureLevel)data[2]!, (ThermalState)data[3]!))
            .ToHashSet();

        var missing =
            from device in DeviceProfile.Presets
            from level in Enum.GetValues<PressureLevel>()
            from thermal in Enum.GetValues<ThermalState>()
            where !rows.Contains((device.Name, level, thermal))
            select $"{device.Name}/{level}/{thermal}";

        Assert.Empty(missing);
    }

    [Fact]
    public void BudgetBytes_WhenNoThermalStateIsGiven_IsNominal()
    {
        var device = DeviceProfile.Find("phone-8gb", TwentyFourGiBMachine);

        Assert.Equal(3_435_973_836L, BudgetPolicy.BudgetBytes(Unconstrained, device, PressureLevel.Normal));
    }

    [Fact]
    public void BudgetsByLevel_GivesTheThreeLevelsAtOneThermalState()
    {
        var device = DeviceProfile.Find("phone-6gb", TwentyFourGiBMachine);

        // M = 2·cap = 5153960754: halves, thirds, quarters; Serious takes 30 % off each.
        Assert.Equal((2_576_980_377L, 1_717_986_918L, 1_288_490_188L), BudgetPolicy.BudgetsByLevel(Unconstrained, device));
        Assert.Equal((1_803_886_264L, 1_202_590_843L, 901_943_132L), BudgetPolicy.BudgetsByLevel(Unconstrained, device, ThermalState.Serious));
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void BudgetBytes_WhenTheEffectiveLimitIsNegative_ThrowsNamingIt(long effectiveLimitBytes)
    {
        var device = DeviceProfile.Find("phone-4gb", TwentyFourGiBMachine);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BudgetPolicy.BudgetBytes(effectiveLimitBytes, device, PressureLevel.Normal));

        Assert.Equal("effectiveLimitBytes", error.ParamName);
    }

    [Fact]
    public void BudgetBytes_WhenTheEffectiveLimitIsZero_IsZero()
    {
        // A cgroup limit of 0 is real (nothing may be charged); the budget is then empty, not an error.
        var device = DeviceProfile.Find("phone-4gb", TwentyFourGiBMachine);

        Assert.Equal(0, BudgetPolicy.BudgetBytes(0, device, PressureLevel.Normal));
    }

    [Fact]
    public void BudgetBytes_WhenArgumentsAreInvalid_ThrowsNamingThem()
    {
        var device = DeviceProfile.Find("phone-4gb", TwentyFourGiBMachine);

        Assert.Equal("device", Assert.Throws<ArgumentNullException>(() => BudgetPolicy.BudgetBytes(GiB, null!, PressureLevel.Normal)).ParamName);
        Assert.Equal("level", Assert.Throws<ArgumentOutOfRangeException>(() => BudgetPolicy.BudgetBytes(GiB, device, (PressureLevel)3)).ParamName);
        Assert.Equal("thermal", Assert.Throws<ArgumentOutOfRangeException>(() => BudgetPolicy.BudgetBytes(GiB, device, PressureLevel.Normal, (ThermalState)4)).ParamName);
    }

    [Fact]
    public void BudgetBytes_NeverExceedsTheCapOrTheLimit_AndShrinksAsPressureRises()
    {
        var gen = Gen.Select(Gen.Long[1, 1L << 42], Gen.Int[0, DeviceProfile.Presets.Count - 1], Gen.Enum<ThermalState>());
        gen.Sample((effectiveLimitBytes, deviceIndex, thermal) =>
        {
            var device = DeviceProfile.Presets[deviceIndex];
            var (normal, warning, critical) = BudgetPolicy.BudgetsByLevel(effectiveLimitBytes, device, thermal);
            var context = $"{device.Name}, limit {effectiveLimitBytes}, {thermal}: {normal} / {warning} / {critical}";
            Assert.True(normal <= device.RecommendedCapBytes && normal <= effectiveLimitBytes / 2, $"{context}: Normal above the cap or half the limit");
            Assert.True(critical >= 0, $"{context}: negative");
            Assert.True(normal >= warning && warning >= critical, $"{context}: not shrinking with pressure");
            if (normal >= 100 && thermal != ThermalState.Critical)
            {
                // Pressure always takes something away, also where the cap binds (a small phone);
                // thermal Critical is the Critical level whatever the pressure.
                Assert.True(normal > warning && warning > critical, $"{context}: a level did not shrink the budget");
            }

            // Heat never grows the budget, at any level, through thermal Critical.
            foreach (var level in Enum.GetValues<PressureLevel>())
            {
                var byThermal = Enum.GetValues<ThermalState>()
                    .Select(t => BudgetPolicy.BudgetBytes(effectiveLimitBytes, device, level, t)).ToArray();
                Assert.True(byThermal.Zip(byThermal.Skip(1)).All(pair => pair.First >= pair.Second),
                    $"{context}: {level} by heat {string.Join(" / ", byThermal)}");
            }
        }, iter: 5_000, threads: 1);
    }
}
