using MediaMemory.Platform;

namespace MediaMemory.Tests.Platform;

public sealed class DeviceProfileTests
{
    private const long GiB = 1L << 30;

    private static readonly MemoryLimits TwentyFourGiBMachine =
        new(24 * GiB, 3 * GiB, CgroupVersion.V1, "/sys/fs/cgroup/memory", 3 * GiB, 3 * GiB);

    [Theory]
    [InlineData("phone-3gb", 3_221_225_472L, 0.25, 805_306_368L)]
    [InlineData("phone-4gb", 4_294_967_296L, 0.30, 1_288_490_188L)] // 1288490188.8 rounded down
    [InlineData("phone-6gb", 6_442_450_944L, 0.40, 2_576_980_377L)] // .6
    [InlineData("phone-8gb", 8_589_934_592L, 0.40, 3_435_973_836L)] // .8
    [InlineData("tablet-16gb", 17_179_869_184L, 0.40, 6_871_947_673L)] // .6
    [InlineData("desktop-32gb", 34_359_738_368L, 0.40, 13_743_895_347L)] // .2
    [InlineData("this-machine", 25_769_803_776L, 0.40, 10_307_921_510L)] // the 24 GiB of the limits given; .4
    public void Find_ReturnsEveryNamedProfileWithItsRamAndCap(string name, long physicalBytes, double share, long capBytes)
    {
        var profile = DeviceProfile.Find(name, TwentyFourGiBMachine);

        Assert.Equal((name, physicalBytes), (profile.Name, profile.PhysicalBytes));
        Assert.Equal(share, profile.RecommendedShare);
        Assert.Equal(capBytes, profile.RecommendedCapBytes);
    }

    [Fact]
    public void Names_AreThePresetsThenThisMachine()
    {
        Assert.Equal(
            ["phone-3gb", "phone-4gb", "phone-6gb", "phone-8gb", "tablet-16gb", "desktop-32gb", "this-machine"],
            DeviceProfile.Names);
    }

    [Theory]
    [InlineData("PHONE-4GB", "phone-4gb")]
    [InlineData("Tablet-16GB", "tablet-16gb")]
    [InlineData("This-Machine", "this-machine")]
    public void Find_IgnoresCase(string name, string expectedName)
    {
        Assert.Equal(expectedName, DeviceProfile.Find(name, TwentyFourGiBMachine).Name);
    }

    [Fact]
    public void Find_ThisMachine_UsesThePhysicalMemoryNotTheCgroupLimit()
    {
        var limits = new MemoryLimits(12 * GiB, 2 * GiB, CgroupVersion.V2, "/sys/fs/cgroup", 2 * GiB, 2 * GiB);

        var profile = DeviceProfile.Find(DeviceProfile.ThisMachineName, limits);

        Assert.Equal(new DeviceProfile("this-machine", 12 * GiB), profile);
        Assert.Equal(profile, DeviceProfile.ThisMachine(limits));
    }

    [Theory]
    [InlineData("tablet-99gb")]
    [InlineData("")]
    [InlineData("phone")]
    public void Find_WhenTheNameIsUnknown_ThrowsListingEveryName(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => DeviceProfile.Find(name, TwentyFourGiBMachine));

        Assert.Equal("name", error.ParamName);
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
        foreach (var known in DeviceProfile.Names)
        {
            Assert.Contains(known, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TryFind_WhenTheNameIsUnknown_ReturnsFalseAndNull()
    {
        var found = DeviceProfile.TryFind("watch-1gb", TwentyFourGiBMachine, out var profile);

        Assert.False(found, $"found {profile}");
        Assert.Null(profile);
    }

    [Fact]
    public void Find_WhenArgumentsAreNull_ThrowsNamingThem()
    {
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => DeviceProfile.Find(null!, TwentyFourGiBMachine)).ParamName);
        Assert.Equal("limits", Assert.Throws<ArgumentNullException>(() => DeviceProfile.Find("this-machine", null!)).ParamName);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void Constructor_WhenRamIsNotPositive_ThrowsNamingIt(long physicalBytes)
    {
        Assert.Equal("physicalBytes", Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceProfile("custom", physicalBytes)).ParamName);
    }

    [Fact]
    public void RecommendedCapBytes_IsExactIntegerMathEvenForTheLargestRam()
    {
        // 40 % of long.MaxValue, rounded down, computed without floating point.
        Assert.Equal(3_689_348_814_741_910_322L, new DeviceProfile("huge", long.MaxValue).RecommendedCapBytes);
        Assert.Equal(1_288_490_188L, new DeviceProfile("phone", 4 * GiB).RecommendedCapBytes);
    }

    [Theory]
    [InlineData(1L, 0.25)]
    [InlineData(3 * GiB, 0.25)]
    [InlineData(4 * GiB - 1, 0.25)]
    [InlineData(4 * GiB, 0.30)]
    [InlineData(6 * GiB - 1, 0.30)]
    [InlineData(6 * GiB, 0.40)]
    [InlineData(512 * GiB, 0.40)]
    public void RecommendedShare_Is25Then30From4GiBThen40From6GiB(long physicalBytes, double expectedShare)
    {
        Assert.Equal(expectedShare, new DeviceProfile("test", physicalBytes).RecommendedShare);
    }
}
