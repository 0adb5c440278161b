using System.Diagnostics;

namespace MediaMemory.Cli.Cache;

/// <summary>What one policy did on one trace.</summary>
/// <param name="Policy">Policy name.</param>
/// <param name="IsDefault">True for the library's default policy only.</param>
/// <param name="HitRatio">Hits / requests.</param>
/// <param name="ByteHitRatio">Bytes of hits / bytes of all requests.</param>
/// <param name="CostSavedRatio">Recreation cost of hits / cost of all requests (unit cost where the trace has none).</param>
/// <param name="OpsPerSec">Requests replayed per second (one thread).</param>
/// <param name="MeanHeld">What the cache held, mean of <see cref="Replayer.Samples"/> samples taken at equal
/// intervals: bytes, or objects for unit-size traces.</param>
/// <param name="PeakHeld">The largest of those samples.</param>
internal sealed record ReplayResult(string Policy, bool IsDefault, double HitRatio, double ByteHitRatio, double CostSavedRatio, double OpsPerSec, double MeanHeld, long PeakHeld);

/// <summary>Replays a trace through a cache: each request is a lookup, and a miss inserts the object.</summary>
internal static class Replayer
{
    /// <summary>How often, over the run, what each cache holds is sampled (arbitrary: enough for a stable
    /// mean; each sample walks the cache's keys, outside the timed part).</summary>
    public const int Samples = 200;

    public static ReplayResult Run(Trace trace, IReplayCache cache, bool isDefault)
    {
        long hits = 0;
        double hitBytes = 0, allBytes = 0, hitCost = 0, allCost = 0;
        var requests = trace.Requests;
        var interval = Math.Max(1, requests.Length / Samples);
        var untilSample = interval;
        double heldSum = 0;
        long heldPeak = 0, samples = 0, samplingTicks = 0;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < requests.Length; i++)
        {
            if (--untilSample == 0)
            {
                untilSample = interval;
                var sampleStart = Stopwatch.GetTimestamp();
                var held = cache.HeldUnits(trace.ObjectSizes);
                heldSum += held;
                heldPeak = Math.Max(heldPeak, held);
                samples++;
                samplingTicks += Stopwatch.GetTimestamp() - sampleStart;
            }

            ref readonly var request = ref requests[i];
            allBytes += request.SizeBytes;
            allCost += request.Cost;
            if (cache.TryGet(in request))
            {
                hits++;
                hitBytes += request.SizeBytes;
                hitCost += request.Cost;
            }
            else
            {
                cache.Add(in request);
            }
        }

        var seconds = (double)(Stopwatch.GetTimestamp() - start - samplingTicks) / Stopwatch.Frequency;
        return new ReplayResult(
            cache.Name,
            isDefault,
            (double)hits / requests.Length,
            allBytes == 0 ? 0 : hitBytes / allBytes,
            allCost == 0 ? 0 : hitCost / allCost,
            seconds > 0 ? requests.Length / seconds : double.PositiveInfinity,
            samples == 0 ? 0 : heldSum / samples,
            heldPeak);
    }
}
