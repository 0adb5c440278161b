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

    // Expected values are worked out by hand from the rule in BudgetPolicy's remarks:
    //   limit = min(effective, RAM); share = limit/2, /3, /4 (Normal, Warning, Critical);
    //   capped = min(share, cap); Fair: capped − floor(capped/10); Serious: capped − floor(3·capped/10);
    //   thermal Critical: the Critical level's value, no further reduction.
    // Caps: phone-3gb 25 % = 805306368; phone-4gb 30 % = 1288490188 (.8); phone-6gb 40 % = 2576980377 (.6);
    //       phone-8gb 3435973836 (.8); tablet-16gb 6871947673 (.6); desktop-32gb 13743895347 (.2).
    [Theory]
    // phone-3gb: RAM 3221225472. Halves 1610612736, thirds 1073741824, quarters 805306368 — all at or above the cap.
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 805_306_368L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 805_306_368L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 805_306_368L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Normal, ThermalState.Fair, 724_775_732L)] // − 80530636
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Warning, ThermalState.Fair, 724_775_732L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Critical, ThermalState.Fair, 724_775_732L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Normal, ThermalState.Serious, 563_714_458L)] // − 241591910
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Warning, ThermalState.Serious, 563_714_458L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Critical, ThermalState.Serious, 563_714_458L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Normal, ThermalState.Critical, 805_306_368L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Warning, ThermalState.Critical, 805_306_368L)]
    [InlineData("phone-3gb", Unconstrained, PressureLevel.Critical, ThermalState.Critical, 805_306_368L)]
    // phone-4gb: RAM 4294967296. Normal 2147483648 and Warning 1431655765 are capped; Critical 1073741824 is not.
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 1_288_490_188L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 1_288_490_188L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 1_073_741_824L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Normal, ThermalState.Fair, 1_159_641_170L)] // − 128849018
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Warning, ThermalState.Fair, 1_159_641_170L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Critical, ThermalState.Fair, 966_367_642L)] // − 107374182
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Normal, ThermalState.Serious, 901_943_132L)] // − 386547056
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Warning, ThermalState.Serious, 901_943_132L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Critical, ThermalState.Serious, 751_619_277L)] // − 322122547
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Normal, ThermalState.Critical, 1_073_741_824L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Warning, ThermalState.Critical, 1_073_741_824L)]
    [InlineData("phone-4gb", Unconstrained, PressureLevel.Critical, ThermalState.Critical, 1_073_741_824L)]
    // phone-6gb: RAM 6442450944. Normal 3221225472 is capped; Warning 2147483648 and Critical 1610612736 are not.
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 2_576_980_377L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 2_147_483_648L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 1_610_612_736L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Normal, ThermalState.Fair, 2_319_282_340L)] // − 257698037
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Warning, ThermalState.Fair, 1_932_735_284L)] // − 214748364
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Critical, ThermalState.Fair, 1_449_551_463L)] // − 161061273
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Normal, ThermalState.Serious, 1_803_886_264L)] // − 773094113
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Warning, ThermalState.Serious, 1_503_238_554L)] // − 644245094
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Critical, ThermalState.Serious, 1_127_428_916L)] // − 483183820
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Normal, ThermalState.Critical, 1_610_612_736L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Warning, ThermalState.Critical, 1_610_612_736L)]
    [InlineData("phone-6gb", Unconstrained, PressureLevel.Critical, ThermalState.Critical, 1_610_612_736L)]
    // phone-8gb: RAM 8589934592. Normal 4294967296 is capped; Warning 2863311530 (.67) and Critical 2147483648 are not.
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 3_435_973_836L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 2_863_311_530L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 2_147_483_648L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Normal, ThermalState.Fair, 3_092_376_453L)] // − 343597383
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Warning, ThermalState.Fair, 2_576_980_377L)] // − 286331153
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Critical, ThermalState.Fair, 1_932_735_284L)] // − 214748364
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Normal, ThermalState.Serious, 2_405_181_686L)] // − 1030792150
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Warning, ThermalState.Serious, 2_004_318_071L)] // − 858993459
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Critical, ThermalState.Serious, 1_503_238_554L)] // − 644245094
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Normal, ThermalState.Critical, 2_147_483_648L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Warning, ThermalState.Critical, 2_147_483_648L)]
    [InlineData("phone-8gb", Unconstrained, PressureLevel.Critical, ThermalState.Critical, 2_147_483_648L)]
    // tablet-16gb: RAM 17179869184. Normal 8589934592 is capped; Warning 5726623061 (.33) and Critical 4294967296 are not.
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 6_871_947_673L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 5_726_623_061L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 4_294_967_296L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Normal, ThermalState.Fair, 6_184_752_906L)] // − 687194767
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Warning, ThermalState.Fair, 5_153_960_755L)] // − 572662306
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Critical, ThermalState.Fair, 3_865_470_567L)] // − 429496729
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Normal, ThermalState.Serious, 4_810_363_372L)] // − 2061584301
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Warning, ThermalState.Serious, 4_008_636_143L)] // − 1717986918
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Critical, ThermalState.Serious, 3_006_477_108L)] // − 1288490188
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Normal, ThermalState.Critical, 4_294_967_296L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Warning, ThermalState.Critical, 4_294_967_296L)]
    [InlineData("tablet-16gb", Unconstrained, PressureLevel.Critical, ThermalState.Critical, 4_294_967_296L)]
    // desktop-32gb: RAM 34359738368. Normal 17179869184 is capped; Warning 11453246122 (.67) and Critical 8589934592 are not.
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 13_743_895_347L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 11_453_246_122L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 8_589_934_592L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Normal, ThermalState.Fair, 12_369_505_813L)] // − 1374389534
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Warning, ThermalState.Fair, 10_307_921_510L)] // − 1145324612
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Critical, ThermalState.Fair, 7_730_941_133L)] // − 858993459
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Normal, ThermalState.Serious, 9_620_726_743L)] // − 4123168604
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Warning, ThermalState.Serious, 8_017_272_286L)] // − 3435973836
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Critical, ThermalState.Serious, 6_012_954_215L)] // − 2576980377
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Normal, ThermalState.Critical, 8_589_934_592L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Warning, ThermalState.Critical, 8_589_934_592L)]
    [InlineData("desktop-32gb", Unconstrained, PressureLevel.Critical, ThermalState.Critical, 8_589_934_592L)]
    // A 3 GiB cgroup on the 24 GiB machine: the cgroup binds (halves 1610612736, thirds 1073741824, quarters
    // 805306368, all far under the 10307921510 cap).
    [InlineData("this-machine", 3 * GiB, PressureLevel.Normal, ThermalState.Nominal, 1_610_612_736L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Warning, ThermalState.Nominal, 1_073_741_824L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Critical, ThermalState.Nominal, 805_306_368L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Normal, ThermalState.Fair, 1_449_551_463L)] // − 161061273
    [InlineData("this-machine", 3 * GiB, PressureLevel.Warning, ThermalState.Fair, 966_367_642L)] // − 107374182
    [InlineData("this-machine", 3 * GiB, PressureLevel.Critical, ThermalState.Fair, 724_775_732L)] // − 80530636
    [InlineData("this-machine", 3 * GiB, PressureLevel.Normal, ThermalState.Serious, 1_127_428_916L)] // − 483183820
    [InlineData("this-machine", 3 * GiB, PressureLevel.Warning, ThermalState.Serious, 751_619_277L)] // − 322122547
    [InlineData("this-machine", 3 * GiB, PressureLevel.Critical, ThermalState.Serious, 563_714_458L)] // − 241591910
    [InlineData("this-machine", 3 * GiB, PressureLevel.Normal, ThermalState.Critical, 805_306_368L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Warning, ThermalState.Critical, 805_306_368L)]
    [InlineData("this-machine", 3 * GiB, PressureLevel.Critical, ThermalState.Critical, 805_306_368L)]
    // The 24 GiB machine unconstrained: RAM binds; Normal 12884901888 is capped at 10307921510.
    [InlineData("this-machine", Unconstrained, PressureLevel.Normal, ThermalState.Nominal, 10_307_921_510L)]
    [InlineData("this-machine", Unconstrained, PressureLevel.Warning, ThermalState.Nominal, 8_589_934_592L)]
    [InlineData("this-machine", Unconstrained, PressureLevel.Critical, ThermalState.Nominal, 6_442_450_944L)]
    // An 8 GiB cgroup on desktop-32gb: 4294967296 / 2863311530 / 2147483648, none capped.
    [InlineData("desktop-32gb", 8 * GiB, PressureLevel.Normal, ThermalState.Nominal, 4_294_967_296L)]
    [InlineData("desktop-32gb", 8 * GiB, PressureLevel.Warning, ThermalState.Nominal, 2_863_311_530L)]
    [InlineData("desktop-32gb", 8 * GiB, PressureLevel.Critical, ThermalState.Nominal, 2_147_483_648L)]
    // A 2 GiB cgroup on phone-4gb: 1073741824 / 715827882 / 536870912.
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

        Assert.Equal((2_576_980_377L, 2_147_483_648L, 1_610_612_736L), BudgetPolicy.BudgetsByLevel(Unconstrained, device));
        Assert.Equal((1_803_886_264L, 1_503_238_554L, 1_127_428_916L), BudgetPolicy.BudgetsByLevel(Unconstrained, device, ThermalState.Serious));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(long.MinValue)]
    public void BudgetBytes_WhenTheEffectiveLimitIsNotPositive_ThrowsNamingIt(long effectiveLimitBytes)
    {
        var device = DeviceProfile.Find("phone-4gb", TwentyFourGiBMachine);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BudgetPolicy.BudgetBytes(effectiveLimitBytes, device, PressureLevel.Normal));

        Assert.Equal("effectiveLimitBytes", error.ParamName);
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

            // Heat never grows the budget from Nominal through Serious.
            var byThermal = new[] { ThermalState.Nominal, ThermalState.Fair, ThermalState.Serious }
                .Select(t => BudgetPolicy.BudgetBytes(effectiveLimitBytes, device, PressureLevel.Warning, t)).ToArray();
            Assert.True(byThermal[0] >= byThermal[1] && byThermal[1] >= byThermal[2], $"{context}: Warning by heat {string.Join(" / ", byThermal)}");
        }, iter: 5_000, threads: 1);
    }
}
