using System.IO.Compression;
using System.Text.Json;

namespace MediaMemory.Tests.Cli;

public sealed class CacheReplayCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mediamem-replay-").FullName;

    [Fact]
    public void Gli_MatchesThePublishedFigures_AndTheDefaultKeepsUpWithConcurrentLfu()
    {
        var trace = SharedData.Files("traces", "gli.trace.gz").Single();
        var json = CliRunner.RunJson("cache", "replay", trace, "--capacity-items", "1000", "--json");

        Assert.Equal(6015, json.GetProperty("requests").GetInt32());
        Assert.Equal(2529, json.GetProperty("unique_keys").GetInt32());
        Assert.Equal(1000, json.GetProperty("capacity_items").GetInt32());
        var results = json.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("policy").GetString()!);
        Assert.Equal(["cost-aware", "lru", "seed-weighted", "bitfaster-lfu", "bitfaster-lru", "memorycache", "belady"], results.Keys);
        Assert.Equal(["cost-aware"], results.Values.Where(r => r.GetProperty("default").GetBoolean()).Select(r => r.GetProperty("policy").GetString()));

        double Hit(string policy) => results[policy].GetProperty("hit_ratio").GetDouble();

        // Published (traces README): ConcurrentLfu about 50.6 %, Belady's optimum 53.1 %.
        Assert.InRange(Hit("bitfaster-lfu"), 0.495, 0.515);
        Assert.InRange(Hit("belady"), 0.525, 0.537);
        Assert.All(results.Values, r => Assert.True(r.GetProperty("hit_ratio").GetDouble() <= Hit("belady") + 1e-9, r.ToString()));
        Assert.True(Hit("cost-aware") >= Hit("bitfaster-lfu") - 0.02, $"default {Hit("cost-aware")} vs ConcurrentLfu {Hit("bitfaster-lfu")}");

        // Unit-size, unit-cost trace: all three ratios are the same number.
        Assert.All(results.Values, r => Assert.Equal(r.GetProperty("hit_ratio").GetDouble(), r.GetProperty("cost_saved_ratio").GetDouble(), 5));
    }

    [Fact]
    public void SizedTrace_UsesBytes_GivesItemPeersTheMeanSizeCount_AndHasNoBelady()
    {
        var path = Write("small.csv", "key,size_bytes,cost\na,100,10\nb,300,1\na,100,10\nc,100,5\na,100,10\nb,300,1\n");
        var json = CliRunner.RunJson("cache", "replay", path, "--capacity", "400", "--policy", "all", "--json");

        Assert.Equal(400, json.GetProperty("capacity_bytes").GetInt64());
        Assert.Equal(5, json.GetProperty("item_peers_capacity_items").GetInt32()); // 400 B at a mean of 166.7 B is 2, raised to the minimum
        var results = json.GetProperty("results").EnumerateArray().ToList();
        Assert.DoesNotContain(results, r => r.GetProperty("policy").GetString() == "belady");

        // LRU with 400 bytes: a, b miss; a hits; c misses (a, b, c = 500 > 400 evicts b); a hits; b misses.
        var lru = results.Single(r => r.GetProperty("policy").GetString() == "lru");
        Assert.Equal(2.0 / 6, lru.GetProperty("hit_ratio").GetDouble(), 4);
        Assert.Equal(200.0 / 1000, lru.GetProperty("byte_hit_ratio").GetDouble(), 4);
        Assert.Equal(20.0 / 37, lru.GetProperty("cost_saved_ratio").GetDouble(), 4);
    }

    [Fact]
    public void HeldBytes_AreSampledPerCache_AndShowAnItemBoundedPeerHoldingMoreThanTheCapacity()
    {
        // Three 300-byte objects and nine of 10 bytes: a mean of 82.5 bytes, so 500 bytes make 6 items for the
        // item-bounded peers, and 6 items can be 930 bytes.
        var rows = string.Concat(Enumerable.Repeat("big1,300,1\nbig2,300,1\nbig3,300,1\n", 2))
            + string.Concat(Enumerable.Range(1, 9).Select(i => $"s{i},10,1\n"));
        var path = Write("held.csv", "key,size_bytes,cost\n" + rows);
        var json = CliRunner.RunJson("cache", "replay", path, "--capacity", "500", "--json");
        Assert.Equal(6, json.GetProperty("item_peers_capacity_items").GetInt32());
        var results = json.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("policy").GetString()!);

        // Sampled before each of the 15 requests (fewer than Replayer.Samples). LRU in 500 bytes holds one
        // large object from the second request on, then adds the small ones: 0, 300 × 6, 310 … 380.
        Assert.Equal(4560.0 / 15, results["lru"].GetProperty("mean_held_bytes").GetDouble(), 0);
        Assert.Equal(380, results["lru"].GetProperty("peak_held_bytes").GetInt64());
        Assert.All(results.Values.Where(r => !r.GetProperty("policy").GetString()!.StartsWith("bitfaster", StringComparison.Ordinal)),
            r => Assert.InRange(r.GetProperty("peak_held_bytes").GetInt64(), 1, 500));

        // ConcurrentLfu takes the three large objects and the first three small ones before it must evict: 930 bytes.
        Assert.Equal(930, results["bitfaster-lfu"].GetProperty("peak_held_bytes").GetInt64());
    }

    [Fact]
    public void UnitSizeTraces_ReportHeldItems()
    {
        // Sampled before each request: 0 … 5 items, and 5 again once 6 has replaced one (JSON rounds the mean).
        var path = Write("held.trace", "1\n2\n3\n4\n5\n6\n1\n");
        var json = CliRunner.RunJson("cache", "replay", path, "--capacity-items", "5", "--policy", "belady", "--json");
        var result = Assert.Single(json.GetProperty("results").EnumerateArray());
        Assert.Equal(5, result.GetProperty("peak_held_items").GetInt64());
        Assert.Equal(Math.Round((0 + 1 + 2 + 3 + 4 + 5 + 5) / 7.0), result.GetProperty("mean_held_items").GetDouble());
        Assert.False(result.TryGetProperty("peak_held_bytes", out _));
    }

    [Fact]
    public void AnObjectLargerThanTheCapacity_IsAlwaysAMiss_NotAFailure()
    {
        var path = Write("big.csv", "key,size_bytes,cost\na,100,1\nhuge,5000,1\na,100,1\nhuge,5000,1\n");
        var json = CliRunner.RunJson("cache", "replay", path, "--capacity", "1000", "--json");
        // The byte-bounded caches never hold it; the item-bounded peers count it as one item and may.
        var byteBounded = json.GetProperty("results").EnumerateArray().Where(r => !r.GetProperty("policy").GetString()!.StartsWith("bitfaster", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, byteBounded.Count);
        Assert.All(byteBounded, r => Assert.Equal(0.25, r.GetProperty("hit_ratio").GetDouble(), 5));
    }

    [Fact]
    public void OnePolicy_RunsOnlyThatOne()
    {
        // With 5 slots, MIN keeps 1 and 2 past 3 … 7 (never needed again): hits on 1, 2, 1.
        var path = Write("keys.trace", "1\n2\n*\n3\n4\n5\n6\n1\n7\n2\n1\n");
        var json = CliRunner.RunJson("cache", "replay", path, "--capacity-items", "5", "--policy", "belady", "--json");
        var result = Assert.Single(json.GetProperty("results").EnumerateArray());
        Assert.Equal("belady", result.GetProperty("policy").GetString());
        Assert.Equal(3.0 / 10, result.GetProperty("hit_ratio").GetDouble(), 5);
    }

    [Fact]
    public void GzipAndBinaryTraces_AreRead()
    {
        var gz = Path.Combine(_directory, "orm-test.trace.gz");
        using (var file = File.Create(gz))
        using (var zip = new GZipStream(file, CompressionLevel.Fastest))
        {
            foreach (var key in new[] { 7, 8, 7, 7 })
            {
                zip.Write([(byte)(key >> 24), (byte)(key >> 16), (byte)(key >> 8), (byte)key]);
            }
        }

        var json = CliRunner.RunJson("cache", "replay", gz, "--capacity-items", "5", "--policy", "lru", "--json");
        Assert.Equal("BinaryInt32", json.GetProperty("format").GetString());
        Assert.Equal(0.5, json.GetProperty("results")[0].GetProperty("hit_ratio").GetDouble(), 5);
    }

    [Fact]
    public void BadInput_IsOneLineOnStderrWithExitCode2()
    {
        var sized = Write("sized.csv", "key,size_bytes,cost\na,1,1\n");
        var keys = Write("keys.trace", "1\n2\n");
        CliRunner.AssertUsageError("does not exist", "cache", "replay", Path.Combine(_directory, "missing.trace"), "--capacity-items", "10", "--json");
        CliRunner.AssertUsageError("not both", "cache", "replay", keys, "--capacity-items", "10", "--capacity", "1MiB", "--json");
        CliRunner.AssertUsageError("unknown policy 'fifo'", "cache", "replay", keys, "--capacity-items", "10", "--policy", "fifo", "--json");
        CliRunner.AssertUsageError("give --capacity SIZE", "cache", "replay", sized, "--capacity-items", "10", "--json");
        CliRunner.AssertUsageError("give --capacity-items N", "cache", "replay", keys, "--capacity", "1MiB", "--json");
        CliRunner.AssertUsageError("out of range", "cache", "replay", keys, "--capacity-items", "-3", "--json");
        CliRunner.AssertUsageError("line 3 'b,-5,1'", "cache", "replay", Write("bad.csv", "key,size_bytes,cost\na,1,1\nb,-5,1\n"), "--capacity", "1MiB", "--json");
        CliRunner.AssertUsageError("unknown trace format", "cache", "replay", Write("mystery.dat", "hello world, this is not a trace at all\n"), "--capacity-items", "10", "--json");
        CliRunner.AssertUsageError("holds no requests", "cache", "replay", Write("empty.csv", "key,size_bytes,cost\n"), "--capacity", "1MiB", "--json");
        CliRunner.AssertUsageError("is a directory, not a file", "cache", "replay", _directory, "--capacity-items", "10", "--json");
        CliRunner.AssertUsageError("Belady's MIN is the optimum for objects of one size only", "cache", "replay", sized, "--capacity", "1MiB", "--policy", "belady", "--json");
        CliRunner.AssertUsageError("out of range; use 5…", "cache", "replay", keys, "--capacity-items", "0", "--json");
        CliRunner.AssertUsageError("out of range; use 5…", "cache", "replay", keys, "--capacity-items", "99999999999", "--json");
    }

    [Theory]
    [InlineData("--capacity-items", "5")] // ConcurrentLfu 2.6.1 threw NullReferenceException at 3 and 4 (exit 1)
    [InlineData("--capacity", "64MiB")] // a byte capacity whose item count is below 5 is raised to 5
    public void TheSmallestCapacities_RunEveryPolicy(string option, string value)
    {
        var trace = option == "--capacity"
            ? SharedData.Files("traces", "media-session-a.csv.gz").Single()
            : SharedData.Files("traces", "gli.trace.gz").Single();
        var json = CliRunner.RunJson("cache", "replay", trace, option, value, "--json");
        Assert.Contains(json.GetProperty("results").EnumerateArray(), r => r.GetProperty("policy").GetString() == "bitfaster-lfu");
        Assert.Equal(5, json.TryGetProperty("capacity_items", out var items) ? items.GetInt32() : json.GetProperty("item_peers_capacity_items").GetInt32());
    }

    [Theory]
    [InlineData("keys.trace.gz", 2)] // LIRS keys: the cut falls inside the data
    [InlineData("keys.trace.gz", 4)]
    [InlineData("rows.csv.gz", 2)] // media CSV: without the check, the cut line is reported as a bad line
    [InlineData("rows.csv.gz", 3)]
    public void ATruncatedGzipTrace_IsReportedAsTruncated(string name, int divisor)
    {
        var text = name.EndsWith(".csv.gz", StringComparison.Ordinal)
            ? "key,size_bytes,cost\n" + string.Concat(Enumerable.Range(0, 20_000).Select(i => $"k{i * 7919 % 5003},{100 + (i % 37)},{i % 101}\n"))
            : string.Concat(Enumerable.Range(0, 20_000).Select(i => $"{i * 7919 % 5003}\n"));
        var whole = Gzip(System.Text.Encoding.ASCII.GetBytes(text));
        var path = WriteBytes(name, whole.AsSpan(0, whole.Length / divisor).ToArray());
        var capacity = name.EndsWith(".csv.gz", StringComparison.Ordinal) ? new[] { "--capacity", "1MiB" } : ["--capacity-items", "100"];

        CliRunner.AssertUsageError("truncated", ["cache", "replay", path, .. capacity, "--json"]);
    }

    [Fact]
    public void BrokenGzipFiles_AreReportedAsSuch()
    {
        var whole = Gzip("1\n2\n3\n"u8.ToArray());
        CliRunner.AssertUsageError("truncated", "cache", "replay", WriteBytes("header-only.trace.gz", whole.AsSpan(0, 10).ToArray()), "--capacity-items", "10", "--json");
        CliRunner.AssertUsageError("empty", "cache", "replay", WriteBytes("empty.trace.gz", []), "--capacity-items", "10", "--json");
        CliRunner.AssertUsageError("not gzip", "cache", "replay", Write("plain.csv.gz", "key,size_bytes,cost\na,1,1\n"), "--capacity", "1MiB", "--json");
        byte[] garbage = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 3, .. "garbage garbage garbage"u8];
        CliRunner.AssertUsageError("not valid gzip", "cache", "replay", WriteBytes("garbage.csv.gz", garbage), "--capacity", "1MiB", "--json");
    }

    [Theory]
    [InlineData("keys.trace.1", "gzip")] // a gzip that lost its .gz (the int32 fallback would replay its bytes as keys)
    [InlineData("orm-keys.bin", "gzip")] // named as an int32 trace
    [InlineData("keys.tgz", "gzip")]
    [InlineData("keys.xz", "xz")]
    [InlineData("keys.zst", "zstd")]
    [InlineData("keys.bz2", "bzip2")]
    [InlineData("keys.zip", "zip")]
    public void ACompressedTraceWithoutGz_IsRefusedByItsSignature(string name, string kind)
    {
        byte[] content = kind switch
        {
            "gzip" => Gzip("1\n2\n3\n4\n"u8.ToArray()),
            "xz" => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 0, 0, 0, 0, 0, 0],
            "zstd" => [0x28, 0xB5, 0x2F, 0xFD, 0, 0, 0, 0],
            "bzip2" => [.. "BZh91AY&SY"u8, 0, 0],
            _ => [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0],
        };

        CliRunner.AssertUsageError($"{kind}-compressed", "cache", "replay", WriteBytes(name, content), "--capacity-items", "10", "--json");
    }

    [Theory]
    [InlineData("1e400")] // parses as +Infinity
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("NaN")]
    public void ANonFiniteCost_IsABadLine(string cost)
    {
        var csv = Write("costs.csv", $"key,size_bytes,cost\na,100,5\nb,100,{cost}\na,100,5\n");
        CliRunner.AssertUsageError($"line 3 'b,100,{cost}'", "cache", "replay", csv, "--capacity", "1MiB", "--json");

        var penalties = Write("gcc-penalties.trace", $"l 0x10 1 1 5\nl 0x20 1 1 {cost}\n");
        CliRunner.AssertUsageError($"line 2 'l 0x20 1 1 {cost}'", "cache", "replay", penalties, "--capacity-items", "10", "--json");
    }

    [Fact]
    public void CostsThatAddUpBeyondADouble_AreRefused_NamingTheLine()
    {
        var path = Write("big-costs.csv", "key,size_bytes,cost\na,100,1e308\nb,100,1e308\na,100,1e308\n");
        CliRunner.AssertUsageError("line 3", "cache", "replay", path, "--capacity", "1MiB", "--json");
        CliRunner.AssertUsageError("add up to more than", "cache", "replay", path, "--capacity", "1MiB", "--json");
    }

    [Fact]
    public void AByteCapacityThatMakesMoreItemsThanTheCap_IsRefused_NamingTheDerivedCount()
    {
        // A mean object of 2 bytes: 400 MiB would give the item-bounded peers 209,715,200 items, more than the
        // 100,000,000 --capacity-items accepts (and ConcurrentLfu would size its structures for them).
        var path = Write("tiny-objects.csv", "key,size_bytes,cost\na,2,5\nb,2,5\na,2,5\n");
        CliRunner.AssertUsageError("209,715,200 items", "cache", "replay", path, "--capacity", "400MiB", "--json");
        CliRunner.AssertUsageError("--capacity 200000000", "cache", "replay", path, "--capacity", "400MiB", "--policy", "lru", "--json");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var zip = new GZipStream(output, CompressionLevel.Fastest))
        {
            zip.Write(data);
        }

        return output.ToArray();
    }

    private string WriteBytes(string name, byte[] content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
