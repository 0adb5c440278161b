using System.Text.Json;
using System.Text.Json.Nodes;

namespace MediaMemory.Cli.Infrastructure;

/// <summary>Writes a command's single JSON object on stdout, snake_case, nothing else.</summary>
internal static class JsonOutput
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static void Write(TextWriter output, JsonObject value)
    {
        output.WriteLine(value.ToJsonString(Options));
        output.Flush();
    }
}
