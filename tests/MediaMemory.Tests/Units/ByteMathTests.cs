using MediaMemory.Units;

namespace MediaMemory.Tests.Units;

public sealed class ByteMathTests
{
    [Theory]
    [InlineData(0L, 4L, 0L)]
    [InlineData(1L, 4L, 1L)]
    [InlineData(4L, 4L, 1L)]
    [InlineData(5L, 4L, 2L)]
    [InlineData(long.MaxValue, 1L, long.MaxValue)]
    [InlineData(long.MaxValue, 2L, 4_611_686_018_427_387_904L)]
    public void DivideRoundingUp_IsTheCeilingWithoutOverflow(long value, long divisor, long expected) =>
        Assert.Equal(expected, ByteMath.DivideRoundingUp(value, divisor));

    [Fact]
    public void DivideRoundingUp_WhenArgumentsAreOutOfRange_ThrowsNamingThem()
    {
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => ByteMath.DivideRoundingUp(-1, 4)).ParamName);
        Assert.Equal("divisor", Assert.Throws<ArgumentOutOfRangeException>(() => ByteMath.DivideRoundingUp(4, 0)).ParamName);
    }

    [Theory]
    [InlineData(0L, 256L, 0L)]
    [InlineData(1L, 256L, 256L)]
    [InlineData(256L, 256L, 256L)]
    [InlineData(257L, 65536L, 65536L)]
    public void AlignUp_RoundsUpToTheAlignment(long value, long alignment, long expected) =>
        Assert.Equal(expected, ByteMath.AlignUp(value, alignment));

    [Fact]
    public void AlignUp_WhenTheResultOverflows_Throws()
    {
        Assert.Throws<OverflowException>(() => ByteMath.AlignUp(long.MaxValue, 4096));
        Assert.Equal("alignment", Assert.Throws<ArgumentOutOfRangeException>(() => ByteMath.AlignUp(1, 3)).ParamName);
    }
}
