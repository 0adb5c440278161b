namespace MediaMemory.Tests.Cli;

public sealed class BenchCompressCommandTests
{
    [Fact]
    public void Json_HasOneRowPerCodecAndFilter_AllBitExact()
    {
        var image = SharedData.Files("kodak", "kodim01.png")[0];

        var json = CliRunner.RunJson("bench", "compress", "--input", image, "--repetitions", "1", "--json");

        Assert.Equal(1, json.GetProperty("images").GetInt32());
        Assert.Equal(768 * 512, json.GetProperty("pixels").GetInt64());
        var rows = json.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(6, rows.Length);
        var names = rows.Select(r => $"{r.GetProperty("codec").GetString()}/{r.GetProperty("filter").GetString()}").ToArray();
        Assert.Equal(["lz4/none", "lz4/planes", "lz4/planes-delta", "zstd/none", "zstd/planes", "zstd/planes-delta"], names);
        foreach (var row in rows)
        {
            Assert.Equal(6, row.EnumerateObject().Count());
            Assert.True(row.GetProperty("ratio").GetDouble() > 1, $"ratio {row.GetProperty("ratio")}");
            Assert.True(row.GetProperty("compress_mb_per_s").GetDouble() > 0, row.ToString());
            Assert.True(row.GetProperty("decompress_mb_per_s").GetDouble() > 0, row.ToString());
            Assert.True(row.GetProperty("bit_exact").GetBoolean(), row.ToString());
        }
    }

    [Fact]
    public void MissingInput_IsExitCode2_OneLine() =>
        CliRunner.AssertUsageError("neither a file nor a folder", "bench", "compress", "--input", "no/such/photo.jpg", "--json");

    [Fact]
    public void AFileThatIsNotAnImage_IsExitCode2_OneLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mm-not-image-{Guid.NewGuid():N}.png");
        File.WriteAllText(path, "not a picture");
        try
        {
            CliRunner.AssertUsageError("not an image", "bench", "compress", "--input", path, "--json");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AFolderWithoutImages_IsExitCode2_OneLine()
    {
        var folder = Directory.CreateTempSubdirectory("mm-empty-");
        try
        {
            CliRunner.AssertUsageError("holds no images", "bench", "compress", "--input", folder.FullName, "--json");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("0", "out of range")]
    [InlineData("many", "not a whole number")]
    [InlineData("99999999999", "--repetitions: 99999999999 is out of range; use 1…100")]
    public void BadRepetitions_IsExitCode2_OneLine(string value, string expected) =>
        CliRunner.AssertUsageError(expected, "bench", "compress", "--repetitions", value, "--json");
}
