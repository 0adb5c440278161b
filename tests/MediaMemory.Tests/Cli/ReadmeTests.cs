namespace MediaMemory.Tests.Cli;

/// <summary>The README's table of <c>mediamem</c> commands renders as one table.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void CommandTable_IsOneUnbrokenTable_WithARowForEveryCommand()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository.Root, "README.md"));
        var header = Array.IndexOf(lines, "| Command | What it prints |");
        Assert.True(header >= 0, "README.md has no line '| Command | What it prints |'");

        // Markdown ends a table at the first line that is not a row: a blank line cuts off the rows after it.
        var rows = lines.Skip(header + 2).TakeWhile(line => line.StartsWith('|')).ToArray();

        foreach (var command in new[] { "inspect", "demo", "plan-aliasing", "bench pressure", "cache replay", "bench compress", "bench heap" })
        {
            Assert.True(
                rows.Any(row => row.StartsWith($"| `mediamem {command} ", StringComparison.Ordinal)),
                $"README.md's command table (lines {header + 1}…{header + 2 + rows.Length}) has no row for 'mediamem {command}'");
        }
    }
}
