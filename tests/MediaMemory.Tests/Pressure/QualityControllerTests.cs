using MediaMemory.Platform;
using MediaMemory.Pressure;

namespace MediaMemory.Tests.Pressure;

public sealed class QualityControllerTests
{
    [Theory]
    [InlineData(PressureLevel.Normal, ThermalState.Nominal, 1.0)]
    [InlineData(PressureLevel.Warning, ThermalState.Nominal, 0.5)]
    [InlineData(PressureLevel.Critical, ThermalState.Nominal, 0.25)]
    [InlineData(PressureLevel.Normal, ThermalState.Serious, 1.0)]
    [InlineData(PressureLevel.Normal, ThermalState.Critical, 0.25)]
    [InlineData(PressureLevel.Warning, ThermalState.Critical, 0.25)]
    public void Respond_SetsTheScaleForLevelAndHeat(PressureLevel level, ThermalState thermal, double expected)
    {
        var quality = new QualityController();
        quality.Respond(new PressureResponse(level, PressureLevel.Normal, thermal, "test"));
        Assert.Equal(expected, quality.Scale);
    }

    [Fact]
    public void Subscribers_AreToldEachChangeOnce_AndNotAfterUnsubscribing()
    {
        var quality = new QualityController(minimum: 0.125);
        var seen = new List<double>();
        var subscription = quality.Subscribe(seen.Add);
        quality.SetScale(0.5);
        quality.SetScale(0.5);
        quality.SetScale(0.125);
        subscription.Dispose();
        subscription.Dispose();
        quality.SetScale(1.0);
        Assert.Equal([0.5, 0.125], seen);
        Assert.Equal(1.0, quality.Scale);
    }

    [Fact]
    public void AThrowingSubscriber_DoesNotStopTheOthers()
    {
        var quality = new QualityController();
        var seen = new List<double>();
        using var bad = quality.Subscribe(_ => throw new InvalidOperationException("renderer bug"));
        using var good = quality.Subscribe(seen.Add);
        quality.SetScale(0.5);
        Assert.Equal([0.5], seen);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.1)]
    [InlineData(0.6)]
    [InlineData(double.NaN)]
    public void BadMinimum_IsRefused(double minimum) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new QualityController(minimum));

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void BadScale_IsRefused_AndTheScaleIsKept(double scale)
    {
        var quality = new QualityController();
        quality.SetScale(0.5);
        Assert.Throws<ArgumentOutOfRangeException>(() => quality.SetScale(scale));
        Assert.Equal(0.5, quality.Scale);
    }
}
