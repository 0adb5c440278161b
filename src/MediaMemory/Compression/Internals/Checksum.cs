using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;

namespace MediaMemory.Compression.Internals;

/// <summary>
/// A 64-bit checksum over compressed data, so that corruption is detected instead of decoded into
/// garbage. It uses xxHash64's round and primes (Yann Collet, BSD-2) over four independent lanes; it is
/// not byte-compatible with xxHash64 (the tail and the final mix are simpler) and need not be: it is
/// only ever compared with itself.
/// </summary>
internal static class Checksum
{
    private const ulong Prime1 = 11400714785074694791UL;
    private const ulong Prime2 = 14029467366897019727UL;
    private const ulong Prime3 = 1609587929392839161UL;

    public static ulong Compute(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        ulong a = seed + Prime1 + Prime2, b = seed + Prime2, c = seed, d = seed - Prime1;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        var i = 0;
        for (; i + 4 <= words.Length; i += 4)
        {
            a = Round(a, words[i]);
            b = Round(b, words[i + 1]);
            c = Round(c, words[i + 2]);
            d = Round(d, words[i + 3]);
        }

        var h = BitOperations.RotateLeft(a, 1) + BitOperations.RotateLeft(b, 7) + BitOperations.RotateLeft(c, 12) + BitOperations.RotateLeft(d, 18);
        for (; i < words.Length; i++)
        {
            h = (h ^ Round(0, words[i])) * Prime1;
        }

        var tail = data[(words.Length * 8)..];
        Span<byte> last = stackalloc byte[8];
        last.Clear();
        tail.CopyTo(last);
        h = (h ^ Round(0, BinaryPrimitives.ReadUInt64LittleEndian(last))) * Prime1;
        h ^= (ulong)data.Length * Prime3;
        h ^= h >> 33;
        h *= Prime2;
        h ^= h >> 29;
        h *= Prime3;
        return h ^ (h >> 32);
    }

    private static ulong Round(ulong accumulator, ulong input) =>
        BitOperations.RotateLeft(accumulator + (input * Prime2), 31) * Prime1;
}
