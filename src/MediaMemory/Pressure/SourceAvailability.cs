namespace MediaMemory.Pressure;

/// <summary>Whether a signal source works on this machine, and in a sentence why or why not.</summary>
/// <param name="IsAvailable">True when the source is (or can be) running here.</param>
/// <param name="Detail">What it reads when available (e.g. <c>/proc/pressure/memory</c>); why not otherwise.</param>
public readonly record struct SourceAvailability(bool IsAvailable, string Detail)
{
    /// <summary>An available source reading <paramref name="detail"/>.</summary>
    public static SourceAvailability Available(string detail) => new(true, detail);

    /// <summary>An unavailable source, with the reason.</summary>
    public static SourceAvailability Unavailable(string reason) => new(false, reason);

    /// <summary>Not started yet.</summary>
    public static SourceAvailability NotStarted { get; } = new(false, "not started");
}
