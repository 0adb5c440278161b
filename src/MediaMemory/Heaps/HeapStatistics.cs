using System.Text;
using System.Text.Json;
using MediaMemory.Budgeting;

namespace MediaMemory.Heaps;

/// <summary>A heap's blocks and everything in them, for reports and the profiler's block map.</summary>
/// <param name="Name">The heap's name.</param>
/// <param name="Category">Its budget category.</param>
/// <param name="BlockBytes">Bytes of all its blocks (what it holds from the budget).</param>
/// <param name="UsedBytes">Bytes of live allocations (aliases not counted again).</param>
/// <param name="AllocationCount">Live allocations, aliases included.</param>
/// <param name="Fragmentation">1 − largest free range / total free bytes over its ordinary blocks (0 when nothing is free).</param>
/// <param name="Blocks">Each block.</param>
public sealed record HeapStatistics(
    string Name,
    AllocationCategory Category,
    long BlockBytes,
    long UsedBytes,
    int AllocationCount,
    double Fragmentation,
    IReadOnlyList<HeapBlockStatistics> Blocks)
{
    /// <summary>The statistics as one JSON object (snake_case), e.g. for <c>mediamem</c> and the profiler.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("name", Name);
            json.WriteString("category", Category.ToString());
            json.WriteNumber("block_bytes", BlockBytes);
            json.WriteNumber("used_bytes", UsedBytes);
            json.WriteNumber("allocation_count", AllocationCount);
            json.WriteNumber("fragmentation", Fragmentation);
            json.WriteStartArray("blocks");
            foreach (var block in Blocks)
            {
                json.WriteStartObject();
                json.WriteNumber("index", block.Index);
                json.WriteNumber("size_bytes", block.SizeBytes);
                json.WriteBoolean("dedicated", block.Dedicated);
                json.WriteNumber("used_bytes", block.UsedBytes);
                json.WriteNumber("fragmentation", block.Fragmentation);
                json.WriteStartArray("allocations");
                foreach (var a in block.Allocations)
                {
                    json.WriteStartObject();
                    json.WriteNumber("offset", a.OffsetBytes);
                    json.WriteNumber("size", a.SizeBytes);
                    json.WriteString("name", a.Name);
                    json.WriteString("texture", a.Descriptor?.ToString());
                    json.WriteBoolean("aliasable", a.IsAliasable);
                    json.WriteBoolean("alias", a.IsAlias);
                    json.WriteNumber("alias_count", a.AliasCount);
                    json.WriteNumber("alignment", a.AlignmentBytes);
                    json.WriteBoolean("leased", a.IsLeased);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteStartArray("free_ranges");
                foreach (var range in block.FreeRanges)
                {
                    json.WriteStartObject();
                    json.WriteNumber("offset", range.OffsetBytes);
                    json.WriteNumber("size", range.SizeBytes);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

/// <summary>One block of a heap.</summary>
/// <param name="Index">Its index (stable while it lives).</param>
/// <param name="SizeBytes">Its size.</param>
/// <param name="Dedicated">True when it holds one oversized allocation.</param>
/// <param name="UsedBytes">Bytes its allocator has handed out (sizes rounded to the allocator's granule).</param>
/// <param name="Fragmentation">1 − largest free range / free bytes within the block.</param>
/// <param name="Allocations">Its live allocations and aliases, in offset order.</param>
/// <param name="FreeRanges">Its free ranges, in offset order.</param>
public sealed record HeapBlockStatistics(
    int Index,
    long SizeBytes,
    bool Dedicated,
    long UsedBytes,
    double Fragmentation,
    IReadOnlyList<HeapAllocationInfo> Allocations,
    IReadOnlyList<TlsfRange> FreeRanges);
