using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using MediaMemory.Pressure;

// Usage: MediaMemory.PressureHelper CGROUP_DIR STEP_MIB MAX_MIB CACHE_MIB
// Moves itself into CGROUP_DIR (a v1 or v2 memory cgroup with a limit), fills CACHE_MIB of page cache (reclaimable,
// so the kernel has something to reclaim before it must kill), starts the kernel sources, then allocates and touches
// STEP_MIB at a time until a kernel event source that watches this cgroup (cgroup events, or PSI when its file is the
// cgroup's own) reports Warning or Critical, or MAX_MIB. PSI on cgroup v1 reads /proc/pressure/memory, the whole
// machine's stalls: its signals are printed with "scope":"machine" and do not end the run, since anything else on a
// shared machine can cause them (a CI host once reported full stalls before the helper had allocated 12 MiB).
// Prints one JSON object a line on stdout: "start", then "signal" lines as they happen, then "done".
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: MediaMemory.PressureHelper CGROUP_DIR STEP_MIB MAX_MIB CACHE_MIB");
    return 2;
}

var cgroup = args[0];
var stepBytes = long.Parse(args[1], CultureInfo.InvariantCulture) << 20;
var maxBytes = long.Parse(args[2], CultureInfo.InvariantCulture) << 20;
var cacheBytes = long.Parse(args[3], CultureInfo.InvariantCulture) << 20;
File.WriteAllText(Path.Combine(cgroup, "cgroup.procs"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

var cacheFile = Path.Combine(Path.GetTempPath(), $"mediamem-pressure-{Environment.ProcessId}.bin");
using (var stream = new FileStream(cacheFile, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.None))
{
    // Written, not read, so the pages are charged to this cgroup.
    var chunk = new byte[1 << 20];
    for (long written = 0; written < cacheBytes; written += chunk.Length)
    {
        stream.Write(chunk);
    }

    stream.Flush(flushToDisk: true);

    // Keep re-reading the cached file through a mapping, so its pages stay referenced: reclaim then scans pages it
    // cannot take at once, which is what the kernel grades as medium or critical pressure (clean pages nobody
    // touches are reclaimed at once and make only "low").
    using var mapping = System.IO.MemoryMappedFiles.MemoryMappedFile.CreateFromFile(stream, null, 0, System.IO.MemoryMappedFiles.MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
    using var view = mapping.CreateViewAccessor(0, cacheBytes, System.IO.MemoryMappedFiles.MemoryMappedFileAccess.Read);
    File.Delete(cacheFile); // The open handle and mapping keep the pages; an OOM kill now leaves no file behind.
    var stop = false;
    var reader = new Thread(() =>
    {
        while (!Volatile.Read(ref stop))
        {
            for (long offset = 0; offset < cacheBytes; offset += 4096)
            {
                _ = view.ReadByte(offset);
            }
        }
    }) { IsBackground = true };
    reader.Start();
    var result = Run(stream);
    Volatile.Write(ref stop, true);
    reader.Join();
    return result;
}

int Run(FileStream keepCache)
{
    var gate = new Lock();
    var stepStarted = Stopwatch.GetTimestamp();
    var previousStepStarted = stepStarted;
    var allocated = 0L;
    var kernelEventSeen = new ManualResetEventSlim();
    var start = Stopwatch.GetTimestamp();

    void Print(object line)
    {
        lock (gate)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(line));
            Console.Out.Flush();
        }
    }

    var psi = new LinuxPsiSource();
    IPressureSource[] sources =
    [
        new CgroupMemorySource(new CgroupMemorySourceOptions { UseUsage = false }),
        psi,
        new CgroupMemorySource(new CgroupMemorySourceOptions { UseEvents = false }),
    ];
    string[] parts = ["events", "psi", "usage"];
    // The PSI source picks its file when it starts, before it can report anything.
    string Scope(int i) => i == 1 && psi.PressureFilePath == LinuxPsiSource.SystemPressureFile ? "machine" : "cgroup";
    for (var i = 0; i < sources.Length; i++)
    {
        var part = parts[i];
        var index = i;
        sources[i].Changed += (_, e) =>
        {
            // The step the signal belongs to: the latest that began before its timestamp. A signal stamped at the end
            // of one step's pause may be handled just after the next step began.
            long stepStart;
            lock (gate)
            {
                stepStart = stepStarted <= e.Timestamp ? stepStarted : previousStepStarted;
            }

            Print(new
            {
                kind = "signal",
                source = e.Source,
                part,
                scope = Scope(index),
                level = e.Current.ToString(),
                reading = e.Reading,
                ms_since_start = Stopwatch.GetElapsedTime(start, e.Timestamp).TotalMilliseconds,
                ms_since_step = Stopwatch.GetElapsedTime(stepStart, e.Timestamp).TotalMilliseconds,
                allocated_bytes = Volatile.Read(ref allocated),
            });
            if (part != "usage" && Scope(index) == "cgroup" && e.Current > PressureLevel.Normal)
            {
                kernelEventSeen.Set();
            }
        };
        sources[i].Start();
    }

    Print(new { kind = "start", sources = sources.Select((s, i) => new { s.Name, part = parts[i], scope = Scope(i), available = s.Availability.IsAvailable, detail = s.Availability.Detail }) });
    var blocks = new List<nint>();
    unsafe
    {
        while (allocated + stepBytes <= maxBytes && !kernelEventSeen.IsSet)
        {
            lock (gate)
            {
                previousStepStarted = stepStarted;
                stepStarted = Stopwatch.GetTimestamp();
            }
            var block = (byte*)NativeMemory.Alloc((nuint)stepBytes);
            for (long offset = 0; offset < stepBytes; offset += 4096)
            {
                block[offset] = 1;
            }

            blocks.Add((nint)block);
            Volatile.Write(ref allocated, allocated + stepBytes);
            kernelEventSeen.Wait(10);
        }

        kernelEventSeen.Wait(500);
        Print(new { kind = "done", allocated_bytes = allocated, kernel_event = kernelEventSeen.IsSet, cache_bytes = keepCache.Length });
        foreach (var block in blocks)
        {
            NativeMemory.Free((void*)block);
        }
    }

    foreach (var source in sources)
    {
        source.Dispose();
    }

    return 0;
}
