using System.Globalization;

namespace MediaMemory.Units;

/// <summary>
/// A non-negative number of bytes, parsed from and formatted as text such as <c>512MiB</c>,
/// <c>1.5GiB</c>, <c>800MB</c> or <c>4096</c>.
/// </summary>
/// <remarks>
/// Binary suffixes (KiB, MiB, GiB, TiB, PiB, EiB) are powers of 1024, decimal ones (KB, MB, GB, TB,
/// PB, EB) powers of 1000, as IEC 80000-13 defines them; suffixes are case-insensitive and may follow a space.
/// A fractional value is rounded to the nearest byte. Immutable and therefore thread-safe.
/// </remarks>
public readonly record struct ByteSize : IComparable<ByteSize>
{
    private static readonly (string Suffix, long Multiplier)[] Units =
    [
        // Longest suffixes first so "MiB" is not read as "B" after "Mi".
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40), ("PiB", 1L << 50),
        ("EiB", 1L << 60),
        ("KB", 1_000L), ("MB", 1_000_000L), ("GB", 1_000_000_000L), ("TB", 1_000_000_000_000L),
        ("PB", 1_000_000_000_000_000L), ("EB", 1_000_000_000_000_000_000L),
        ("B", 1L),
    ];

    // Every name here is also in Units, so whatever ToString and ToExactString print, Parse reads.
    private static readonly string[] BinaryNames = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

    /// <summary>Creates a size of <paramref name="bytes"/> bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is negative.</exception>
    public ByteSize(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        Bytes = bytes;
    }

    /// <summary>The size in bytes (never negative).</summary>
    public long Bytes { get; }

    /// <summary>Zero bytes.</summary>
    public static ByteSize Zero => default;

    /// <summary>A size of <paramref name="value"/> KiB (1024 bytes each).</summary>
    public static ByteSize FromKibibytes(long value) => new(checked(value * (1L << 10)));

    /// <summary>A size of <paramref name="value"/> MiB.</summary>
    public static ByteSize FromMebibytes(long value) => new(checked(value * (1L << 20)));

    /// <summary>A size of <paramref name="value"/> GiB.</summary>
    public static ByteSize FromGibibytes(long value) => new(checked(value * (1L << 30)));

    /// <summary>Parses text such as <c>512MiB</c>, <c>1.5GiB</c>, <c>800MB</c> or <c>4096</c>.</summary>
    /// <exception cref="FormatException">The text is not a size, is negative or is larger than
    /// <see cref="long.MaxValue"/> bytes; the message names the text.</exception>
    public static ByteSize Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var size, out var error) ? size : throw new FormatException(error);
    }

    /// <summary>Parses a size; returns false, with a message naming the input, if it is not one.</summary>
    public static bool TryParse(string? text, out ByteSize size) => TryParse(text, out size, out _);

    /// <summary>
    /// Parses a size. Returns true if and only if <paramref name="text"/> is a non-negative number,
    /// optionally followed by a unit, that fits in a <see cref="long"/> number of bytes.
    /// </summary>
    public static bool TryParse(string? text, out ByteSize size, out string error)
    {
        size = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "size is empty: give a number of bytes or a size such as 512MiB, 1.5GiB or 800MB";
            return false;
        }

        var trimmed = text.Trim();
        long multiplier = 1;
        var number = trimmed.AsSpan();
        foreach (var (suffix, unit) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                multiplier = unit;
                number = trimmed.AsSpan(0, trimmed.Length - suffix.Length).TrimEnd();
                break;
            }
        }

        if (number.Length > 0 && number[0] == '-')
        {
            error = $"size '{text}' is negative: sizes are zero or more bytes";
            return false;
        }

        if (number.Length == 0 || !char.IsAsciiDigit(number[^1]) ||
            !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            error = $"'{text}' is not a size: use a number of bytes or a number with KiB, MiB, GiB, TiB, PiB, EiB, KB, MB, GB, TB, PB or EB, e.g. 512MiB";
            return false;
        }

        decimal bytes;
        try
        {
            bytes = decimal.Round(value * multiplier, MidpointRounding.AwayFromZero);
        }
        catch (OverflowException)
        {
            bytes = decimal.MaxValue;
        }

        if (bytes > long.MaxValue)
        {
            error = $"size '{text}' is too large: at most {long.MaxValue} bytes (8 EiB)";
            return false;
        }

        size = new ByteSize((long)bytes);
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// Formats exactly, in the largest binary unit that divides the size (<c>1536MiB</c>,
    /// <c>4097B</c>), so that <see cref="Parse"/> gives back the same number of bytes.
    /// </summary>
    public string ToExactString()
    {
        if (Bytes == 0)
        {
            return "0B";
        }

        var unit = 0;
        var value = Bytes;
        while (unit < BinaryNames.Length - 1 && value % 1024 == 0)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString(CultureInfo.InvariantCulture) + BinaryNames[unit];
    }

    /// <summary>
    /// Formats for people, in the largest binary unit the size reaches, with up to two decimals
    /// (<c>1.5 GiB</c>, <c>33.18 MiB</c>); rounding loses at most 0.5 % of the value, and
    /// <see cref="Parse"/> reads the text back.
    /// </summary>
    public override string ToString() => FormatForPeople((ulong)Bytes, keepParseable: true);

    /// <inheritdoc />
    public int CompareTo(ByteSize other) => Bytes.CompareTo(other.Bytes);

    /// <summary>Compares sizes.</summary>
    public static bool operator <(ByteSize left, ByteSize right) => left.Bytes < right.Bytes;

    /// <summary>Compares sizes.</summary>
    public static bool operator >(ByteSize left, ByteSize right) => left.Bytes > right.Bytes;

    /// <summary>Compares sizes.</summary>
    public static bool operator <=(ByteSize left, ByteSize right) => left.Bytes <= right.Bytes;

    /// <summary>Compares sizes.</summary>
    public static bool operator >=(ByteSize left, ByteSize right) => left.Bytes >= right.Bytes;

    /// <summary>Formats <paramref name="bytes"/> for people; see <see cref="ToString"/>.</summary>
    public static string Format(long bytes) =>
        bytes < 0
            ? "-" + FormatForPeople(unchecked(0UL - (ulong)bytes), keepParseable: false) // long.MinValue has no positive twin
            : FormatForPeople((ulong)bytes, keepParseable: true);

    /// <summary>
    /// <paramref name="bytes"/> in the largest binary unit it reaches, rounded to two decimals.
    /// With <paramref name="keepParseable"/>, a value that would round up past <see cref="long.MaxValue"/>
    /// bytes (7.995 EiB and more shows as "8 EiB", which is 2^63) is truncated instead, so that
    /// <see cref="Parse"/> reads the text back; truncating there loses at most 0.125 %.
    /// </summary>
    private static string FormatForPeople(ulong bytes, bool keepParseable)
    {
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        }

        // decimal, not double: a double cannot hold every long (long.MaxValue becomes 2^63).
        var unit = 0;
        decimal value = bytes;
        while (unit < BinaryNames.Length - 1 && value >= 1024)
        {
            value /= 1024;
            unit++;
        }

        var shown = decimal.Round(value, 2, MidpointRounding.AwayFromZero);
        if (keepParseable && shown * (1UL << (10 * unit)) > long.MaxValue)
        {
            shown = decimal.Floor(value * 100) / 100;
        }

        return shown.ToString("0.##", CultureInfo.InvariantCulture) + " " + BinaryNames[unit];
    }
}
