namespace MediaMemory.Cli.Cache;

/// <summary>
/// The signatures ("magic numbers") of compressed files a trace may arrive in. A trace not named <c>.gz</c>
/// that starts with one is compressed data, which the int32 fallback would otherwise replay as keys.
/// </summary>
internal static class TraceSignatures
{
    /// <summary>Bytes to read to tell them apart: the longest signature (xz's six).</summary>
    public const int LongestBytes = 6;

    // From each format's specification: gzip RFC 1952 §2.3.1 (ID1 ID2); xz file format 1.0 §2.1.1.1 (header
    // magic); zstd RFC 8878 §3.1.1 (0xFD2FB528 little-endian); bzip2 "BZh" and a block-size digit 1-9; zip APPNOTE
    // 4.3.7 (local file header "PK\3\4").
    private static readonly (string Name, byte[] Signature)[] Known =
    [
        ("gzip", [0x1F, 0x8B]),
        ("xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]),
        ("zstd", [0x28, 0xB5, 0x2F, 0xFD]),
        ("bzip2", [0x42, 0x5A, 0x68]),
        ("zip", [0x50, 0x4B, 0x03, 0x04]),
    ];

    /// <summary>The compressor whose signature <paramref name="head"/> (the file's first bytes) starts with, or null.</summary>
    public static string? Identify(ReadOnlySpan<byte> head)
    {
        foreach (var (name, signature) in Known)
        {
            // bzip2's "BZh" is text: require its block-size digit too, so fewer text files are taken for it.
            if (head.StartsWith(signature) && (name != "bzip2" || (head.Length > 3 && head[3] is >= (byte)'1' and <= (byte)'9')))
            {
                return name;
            }
        }

        return null;
    }
}
