using System.CommandLine;
using MediaMemory.Cli.Commands;
using MediaMemory.Cli.Infrastructure;

namespace MediaMemory.Cli;

/// <summary>
/// Builds and runs <c>mediamem</c>. Bad input gives one line on stderr and exit code 2; a failure
/// one line and exit code 1; never a stack trace for a user mistake (DESIGN.md, command-line contract).
/// </summary>
internal static class CliApp
{
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var context = new CliContext(output, error);
        var root = new RootCommand("mediamem: the memory subsystem of a photo/video editor, measured on this machine.")
        {
            InspectCommand.Create(context),
            DemoCommand.Create(context),
            PlanAliasingCommand.Create(context),
            BenchCommand.Create(context),
            CacheCommand.Create(context),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // An unknown word explains more than the "required command" error it also causes.
            var first = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parsed.Errors[0];
            error.WriteLine($"mediamem: {OneLine(first.Message)} (see 'mediamem --help')");
            return ExitCodes.BadInput;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException ex)
        {
            error.WriteLine($"mediamem: {OneLine(ex.Message)}");
            return ExitCodes.BadInput;
        }
#pragma warning disable CA1031 // The top level turns any failure into one line and exit code 1.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error.WriteLine($"mediamem: failed: {ex.GetType().Name}: {OneLine(ex.Message)}");
            return ExitCodes.Failure;
        }
    }

    // The contract is one line on stderr; a message may quote input that holds line breaks.
    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
