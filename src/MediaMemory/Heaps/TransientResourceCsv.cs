using System.Globalization;
using System.Numerics;
using System.Text;

namespace MediaMemory.Heaps;

/// <summary>
/// Reads <see cref="TransientResource"/>s from CSV with the header
/// <c>name,size_bytes,alignment,first_use,last_use</c> (columns in any order, names case-insensitive,
/// extra columns ignored, fields may be double-quoted as in RFC 4180). Stateless and thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// A bad file is refused with an <see cref="InvalidDataException"/> whose message is one line naming
/// the line number (the header is line 1), the row's name when known, and what is wrong: an empty file,
/// a missing or repeated column, a missing field, a value that is not a whole number, a size outside
/// 1 … <see cref="AliasPlanner.MaxResourceBytes"/> (2^48 bytes), an alignment that is not a power of two
/// from 1 to <see cref="AliasPlanner.MaxAlignmentBytes"/> (64 KiB), a step outside 0 … 2^31 − 1, a last use
/// before the first, a repeated name, a header with no rows, or rows whose sizes plus worst-case padding
/// (size + alignment − 1 each) add up to more than <see cref="AliasPlanner.MaxTotalBytes"/> (2^62 bytes; the
/// row that passes it is named). So every file it returns can be planned by <see cref="AliasPlanner"/>.
/// Blank lines are skipped.
/// </para>
/// </remarks>
public static class TransientResourceCsv
{
    /// <summary>The header columns, in the order the issue gives them.</summary>
    public static readonly IReadOnlyList<string> Columns = ["name", "size_bytes", "alignment", "first_use", "last_use"];

    private static readonly string SizeRule = string.Create(CultureInfo.InvariantCulture, $"must be from 1 to {AliasPlanner.MaxResourceBytes} (2^48)");
    private static readonly string AlignmentRule = string.Create(CultureInfo.InvariantCulture, $"must be a power of two from 1 to {AliasPlanner.MaxAlignmentBytes}");
    private static readonly string StepRule = string.Create(CultureInfo.InvariantCulture, $"must be a step from 0 to {int.MaxValue}");

    /// <summary>Reads the file at <paramref name="path"/> (UTF-8, with or without BOM).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid resource list; the message names the line.</exception>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when it does not exist).</exception>
    public static IReadOnlyList<TransientResource> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader);
    }

    /// <summary>Reads resources from <paramref name="reader"/> to its end; the caller owns the reader.</summary>
    /// <exception cref="InvalidDataException">The text is not a valid resource list; the message names the line.</exception>
    public static IReadOnlyList<TransientResource> Read(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lineNumber = 0;
        string? line;
        do
        {
            line = reader.ReadLine();
            lineNumber++;
        }
        while (line is not null && string.IsNullOrWhiteSpace(line));

        if (line is null)
        {
            throw new InvalidDataException($"the file is empty; expected the header {string.Join(',', Columns)}");
        }

        var columnIndex = ReadHeader(line, lineNumber);
        var resources = new List<TransientResource>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var rowNumber = 0;
        long totalBytes = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            rowNumber++;
            var where = new Where(lineNumber, rowNumber);
            var resource = ReadRow(line, where, columnIndex);
            if (!names.TryAdd(resource.Name, lineNumber))
            {
                throw Bad(where, resource.Name, $"the name is already used on line {names[resource.Name].ToString(CultureInfo.InvariantCulture)}; names must be unique");
            }

            // Each term is below 2^49 and the total is refused once above 2^62, so it cannot overflow.
            totalBytes += resource.SizeBytes + resource.AlignmentBytes - 1;
            if (totalBytes > AliasPlanner.MaxTotalBytes)
            {
                throw Bad(where, resource.Name, $"the sizes up to this row, each plus its alignment − 1, add up to more than {AliasPlanner.MaxTotalBytes.ToString(CultureInfo.InvariantCulture)} bytes (2^62), the most one plan holds");
            }

            resources.Add(resource);
        }

        if (resources.Count == 0)
        {
            throw new InvalidDataException($"line {lineNumber.ToString(CultureInfo.InvariantCulture)}: the file has a header but no resources");
        }

        return resources;
    }

    private static int[] ReadHeader(string line, int lineNumber)
    {
        var fields = SplitFields(line, new Where(lineNumber, 0));
        var columnIndex = new int[Columns.Count];
        Array.Fill(columnIndex, -1);
        for (var f = 0; f < fields.Count; f++)
        {
            var header = fields[f].Trim();
            for (var c = 0; c < Columns.Count; c++)
            {
                if (string.Equals(header, Columns[c], StringComparison.OrdinalIgnoreCase))
                {
                    if (columnIndex[c] >= 0)
                    {
                        throw Bad(new Where(lineNumber, 0), null, $"column '{Columns[c]}' appears twice in the header");
                    }

                    columnIndex[c] = f;
                }
            }
        }

        var missing = Columns.Where((_, c) => columnIndex[c] < 0).ToArray();
        if (missing.Length > 0)
        {
            throw Bad(new Where(lineNumber, 0), null, $"the header lacks column{(missing.Length > 1 ? "s" : string.Empty)} {string.Join(", ", missing)}; expected {string.Join(',', Columns)}");
        }

        return columnIndex;
    }

    private static TransientResource ReadRow(string line, Where where, int[] columnIndex)
    {
        var fields = SplitFields(line, where);
        var needed = columnIndex.Max() + 1;
        if (fields.Count < needed)
        {
            throw Bad(where, null, $"has {fields.Count.ToString(CultureInfo.InvariantCulture)} fields but the header needs {needed.ToString(CultureInfo.InvariantCulture)}");
        }

        var name = fields[columnIndex[0]].Trim();
        if (name.Length == 0)
        {
            throw Bad(where, null, "the name is empty");
        }

        var sizeBytes = Whole(fields[columnIndex[1]], "size_bytes", 1, AliasPlanner.MaxResourceBytes, SizeRule, where, name);
        var alignmentBytes = Whole(fields[columnIndex[2]], "alignment", 1, AliasPlanner.MaxAlignmentBytes, AlignmentRule, where, name);
        if (!BitOperations.IsPow2(alignmentBytes))
        {
            throw Bad(where, name, $"alignment {AlignmentRule}, got {alignmentBytes.ToString(CultureInfo.InvariantCulture)}");
        }

        var firstUse = (int)Whole(fields[columnIndex[3]], "first_use", 0, int.MaxValue, StepRule, where, name);
        var lastUse = (int)Whole(fields[columnIndex[4]], "last_use", 0, int.MaxValue, StepRule, where, name);
        if (lastUse < firstUse)
        {
            throw Bad(where, name, $"last_use {lastUse.ToString(CultureInfo.InvariantCulture)} is before first_use {firstUse.ToString(CultureInfo.InvariantCulture)}");
        }

        return new TransientResource(name, sizeBytes, alignmentBytes, firstUse, lastUse);
    }

    /// <summary>Parses a whole number in <paramref name="min"/> … <paramref name="max"/>; out of range (even beyond 64 bits)
    /// is refused with "<paramref name="column"/> <paramref name="rule"/>, got TEXT".</summary>
    private static long Whole(string field, string column, long min, long max, string rule, Where where, string name)
    {
        var text = field.Trim();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value >= min && value <= max ? value : throw Bad(where, name, $"{column} {rule}, got {text}");
        }

        return BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
            ? throw Bad(where, name, $"{column} {rule}, got {text}")
            : throw Bad(where, name, $"{column} '{text}' is not a whole number");
    }

    /// <summary>Splits one line at commas, honouring double quotes (<c>""</c> inside quotes is one quote).</summary>
    private static List<string> SplitFields(string line, Where where)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            throw Bad(where, null, "a quoted field is not closed");
        }

        fields.Add(field.ToString());
        return fields;
    }

    private static InvalidDataException Bad(Where where, string? name, string what)
    {
        var line = where.LineNumber.ToString(CultureInfo.InvariantCulture);
        var place = where.RowNumber == 0 ? $"line {line} (header)" : $"line {line} (row {where.RowNumber.ToString(CultureInfo.InvariantCulture)}{(name is null ? string.Empty : $", '{name}'")})";
        return new InvalidDataException($"{place}: {what}");
    }

    /// <summary>Where a problem is: the line in the file (header = 1) and the data row (1 = first resource; 0 = header).</summary>
    private readonly record struct Where(int LineNumber, int RowNumber);
}
