using System.Globalization;

namespace MediaMemory.Internals;

/// <summary>Reads <c>Name:   N kB</c> fields, the format of /proc/meminfo and /proc/self/status. Stateless.</summary>
internal static class ProcFields
{
    /// <summary>
    /// The field named <paramref name="field"/> (with its colon, e.g. <c>"MemTotal:"</c>) in bytes. False when
    /// no line starts with it; true with null bytes when the line has no number.
    /// </summary>
    public static bool TryFindKibibytes(string text, string field, out long? bytes)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var parts = line[field.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                bytes = parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib)
                    ? checked(kib * 1024)
                    : null;
                return true;
            }
        }

        bytes = null;
        return false;
    }
}
