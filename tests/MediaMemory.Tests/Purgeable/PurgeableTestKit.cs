using System.Security.Cryptography;
using MediaMemory.Budgeting;
using MediaMemory.Purgeable;

namespace MediaMemory.Tests.Purgeable;

/// <summary>Deterministic contents and hashes for purgeable buffers.</summary>
internal static class PurgeableTestKit
{
    public const long MiB = 1L << 20;

    /// <summary>Fills <paramref name="destination"/> with bytes that depend only on <paramref name="seed"/>.</summary>
    public static void Fill(Span<byte> destination, int seed) => new Random(seed).NextBytes(destination);

    public static byte[] Hash(PurgeableBuffer buffer)
    {
        using var lease = buffer.Lease();
        return SHA256.HashData(lease.Span);
    }

    public static byte[] Expected(long sizeBytes, int seed)
    {
        var bytes = new byte[sizeBytes];
        Fill(bytes, seed);
        return SHA256.HashData(bytes);
    }

    public static PurgeableBuffer Filled(MemoryBudget budget, long sizeBytes, int seed, AllocationCategory category = AllocationCategory.CacheTextures)
    {
        var buffer = new PurgeableBuffer(budget, sizeBytes, category);
        using var lease = buffer.Lease();
        Fill(lease.Span, seed);
        return buffer;
    }
}
