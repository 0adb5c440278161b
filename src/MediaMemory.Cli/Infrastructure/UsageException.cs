namespace MediaMemory.Cli.Infrastructure;

/// <summary>A mistake in what the user asked for: printed as one line on stderr, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
