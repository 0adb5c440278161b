using System.Text.Json;

namespace MediaMemory.Tests.Cli;

public sealed class PlanAliasingCommandTests : IDisposable
{
    private const string Header = "name,size_bytes,alignment,first_use,last_use";

    private readonly string _directory = Directory.CreateTempSubdirectory("mediamem-alias-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Json_ReportsTheArenaBoundsRatioGreedyBySizeAndEveryPlacement()
    {
        // a and b are alive together; c shares with either. Lower bound = a + b = 3072.
        var file = Write("ok.csv", Header, "a,1024,256,0,1", "b,2048,256,1,2", "c,512,256,3,3");

        var json = CliRunner.RunJson("plan-aliasing", file, "--json");

        Assert.Equal(3, json.GetProperty("resources").GetInt32());
        Assert.Equal(3072, json.GetProperty("arena_bytes").GetInt64());
        Assert.Equal(3072, json.GetProperty("lower_bound_bytes").GetInt64());
        Assert.Equal(3584, json.GetProperty("naive_bytes").GetInt64());
        Assert.Equal(1.0, json.GetProperty("ratio").GetDouble());
        Assert.Equal(3072, json.GetProperty("greedy_by_size_arena_bytes").GetInt64());
        var placements = json.GetProperty("placements").EnumerateArray().ToArray();
        Assert.Equal(["a", "b", "c"], placements.Select(p => p.GetProperty("name").GetString()));
        var offsets = placements.Select(p => p.GetProperty("offset").GetInt64()).ToArray();
        var aAndBShareBytes = offsets[0] < offsets[1] + 2048 && offsets[1] < offsets[0] + 1024;
        Assert.False(aAndBShareBytes, $"a at {offsets[0]} and b at {offsets[1]} are alive together at step 1 but overlap");
    }

    [Fact]
    public void Json_IsTheOnlyThingOnStdout()
    {
        var file = Write("one.csv", Header, "only,4096,4096,0,0");

        var (code, output, error) = CliRunner.Run("plan-aliasing", file, "--json");

        Assert.True(code == 0, $"exit {code}: {error}");
        Assert.Equal(string.Empty, error);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(4096, document.RootElement.GetProperty("arena_bytes").GetInt64());
    }

    [Fact]
    public void Table_WithoutJson_ShowsTheSummaryAndThePlacements()
    {
        var file = Write("table.csv", Header, "first_texture,1024,256,0,1", "second_texture,2048,256,1,2");

        var (code, output, error) = CliRunner.Run("plan-aliasing", file);

        Assert.True(code == 0, $"exit {code}: {error}");
        foreach (var text in new[] { "Arena, planned", "greedy-by-size", "Lower bound", "Without aliasing", "Placements", "first_texture", "second_texture" })
        {
            Assert.Contains(text, output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("line 1 (header)", "name,size_bytes,first_use,last_use", "a,1,0,0")]
    [InlineData("line 3 (row 2, 'b')", Header, "a,1,1,0,0", "b,-8,1,0,0")]
    [InlineData("line 2 (row 1, 'a')", Header, "a,eight,1,0,0")]
    [InlineData("line 2 (row 1, 'a')", Header, "a,8,1,4,2")]
    [InlineData("line 2 (row 1, 'a')", Header, "a,8,48,0,0")]
    [InlineData("line 3 (row 2, 'a')", Header, "a,8,1,0,0", "a,8,1,0,0")]
    [InlineData("line 1", Header)]
    [InlineData("empty")]
    [InlineData("line 2 (row 1, 'a'): size_bytes must be from 1 to 281474976710656", Header, "a,9223372036854775807,65536,0,1")]
    [InlineData("line 2 (row 1, 'a'): size_bytes must be from 1 to 281474976710656", Header, "a,9223372036854775807,1,0,1", "b,9223372036854775807,1,0,1")]
    [InlineData("line 3 (row 2, 'b'): size_bytes must be from 1 to 281474976710656", Header, "a,10,1,0,1", "b,9223372036854775000,1,0,1")]
    [InlineData("line 2 (row 1, 'a'): alignment must be a power of two from 1 to 65536", Header, "a,10,4611686018427387904,0,1", "b,10,4611686018427387904,0,1")]
    public void BadFile_IsOneLineOnStderrNamingTheRow_WithExitCode2(string expected, params string[] lines)
    {
        var file = Write("bad.csv", lines);

        var (code, output, error) = CliRunner.Run("plan-aliasing", file, "--json");

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("bad.csv", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFile_IsOneLineOnStderrWithExitCode2()
    {
        var missing = Path.Combine(_directory, "nope.csv");

        var (code, output, error) = CliRunner.Run("plan-aliasing", missing);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("nope.csv", error, StringComparison.Ordinal);
        Assert.Contains("no such file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void SizesAndPaddingAddingUpToMoreThan2To62_AreOneLineNamingTheRow_WithExitCode2()
    {
        // 2^14 resources of 2^48 bytes aligned to 64 KiB may need just over 2^62 bytes together.
        var rows = Enumerable.Range(0, 1 << 14).Select(i => $"r{i},281474976710656,65536,0,0");
        var file = Write("total.csv", [Header, .. rows]);

        CliRunner.AssertUsageError("total.csv: line 16385 (row 16384, 'r16383'): ", "plan-aliasing", file, "--json");
    }

    [Fact]
    public void ADirectory_IsOneLineSayingItIsADirectory_WithExitCode2()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_directory, "adir.csv")).FullName;

        CliRunner.AssertUsageError("adir.csv: is a directory, not a file", "plan-aliasing", directory, "--json");
    }

    [Fact]
    public void NoFileArgument_IsExitCode2()
    {
        var (code, _, error) = CliRunner.Run("plan-aliasing", "--json");

        Assert.Equal(2, code);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, lines.Length == 0 ? string.Empty : string.Join('\n', lines) + "\n");
        return path;
    }
}
