using MediaMemory.Heaps;

namespace MediaMemory.Tests.Heaps;

/// <summary>Reading resource lists for the aliasing planner, and refusing bad ones with the line named.</summary>
public sealed class AliasPlannerCsvTests
{
    [Fact]
    public void Read_AcceptsColumnsInAnyOrder_IgnoresExtraColumnsAndBlankLines()
    {
        const string text = "last_use,Name,comment,first_use,alignment,size_bytes\r\n3,op0,hello,1,256,4096\r\n\r\n5,\"op,1\",,2,65536,100\n";

        var resources = TransientResourceCsv.Read(new StringReader(text));

        Assert.Equal(2, resources.Count);
        Assert.Equal(new TransientResource("op0", 4096, 256, 1, 3), resources[0]);
        Assert.Equal(new TransientResource("op,1", 100, 65536, 2, 5), resources[1]);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("\n\n", "empty")]
    [InlineData("name,size_bytes,alignment,first_use\na,1,1,0\n", "line 1 (header): the header lacks column last_use")]
    [InlineData("name,size_bytes,first_use\na,1,0\n", "lacks columns alignment, last_use")]
    [InlineData("name,size_bytes,alignment,first_use,last_use,size_bytes\na,1,1,0,0,1\n", "line 1 (header): column 'size_bytes' appears twice")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\n", "line 1: the file has a header but no resources")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,1,1,0,0\nb,12x,1,0,0\n", "line 3 (row 2, 'b'): size_bytes '12x' is not a whole number")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,-4,1,0,0\n", "line 2 (row 1, 'a'): size_bytes must be from 1 to 281474976710656 (2^48), got -4")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,0,1,0,0\n", "line 2 (row 1, 'a'): size_bytes must be from 1 to 281474976710656 (2^48), got 0")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,9223372036854775807,65536,0,1\n", "line 2 (row 1, 'a'): size_bytes must be from 1 to 281474976710656 (2^48), got 9223372036854775807")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,281474976710657,1,0,1\n", "line 2 (row 1, 'a'): size_bytes must be from 1 to 281474976710656 (2^48), got 281474976710657")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,99999999999999999999,1,0,1\n", "line 2 (row 1, 'a'): size_bytes must be from 1 to 281474976710656 (2^48), got 99999999999999999999")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,10,4611686018427387904,0,1\n", "line 2 (row 1, 'a'): alignment must be a power of two from 1 to 65536, got 4611686018427387904")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,10,131072,0,1\n", "line 2 (row 1, 'a'): alignment must be a power of two from 1 to 65536, got 131072")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,8,1,0,0\n\nb,8,24,0,0\n", "line 4 (row 2, 'b'): alignment must be a power of two")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,8,0,0,0\n", "line 2 (row 1, 'a'): alignment must be a power of two")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,8,1,5,4\n", "line 2 (row 1, 'a'): last_use 4 is before first_use 5")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,8,1,-1,4\n", "line 2 (row 1, 'a'): first_use must be a step from 0")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,8,1,0,99999999999\n", "last_use must be a step from 0 to 2147483647")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,8,1,0,0\na,8,1,1,1\n", "line 3 (row 2, 'a'): the name is already used on line 2")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\na,8,1\n", "line 2 (row 1): has 3 fields but the header needs 5")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\n,8,1,0,0\n", "line 2 (row 1): the name is empty")]
    [InlineData("name,size_bytes,alignment,first_use,last_use\n\"a,8,1,0,0\n", "line 2 (row 1): a quoted field is not closed")]
    public void Read_BadFile_IsRefusedWithOneLineNamingTheRowAndTheProblem(string text, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => TransientResourceCsv.Read(new StringReader(text)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Read_RowsWhoseSizesAndPaddingAddUpToMoreThan2To62_AreRefusedAtTheRowThatPassesIt()
    {
        // Each row may need 2^48 + 2^16 − 1 bytes: row 2^14 takes the total just over 2^62.
        var rows = Enumerable.Range(0, 1 << 14).Select(i => $"r{i},281474976710656,65536,0,0");
        var text = "name,size_bytes,alignment,first_use,last_use\n" + string.Join('\n', rows) + "\n";

        var ex = Assert.Throws<InvalidDataException>(() => TransientResourceCsv.Read(new StringReader(text)));

        Assert.Contains("line 16385 (row 16384, 'r16383'): ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("4611686018427387904", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void ReadFile_MissingFile_ThrowsFileNotFound() =>
        Assert.Throws<FileNotFoundException>(() => TransientResourceCsv.ReadFile(Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.csv")));
}
