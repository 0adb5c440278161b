using System.Globalization;

namespace MediaMemory.Pressure;

/// <summary>
/// The contents of a PSI file (<c>/proc/pressure/memory</c> or a cgroup v2 <c>memory.pressure</c>), parsed:
/// <code>
/// some avg10=0.00 avg60=0.00 avg300=0.00 total=0
/// full avg10=0.00 avg60=0.00 avg300=0.00 total=0
/// </code>
/// <c>some</c>: at least one task stalled; <c>full</c>: all non-idle tasks stalled at once (the kernel's
/// Documentation/accounting/psi.rst). Immutable.
/// </summary>
/// <param name="Some">The <c>some</c> line.</param>
/// <param name="Full">The <c>full</c> line; null when the file has none (the CPU file before Linux 5.13).</param>
public sealed record PsiSnapshot(PsiLine Some, PsiLine? Full)
{
    /// <summary>The 10-second averages for reports, e.g. <c>some avg10=1.23 full avg10=0.40</c>.</summary>
    public string Summary => Full is { } full
        ? string.Create(CultureInfo.InvariantCulture, $"some avg10={Some.Avg10Percent:0.00} full avg10={full.Avg10Percent:0.00}")
        : string.Create(CultureInfo.InvariantCulture, $"some avg10={Some.Avg10Percent:0.00}");

    /// <summary>Parses a PSI file's text. Lines other than <c>some</c>/<c>full</c> are refused; keys the kernel may add
    /// to a line later are ignored; the four known keys are required.</summary>
    /// <param name="text">The file's contents.</param>
    /// <exception cref="FormatException">The text is not PSI: the message names the line and what is wrong.</exception>
    public static PsiSnapshot Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        PsiLine? some = null;
        PsiLine? full = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var parsed = ParseLine(fields, i + 1, line);
            switch (fields[0])
            {
                case "some" when some is null:
                    some = parsed;
                    break;
                case "full" when full is null:
                    full = parsed;
                    break;
                default:
                    throw Error(i + 1, line, $"a second '{fields[0]}' line");
            }
        }

        return some is { } s
            ? new PsiSnapshot(s, full)
            : throw new FormatException(text.Length == 0 ? "PSI text is empty: expected a 'some avg10=… total=…' line" : "PSI text has no 'some' line");
    }

    private static PsiLine ParseLine(string[] fields, int number, string line)
    {
        if (fields[0] is not ("some" or "full"))
        {
            throw Error(number, line, $"starts with '{fields[0]}', expected 'some' or 'full'");
        }

        double? avg10 = null, avg60 = null, avg300 = null;
        long? total = null;
        foreach (var field in fields.AsSpan(1))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw Error(number, line, $"'{field}' is not key=value");
            }

            var key = field[..equals];
            var value = field[(equals + 1)..];
            switch (key)
            {
                case "avg10":
                    avg10 = Percent(value, key, number, line);
                    break;
                case "avg60":
                    avg60 = Percent(value, key, number, line);
                    break;
                case "avg300":
                    avg300 = Percent(value, key, number, line);
                    break;
                case "total":
                    total = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
                        ? t
                        : throw Error(number, line, $"total '{value}' is not a whole number of microseconds");
                    break;
                default:
                    break; // A key a later kernel may add.
            }
        }

        return avg10 is { } a10 && avg60 is { } a60 && avg300 is { } a300 && total is { } tot
            ? new PsiLine(a10, a60, a300, tot)
            : throw Error(number, line, "needs avg10, avg60, avg300 and total");
    }

    private static double Percent(string value, string key, int number, string line) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) && percent <= 100
            ? percent
            : throw Error(number, line, $"{key} '{value}' is not a percentage from 0 to 100");

    private static FormatException Error(int number, string line, string what) =>
        new($"PSI line {number} \"{line}\": {what}");
}
