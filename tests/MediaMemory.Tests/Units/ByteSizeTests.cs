using CsCheck;
using MediaMemory.Units;

namespace MediaMemory.Tests.Units;

public sealed class ByteSizeTests
{
    private const long KiB = 1L << 10;
    private const long MiB = 1L << 20;
    private const long GiB = 1L << 30;

    /// <summary>Non-negative longs of every magnitude and with every number of trailing zero bits, so
    /// that every binary unit (B … EiB) is exercised, not only the huge values a uniform draw gives.</summary>
    private static readonly Gen<long> AnySize = Gen.OneOf(
        Gen.Long[0, long.MaxValue],
        Gen.Long[0, 4096],
        Gen.Select(Gen.Long[0, long.MaxValue], Gen.Int[0, 63], Gen.Int[0, 63],
            (bits, down, up) => (bits >> down) << Math.Min(up, down)),
        Gen.Select(Gen.Long[1, 7], Gen.Int[0, 6], (small, unit) => small << (10 * unit)),
        Gen.Long[long.MaxValue - (long.MaxValue / 100), long.MaxValue]);

    [Theory]
    [InlineData("512MiB", 512 * MiB)]
    [InlineData("1.5GiB", 1_610_612_736L)]
    [InlineData("800MB", 800_000_000L)]
    [InlineData("4096", 4096L)]
    [InlineData("4096B", 4096L)]
    [InlineData("1 GiB", GiB)]
    [InlineData("  2 KiB  ", 2 * KiB)]
    [InlineData("0", 0L)]
    [InlineData("0B", 0L)]
    [InlineData("1KB", 1_000L)]
    [InlineData("3GB", 3_000_000_000L)]
    [InlineData("2TiB", 2L << 40)]
    [InlineData("2TB", 2_000_000_000_000L)]
    [InlineData("1PiB", 1L << 50)]
    [InlineData("0.5KiB", 512L)]
    [InlineData(".25MiB", 256 * KiB)]
    [InlineData("1.0005KiB", 1025L)] // 1024.512 bytes, rounded to the nearest byte
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("9223372036854775807B", long.MaxValue)]
    public void Parse_AcceptsBinaryDecimalAndBareByteSizes(string text, long expectedBytes)
    {
        var size = ByteSize.Parse(text);

        Assert.Equal(expectedBytes, size.Bytes);
    }

    [Theory]
    [InlineData("512mib")]
    [InlineData("512MIB")]
    [InlineData("512Mib")]
    [InlineData("512 mIb")]
    public void Parse_IgnoresTheCaseOfTheUnit(string text)
    {
        Assert.Equal(512 * MiB, ByteSize.Parse(text).Bytes);
    }

    [Theory]
    [InlineData("1mb", 1_000_000L)]
    [InlineData("1 gb", 1_000_000_000L)]
    [InlineData("4096 b", 4096L)]
    public void Parse_IgnoresTheCaseOfDecimalAndByteUnits(string text, long expectedBytes)
    {
        Assert.Equal(expectedBytes, ByteSize.Parse(text).Bytes);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-512MiB")]
    [InlineData("-0.5 GiB")]
    public void Parse_WhenNegative_RefusesNamingTheInput(string text)
    {
        var error = Assert.Throws<FormatException>(() => ByteSize.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("negative", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("12XB")]
    [InlineData("1.2.3GiB")]
    [InlineData("GiB")]
    [InlineData("5.GiB")]
    [InlineData("1e3")]
    [InlineData("1,000")]
    [InlineData("+5MiB")]
    [InlineData("5 5MiB")]
    [InlineData("0x10")]
    public void Parse_WhenNotANumberWithAUnit_RefusesNamingTheInput(string text)
    {
        var error = Assert.Throws<FormatException>(() => ByteSize.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("not a size", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_WhenEmpty_RefusesSayingItIsEmpty(string text)
    {
        var error = Assert.Throws<FormatException>(() => ByteSize.Parse(text));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenNull_ThrowsArgumentNull()
    {
        var error = Assert.Throws<ArgumentNullException>(() => ByteSize.Parse(null!));

        Assert.Equal("text", error.ParamName);
    }

    [Theory]
    [InlineData("9EiB")]
    [InlineData("8EiB")] // 2^63: one byte more than long.MaxValue
    [InlineData("100000PiB")]
    [InlineData("10000000TB")]
    [InlineData("9223372036854775808")]
    [InlineData("9223372036854775807.5")]
    [InlineData("79228162514264337593543950335PiB")] // decimal.MaxValue × 2^50 overflows the decimal multiplication
    public void Parse_WhenLargerThanLongMaxValue_RefusesNamingTheInput(string text)
    {
        var error = Assert.Throws<FormatException>(() => ByteSize.Parse(text));

        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("too large", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("7EiB", 7L << 60)]
    [InlineData("1 eib", 1L << 60)]
    [InlineData("9EB", 9_000_000_000_000_000_000L)]
    [InlineData("7.99 EiB", 9_211_842_821_808_707_338L)] // 7.99 × 2^60 = 9211842821808707338.24
    public void Parse_AcceptsExbibytesWhichToStringProduces(string text, long expectedBytes)
    {
        Assert.Equal(expectedBytes, ByteSize.Parse(text).Bytes);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-1")]
    [InlineData("9EiB")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_WhenInvalid_ReturnsFalseWithAMessageAndZero(string? text)
    {
        var parsed = ByteSize.TryParse(text, out var size, out var error);

        Assert.False(parsed, $"TryParse('{text}') returned true with {size.Bytes} bytes");
        Assert.Equal(0, size.Bytes);
        Assert.NotEmpty(error);
        if (!string.IsNullOrWhiteSpace(text))
        {
            Assert.Contains($"'{text}'", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TryParse_WhenValid_ReturnsTrueWithAnEmptyMessage()
    {
        var parsed = ByteSize.TryParse("1.5GiB", out var size, out var error);

        Assert.True(parsed, $"TryParse refused with '{error}'");
        Assert.Equal(1_610_612_736L, size.Bytes);
        Assert.Equal(string.Empty, error);
    }

    [Fact]
    public void Constructor_WhenNegative_ThrowsNamingTheArgument()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ByteSize(-1));

        Assert.Equal("bytes", error.ParamName);
    }

    [Fact]
    public void FromUnits_MultiplyByPowersOf1024_AndRefuseOverflow()
    {
        Assert.Equal(3 * KiB, ByteSize.FromKibibytes(3).Bytes);
        Assert.Equal(3 * MiB, ByteSize.FromMebibytes(3).Bytes);
        Assert.Equal(3 * GiB, ByteSize.FromGibibytes(3).Bytes);
        Assert.Throws<OverflowException>(() => ByteSize.FromGibibytes(long.MaxValue / GiB + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ByteSize.FromMebibytes(-1));
    }

    [Theory]
    [InlineData(0L, "0B")]
    [InlineData(1L, "1B")]
    [InlineData(1023L, "1023B")]
    [InlineData(1024L, "1KiB")]
    [InlineData(4097L, "4097B")]
    [InlineData(1536L * MiB, "1536MiB")]
    [InlineData(512L * MiB, "512MiB")]
    [InlineData(3L * GiB, "3GiB")]
    [InlineData(5L << 50, "5PiB")]
    [InlineData(1L << 60, "1EiB")]
    [InlineData(long.MaxValue, "9223372036854775807B")]
    public void ToExactString_UsesTheLargestBinaryUnitThatDividesTheSize(long bytes, string expected)
    {
        Assert.Equal(expected, new ByteSize(bytes).ToExactString());
    }

    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(1023L, "1023 B")]
    [InlineData(1024L, "1 KiB")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(1_610_612_736L, "1.5 GiB")]
    [InlineData(34_791_014L, "33.18 MiB")] // 33.1793…
    [InlineData(1L << 60, "1 EiB")]
    [InlineData(long.MaxValue, "7.99 EiB")] // 8 EiB would be 2^63 bytes, which no ByteSize can hold
    public void ToString_UsesTheLargestUnitReachedWithUpToTwoDecimals(long bytes, string expected)
    {
        Assert.Equal(expected, new ByteSize(bytes).ToString());
    }

    [Theory]
    [InlineData(0L, "0 B")]
    [InlineData(-1536L, "-1.5 KiB")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(long.MinValue, "-8 EiB")]
    public void Format_ShowsNegativeDifferencesWithASign(long bytes, string expected)
    {
        Assert.Equal(expected, ByteSize.Format(bytes));
    }

    [Fact]
    public void ToExactString_ParsesBackToTheSameBytes_ForEveryNonNegativeLong()
    {
        AnySize.Sample(bytes =>
        {
            var text = new ByteSize(bytes).ToExactString();
            var parsed = ByteSize.TryParse(text, out var size, out var error);
            Assert.True(parsed, $"{bytes} formatted as '{text}' does not parse: {error}");
            Assert.Equal(bytes, size.Bytes);
        }, iter: 20_000, threads: 1);
    }

    [Fact]
    public void ToString_ParsesBackWithinHalfAPercent_AndExactlyBelow1024()
    {
        AnySize.Sample(bytes =>
        {
            var text = new ByteSize(bytes).ToString();
            var parsed = ByteSize.TryParse(text, out var size, out var error);
            Assert.True(parsed, $"{bytes} formatted as '{text}' does not parse: {error}");
            var difference = Int128.Abs((Int128)size.Bytes - bytes);
            if (bytes < 1024)
            {
                Assert.True(difference == 0, $"{bytes} formatted as '{text}' parses as {size.Bytes}");
            }
            else
            {
                // |parsed − x| ≤ 0.5 % of x, in integers: 200 × |parsed − x| ≤ x.
                Assert.True(difference * 200 <= bytes,
                    $"{bytes} formatted as '{text}' parses as {size.Bytes}, {difference} bytes away ({(double)difference / bytes:P3})");
            }
        }, iter: 20_000, threads: 1);
    }

    [Fact]
    public void ComparisonOperators_AgreeWithTheByteCounts()
    {
        Gen.Select(AnySize, AnySize).Sample((a, b) =>
        {
            var left = new ByteSize(a);
            var right = new ByteSize(b);
            Assert.Equal(a < b, left < right);
            Assert.Equal(a > b, left > right);
            Assert.Equal(a <= b, left <= right);
            Assert.Equal(a >= b, left >= right);
            Assert.Equal(a == b, left == right);
            Assert.Equal(a != b, left != right);
            Assert.Equal(Math.Sign(a.CompareTo(b)), Math.Sign(left.CompareTo(right)));
        }, iter: 5_000, threads: 1);
    }

    [Fact]
    public void ComparisonOperators_OrderPinnedSizes()
    {
        var small = ByteSize.Parse("800MB");
        var large = ByteSize.Parse("1GiB");

        Assert.True(small < large, $"{small.Bytes} < {large.Bytes}");
        Assert.True(large > small, $"{large.Bytes} > {small.Bytes}");
        Assert.True(small <= ByteSize.Parse("800000000"), "800MB <= 800000000");
        Assert.True(small >= ByteSize.Parse("800000000B"), "800MB >= 800000000B");
        Assert.False(large < small, $"{large.Bytes} < {small.Bytes}");
        Assert.Equal(ByteSize.Zero, new ByteSize(0));
        Assert.True(ByteSize.Zero < new ByteSize(1), "0 < 1");
    }
}
