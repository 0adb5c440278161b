using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using MediaMemory.Cli.Bench;
using MediaMemory.Cli.Commands;
using MediaMemory.Cli.Infrastructure;

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

    [Theory]
    [InlineData(true)] // returned 0 with "bit_exact": false in the JSON
    [InlineData(false)]
    public void ARoundTripThatIsNotBitExact_IsExitCode1_WithOneLineNamingIt_WithAndWithoutJson(bool json)
    {
        CompressBenchmarkRow[] rows =
        [
            new("lz4", "none", 2.0, 100, 200, BitExact: true),
            new("zstd", "planes", 3.0, 50, 150, BitExact: false),
        ];
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = BenchCommand.ReportCompress(new CliContext(output, error), new CompressBenchmarkResult(1, 4, 16, 1, rows), json);

        Assert.Equal(1, code);
        Assert.Single(error.ToString().TrimEnd().Split('\n'));
        Assert.Contains("not bit-exact: zstd/planes", error.ToString(), StringComparison.Ordinal);
        if (json)
        {
            using var document = JsonDocument.Parse(output.ToString()); // stdout is still one JSON object, and only that
            Assert.False(document.RootElement.GetProperty("results")[1].GetProperty("bit_exact").GetBoolean());
        }
        else
        {
            Assert.Contains("NO", output.ToString(), StringComparison.Ordinal);
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

    [Theory]
    [InlineData(60_000, 60_000)] // was exit 1, "Unable to allocate pixels for the bitmap"
    [InlineData(16_385, 16_384)] // one column above 2^28 pixels
    public void AnImageAboveTheLimit_IsRefusedFromItsHeader_NamingItsSize(int width, int height)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mm-huge-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, PngWithOnlyAHeader(width, height));
        try
        {
            CliRunner.AssertUsageError($"--input: {Path.GetFileName(path)} is {width}×{height} pixels", "bench", "compress", "--input", path, "--repetitions", "1", "--json");
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

    /// <summary>A PNG whose header says <paramref name="width"/> × <paramref name="height"/> (8-bit RGB) but whose
    /// image data is 1 KiB of zeros: enough for a decoder to read the size, nowhere near the whole image.</summary>
    private static byte[] PngWithOnlyAHeader(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bits per sample
        header[9] = 2; // colour type: RGB
        using var data = new MemoryStream();
        using (var zlib = new ZLibStream(data, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(new byte[1024]);
        }

        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", data.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>Writes a PNG chunk: length, type, data and the CRC-32 of type and data (ISO 3309, as PNG specifies).</summary>
    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        var crc = 0xFFFFFFFFu;
        foreach (var b in typeAndData)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        var word = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        png.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, ~crc);
        png.Write(word);
    }
}
