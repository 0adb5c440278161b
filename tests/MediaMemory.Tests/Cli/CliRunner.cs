using System.Text.Json;
using MediaMemory.Cli;

namespace MediaMemory.Tests.Cli;

/// <summary>Runs <c>mediamem</c> in-process with captured stdout and stderr.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CliApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Asserts that the command fails with exit code 2, no stdout and one stderr line containing <paramref name="expected"/>.</summary>
    public static void AssertUsageError(string expected, params string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.True(code == 2, $"exit code {code}, stderr: {error}");
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    /// <summary>Runs with <c>--json</c> expected to succeed and parses stdout as one JSON object.</summary>
    public static JsonElement RunJson(params string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.True(code == 0, $"exit code {code}, stderr: {error}");
        Assert.Equal(string.Empty, error);
        using var document = JsonDocument.Parse(output);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        return document.RootElement.Clone();
    }
}
