using System.Diagnostics;

namespace MediaMemory.Cli.Cache;

/// <summary>What one policy did on one trace.</summary>
/// <param name="Policy">Policy name.</param>
/// <param name="IsDefault">True for the library's default policy only.</param>
/// <param name="HitRatio">Hits / requests.</param>
/// <param name="ByteHitRatio">Bytes of hits / bytes of all requests.</param>
/// <param name="CostSavedRatio">Recreation cost of hits / cost of all requests (unit cost where the trace has none).</param>
/// <param name="OpsPerSec">Requests replayed per second (one thread).</param>
internal sealed record ReplayResult(string Policy, bool IsDefault, double HitRatio, double ByteHitRatio, double CostSavedRatio, double OpsPerSec);

/// <summary>Replays a trace through a cache: each request is a lookup, and a miss inserts the object.</summary>
internal static class Replayer
{
    public static ReplayResult Run(Trace trace, IReplayCache cache, bool isDefault)
    {
        long hits = 0;
        double hitBytes = 0, allBytes = 0, hitCost = 0, allCost = 0;
        var requests = trace.Requests;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < requests.Length; i++)
        {
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

        var seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new ReplayResult(
            cache.Name,
            isDefault,
            (double)hits / requests.Length,
            allBytes == 0 ? 0 : hitBytes / allBytes,
            allCost == 0 ? 0 : hitCost / allCost,
            seconds > 0 ? requests.Length / seconds : double.PositiveInfinity);
    }
}
