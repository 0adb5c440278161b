namespace MediaMemory.Heaps;

/// <summary>A snapshot of a <see cref="Tlsf"/>'s occupancy, taken by <see cref="Tlsf.GetStatistics"/>.</summary>
/// <param name="CapacityBytes">Size of the range the allocator manages, in bytes.</param>
/// <param name="UsedBytes">Sum of the live allocations' <see cref="TlsfAllocation.SizeBytes"/>, in bytes.</param>
/// <param name="FreeBytes"><paramref name="CapacityBytes"/> − <paramref name="UsedBytes"/>: the sum of the free ranges, in bytes.</param>
/// <param name="AllocationCount">Number of live allocations.</param>
/// <param name="FreeRangeCount">Number of maximal free ranges (free ranges are always coalesced, so no two touch).</param>
/// <param name="LargestFreeRangeBytes">Length of the longest free range, in bytes (0 when nothing is free).</param>
/// <param name="Fragmentation">1 − <paramref name="LargestFreeRangeBytes"/> / <paramref name="FreeBytes"/>, in [0, 1);
/// 0 when nothing is free or all free bytes are one range.</param>
/// <remarks>Immutable; thread-safe to read. It does not follow later changes to the allocator.</remarks>
public sealed record TlsfStatistics(
    long CapacityBytes,
    long UsedBytes,
    long FreeBytes,
    int AllocationCount,
    int FreeRangeCount,
    long LargestFreeRangeBytes,
    double Fragmentation);
