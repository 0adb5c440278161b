using MediaMemory.Pressure;

namespace MediaMemory.Tests.Pressure.Sources;

/// <summary>Records every <see cref="ISignalSource{TState}.Changed"/> of one source, thread-safely.</summary>
internal sealed class SignalRecorder<TState>
    where TState : struct, Enum
{
    private readonly Lock _gate = new();
    private readonly List<SignalChangedEventArgs<TState>> _changes = [];

    public SignalRecorder(ISignalSource<TState> source) => source.Changed += (_, e) =>
    {
        lock (_gate)
        {
            _changes.Add(e);
        }
    };

    public IReadOnlyList<SignalChangedEventArgs<TState>> Changes
    {
        get
        {
            lock (_gate)
            {
                return [.. _changes];
            }
        }
    }

    /// <summary>The states changed to, in order.</summary>
    public IReadOnlyList<TState> States => [.. Changes.Select(c => c.Current)];
}
