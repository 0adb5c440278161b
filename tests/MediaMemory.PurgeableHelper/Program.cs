using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using MediaMemory.Budgeting;
using MediaMemory.Purgeable;

// Usage: MediaMemory.PurgeableHelper CGROUP_DIR VOLATILE_MIB BUFFER_MIB ALLOCATE_MIB
// Moves itself into CGROUP_DIR (a memory cgroup with a limit), fills VOLATILE_MIB of purgeable buffers of BUFFER_MIB
// each with seeded bytes, hashes them, makes them all volatile, then allocates and touches ALLOCATE_MIB so that the
// kernel must reclaim. With that memory still held it makes every buffer non-volatile and hashes the kept ones;
// then frees it and rebuilds the emptied ones through a PurgeableRegistry. Prints one JSON object on stdout.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: MediaMemory.PurgeableHelper CGROUP_DIR VOLATILE_MIB BUFFER_MIB ALLOCATE_MIB");
    return 2;
}

const long MiB = 1L << 20;
var cgroup = args[0];
var volatileBytes = long.Parse(args[1], CultureInfo.InvariantCulture) * MiB;
var bufferBytes = long.Parse(args[2], CultureInfo.InvariantCulture) * MiB;
var allocateBytes = long.Parse(args[3], CultureInfo.InvariantCulture) * MiB;
File.WriteAllText(Path.Combine(cgroup, "cgroup.procs"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

var budget = new MemoryBudget(8L << 30);
var registry = new PurgeableRegistry();
var count = (int)(volatileBytes / bufferBytes);
var buffers = new PurgeableBuffer[count];
var hashes = new byte[count][];
for (var i = 0; i < count; i++)
{
    var seed = i;
    buffers[i] = new PurgeableBuffer(budget, bufferBytes, AllocationCategory.CacheTextures);
    using (var lease = buffers[i].Lease())
    {
        Fill(lease.Span, seed);
        hashes[i] = SHA256.HashData(lease.Span);
    }

    registry.Register(buffers[i], span => Fill(span, seed));
}

foreach (var buffer in buffers)
{
    buffer.SetState(PurgeableState.Volatile);
}

var volatileInBudget = budget.GetSnapshot().VolatileBytes;

// Allocate and touch the pressure, 1 MiB at a time, through malloc (outside the GC's own limit).
var watch = Stopwatch.StartNew();
var chunks = new List<nint>();
unsafe
{
    for (long done = 0; done < allocateBytes; done += MiB)
    {
        var chunk = (byte*)NativeMemory.Alloc((nuint)MiB);
        for (var offset = 0; offset < MiB; offset += 4096)
        {
            chunk[offset] = 1;
        }

        chunks.Add((nint)chunk);
    }
}

var allocateMs = watch.Elapsed.TotalMilliseconds;

// With the pressure still held: which buffers did the kernel empty, and are the others exactly as they were?
var empty = new List<int>();
long kernelTookBytes = 0;
var intactMatching = 0;
var intactMismatching = 0;
for (var i = 0; i < count; i++)
{
    var previous = buffers[i].SetState(PurgeableState.NonVolatile);
    kernelTookBytes += buffers[i].LastKernelReclaimedBytes;
    if (previous == PurgeableState.Empty)
    {
        empty.Add(i);
        continue;
    }

    using var lease = buffers[i].Lease();
    if (SHA256.HashData(lease.Span).AsSpan().SequenceEqual(hashes[i]))
    {
        intactMatching++;
    }
    else
    {
        intactMismatching++;
    }
}

var peakBytes = ReadCgroupPeak(cgroup);
unsafe
{
    foreach (var chunk in chunks)
    {
        NativeMemory.Free((void*)chunk);
    }
}

// Rebuild the emptied ones through the registry, and check them too.
var restoredMatching = 0;
foreach (var i in empty)
{
    buffers[i].SetState(PurgeableState.Empty);
    var state = registry.EnsureResident(buffers[i]);
    using var lease = buffers[i].Lease();
    if (state == PurgeableState.Empty && SHA256.HashData(lease.Span).AsSpan().SequenceEqual(hashes[i]))
    {
        restoredMatching++;
    }
}

var result = new Dictionary<string, object>
{
    ["buffers"] = count,
    ["buffer_mib"] = bufferBytes / MiB,
    ["volatile_mib"] = volatileBytes / MiB,
    ["volatile_in_budget_mib"] = volatileInBudget / MiB,
    ["allocated_mib"] = allocateBytes / MiB,
    ["allocate_ms"] = Math.Round(allocateMs),
    ["kernel_took_mib"] = Math.Round(kernelTookBytes / (double)MiB, 1),
    ["empty"] = empty.Count,
    ["empty_indices"] = empty,
    ["intact"] = intactMatching + intactMismatching,
    ["intact_hash_matching"] = intactMatching,
    ["intact_hash_mismatching"] = intactMismatching,
    ["restored"] = registry.RestoredBuffers,
    ["restored_hash_matching"] = restoredMatching,
    ["kernel_purges"] = PurgeableBuffer.KernelPurges,
    ["cgroup_peak_mib"] = peakBytes is long p ? p / MiB : -1,
};
Console.WriteLine(JsonSerializer.Serialize(result));
foreach (var buffer in buffers)
{
    buffer.Dispose();
}

return 0;

static void Fill(Span<byte> destination, int seed) => new Random(seed).NextBytes(destination);

static long? ReadCgroupPeak(string cgroup)
{
    foreach (var name in (string[])["memory.max_usage_in_bytes", "memory.peak"])
    {
        var file = Path.Combine(cgroup, name);
        if (File.Exists(file) && long.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes))
        {
            return bytes;
        }
    }

    return null;
}
