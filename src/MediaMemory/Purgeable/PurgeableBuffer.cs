using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MediaMemory.Budgeting;
using MediaMemory.Internals;

namespace MediaMemory.Purgeable;

/// <summary>
/// Native memory whose contents the system may discard while they are not needed, as Metal's purgeable
/// buffers: <see cref="SetState"/> to <see cref="PurgeableState.Volatile"/> when the contents can be rebuilt,
/// back to <see cref="PurgeableState.NonVolatile"/> before use — which reports
/// <see cref="PurgeableState.Empty"/> when they were discarded meanwhile (the caller then rebuilds them, or
/// lets a <see cref="PurgeableRegistry"/> do it).
/// </summary>
/// <remarks>
/// <para>
/// On Linux the kernel purges for real: the buffer is an anonymous <c>mmap</c>, and making it volatile calls
/// <c>madvise(MADV_FREE)</c> on its pages, which lets the kernel take any of them under memory pressure
/// without writing them anywhere; a page it takes reads as zeros afterwards. How the return to non-volatile
/// finds out whether any page was taken is in <c>PurgeableBuffer.Volatility.cs</c>. Where
/// <c>MADV_FREE</c> is missing (Linux before 4.5, other systems) only an explicit purge empties a buffer:
/// <see cref="SetState"/>(<see cref="PurgeableState.Empty"/>), or a <see cref="PurgeableRegistry"/> at
/// critical pressure.
/// </para>
/// <para>
/// Budget: the buffer reserves <see cref="SizeBytes"/> from the given <see cref="MemoryBudget"/> under the
/// caller's category. While volatile those bytes are moved to the budget's volatile pool
/// (<see cref="MemoryBudget.VolatileBytes"/>, <see cref="BudgetSnapshot.VolatileBytes"/>); once the buffer
/// is known to be empty they are given back; leaving <see cref="PurgeableState.Empty"/> reserves them again
/// (and can fail with <see cref="MemoryBudgetExceededException"/>, leaving the buffer empty).
/// </para>
/// <para>
/// Thread-safe: one lock per buffer serialises state changes, leases and dispose, so a buffer with a live
/// <see cref="PurgeableLease"/> can never be made volatile, purged or freed under its reader. The bytes seen
/// through a lease are not synchronised: concurrent writers of one buffer coordinate among themselves.
/// </para>
/// <para>
/// <see cref="Dispose"/> is idempotent (a second call does nothing), as .NET expects; every other member of
/// a disposed buffer throws <see cref="ObjectDisposedException"/>.
/// </para>
/// </remarks>
public sealed unsafe partial class PurgeableBuffer : IDisposable
{
    private readonly Lock _gate = new();
    private readonly MemoryBudget _budget;
    private readonly nuint _mappedBytes; // SizeBytes rounded up to whole pages (Linux) or SizeBytes
    private nint _base;                   // 0 once disposed; 0 while Empty on platforms without madvise
    private AllocationToken _token;       // default while Empty: the bytes were given back
    private PurgeableState _state;
    private readonly LeaseIds _leases = new(); // open leases, under _gate
    private bool _disposed;

    /// <summary>Allocates a zeroed, non-volatile buffer of <paramref name="sizeBytes"/> bytes, reserving them
    /// from <paramref name="budget"/> under <paramref name="category"/>.</summary>
    /// <param name="budget">The budget the bytes are accounted in.</param>
    /// <param name="sizeBytes">Size in bytes, 1 … <see cref="int.MaxValue"/> (a lease is one span).</param>
    /// <param name="category">What the contents are, for the budget's accounting.</param>
    /// <param name="priority">The reservation's priority (what it may reclaim from others when the budget is full).</param>
    /// <exception cref="ArgumentOutOfRangeException">The size is out of range, or the category or priority is undefined.</exception>
    /// <exception cref="MemoryBudgetExceededException">The budget could not grant the bytes.</exception>
    /// <exception cref="InsufficientMemoryException">The system refused the memory.</exception>
    public PurgeableBuffer(MemoryBudget budget, long sizeBytes, AllocationCategory category, Priority priority = Priority.Normal)
    {
        ArgumentNullException.ThrowIfNull(budget);
        if (sizeBytes is <= 0 or > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(sizeBytes), sizeBytes, "a purgeable buffer holds 1 … 2^31 − 1 bytes");
        }

        _budget = budget;
        SizeBytes = sizeBytes;
        Category = category;
        Priority = priority;
        _token = budget.Reserve(sizeBytes, category, priority);
        try
        {
            _mappedBytes = OperatingSystem.IsLinux() ? (nuint)Units.ByteMath.AlignUp(sizeBytes, LinuxMemory.PageSizeBytes) : (nuint)sizeBytes;
            _base = AllocatePages();
        }
        catch
        {
            _token.Dispose();
            throw;
        }
    }

    /// <summary>Size in bytes.</summary>
    public long SizeBytes { get; }

    /// <summary>The category the bytes are accounted under while non-volatile.</summary>
    public AllocationCategory Category { get; }

    /// <summary>The priority of the budget reservation.</summary>
    public Priority Priority { get; }

    /// <summary>The budget the bytes are reserved from.</summary>
    public MemoryBudget Budget => _budget;

    /// <summary>
    /// The state as last set or found. A <see cref="PurgeableState.Volatile"/> buffer may have been emptied
    /// by the kernel meanwhile; that is found (and reported) when it is made non-volatile.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public PurgeableState State
    {
        get
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                return _state;
            }
        }
    }

    /// <summary>True once disposed.</summary>
    public bool IsDisposed
    {
        get
        {
            lock (_gate)
            {
                return _disposed;
            }
        }
    }

    /// <summary>Why the contents were last lost, or null if they never were.</summary>
    public PurgeReason? LastPurgeReason { get; private set; }

    /// <summary>
    /// Bytes (whole pages) the kernel was found to have taken when the buffer last left
    /// <see cref="PurgeableState.Volatile"/>: 0 when it kept every page.
    /// </summary>
    public long LastKernelReclaimedBytes { get; private set; }

    /// <summary>True when this process's kernel purges volatile buffers itself (Linux with <c>MADV_FREE</c>);
    /// false until the first buffer was made volatile on Linux, and wherever only explicit purges empty them.</summary>
    public static bool KernelPurges => OperatingSystem.IsLinux() && s_madvFree == MadvFreeWorks;

    /// <summary>
    /// Sets the state and returns the previous one. Making a buffer <see cref="PurgeableState.NonVolatile"/>
    /// returns <see cref="PurgeableState.Empty"/> when its contents were discarded (by the kernel, a purge or
    /// an earlier <see cref="PurgeableState.Empty"/>): the buffer then holds zeros and the caller rebuilds it.
    /// Setting <see cref="PurgeableState.Empty"/> discards the contents now and gives the memory and the
    /// budget bytes back. An empty buffer made volatile stays empty.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An undefined state.</exception>
    /// <exception cref="InvalidOperationException">Volatile or Empty was asked while a lease is held.</exception>
    /// <exception cref="MemoryBudgetExceededException">Leaving Empty: the budget could not grant the bytes
    /// again (the buffer stays empty).</exception>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public PurgeableState SetState(PurgeableState state)
    {
        if (state is < PurgeableState.NonVolatile or > PurgeableState.Empty)
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "unknown purgeable state");
        }

        lock (_gate)
        {
            ThrowIfDisposed();
            var previous = _state;
            if (state != PurgeableState.NonVolatile && _leases.Count > 0)
            {
                throw new InvalidOperationException($"the buffer is leased ({_leases.Count} lease(s)); dispose them before making it {state}");
            }

            switch (state)
            {
                case PurgeableState.NonVolatile when previous == PurgeableState.Volatile:
                    if (!EndVolatile())
                    {
                        // The kernel took a page: the contents are gone. Discard the rest too (zeros, not a mix),
                        // keep the reservation (the caller refills the buffer at once).
                        DiscardPages();
                        LastPurgeReason = PurgeReason.Kernel;
                        previous = PurgeableState.Empty;
                    }

                    _budget.SetVolatile(_token, false);
                    break;
                case PurgeableState.NonVolatile when previous == PurgeableState.Empty:
                    _token = _budget.Reserve(SizeBytes, Category, Priority);
                    if (_base == 0)
                    {
                        try
                        {
                            _base = AllocatePages();
                        }
                        catch
                        {
                            _token.Dispose();
                            _token = default;
                            throw;
                        }
                    }

                    break;
                case PurgeableState.Volatile when previous == PurgeableState.NonVolatile:
                    BeginVolatile();
                    _budget.SetVolatile(_token, true);
                    break;
                case PurgeableState.Empty when previous != PurgeableState.Empty:
                    if (previous == PurgeableState.Volatile && CountReclaimedPages() > 0)
                    {
                        previous = PurgeableState.Empty; // the kernel had emptied it already
                    }

                    PurgeCore(PurgeReason.Requested);
                    return previous;
                default:
                    return previous; // no change: NonVolatile→NonVolatile, Volatile→Volatile, Empty→Volatile/Empty
            }

            _state = state;
            return previous;
        }
    }

    /// <summary>Gives access to the bytes until the lease is disposed; meanwhile the buffer cannot be made
    /// volatile, purged nor disposed.</summary>
    /// <exception cref="InvalidOperationException">The buffer is not <see cref="PurgeableState.NonVolatile"/>.</exception>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public PurgeableLease Lease()
    {
        lock (_gate)
        {
            ThrowIfDisposed();
            if (_state != PurgeableState.NonVolatile)
            {
                throw new InvalidOperationException($"the buffer is {_state}; make it NonVolatile (SetState, or PurgeableRegistry.EnsureResident) before using it");
            }

            return new PurgeableLease(this, _leases.Open(), new Span<byte>((void*)_base, (int)SizeBytes));
        }
    }

    /// <summary>Frees the memory and gives the budget bytes back; later calls do nothing.</summary>
    /// <exception cref="InvalidOperationException">A lease is held (the memory would be freed under its reader).</exception>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (_leases.Count > 0)
            {
                throw new InvalidOperationException($"the buffer is leased ({_leases.Count} lease(s)); dispose them before the buffer");
            }

            _disposed = true;
            FreePages();
            _token.Dispose();
            _token = default;
        }
    }

    /// <summary>
    /// Makes the buffer non-volatile and, if it was empty, fills it with <paramref name="restore"/> under the
    /// buffer's lock, so no one can make it volatile or purge it half-way. Returns the previous state.
    /// </summary>
    internal PurgeableState MakeResident(PurgeableRestore restore)
    {
        lock (_gate)
        {
            var previous = SetState(PurgeableState.NonVolatile); // Lock is reentrant
            if (previous != PurgeableState.Empty)
            {
                return previous;
            }

            try
            {
                restore(new Span<byte>((void*)_base, (int)SizeBytes));
            }
            catch
            {
                PurgeCore(PurgeReason.Requested); // never leave a half-rebuilt buffer looking resident
                throw;
            }

            return previous;
        }
    }

    /// <summary>Purges the buffer if it is volatile; returns the budget bytes given back (0 if it was not volatile).</summary>
    /// <param name="reason">Why, for <see cref="LastPurgeReason"/>.</param>
    /// <param name="skipIfBusy">Return 0 at once when another thread holds the buffer's lock, instead of
    /// waiting for it. For the budget's reclaim, which can run on a thread that holds another buffer's lock
    /// (leaving <see cref="PurgeableState.Empty"/> reserves bytes under it): waiting there could deadlock
    /// with a thread doing the same the other way round. A buffer busy now is in use, not one to purge.</param>
    internal long PurgeIfVolatile(PurgeReason reason, bool skipIfBusy = false)
    {
        if (skipIfBusy)
        {
            if (!_gate.TryEnter())
            {
                return 0;
            }
        }
        else
        {
            _gate.Enter();
        }

        try
        {
            if (_disposed || _state != PurgeableState.Volatile)
            {
                return 0;
            }

            PurgeCore(reason);
            return SizeBytes;
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>Whether the buffer is volatile now, read without its lock (a snapshot that may be stale at
    /// once): for the registry's reclaimable count, which the budget asks for on a thread that may hold
    /// another buffer's lock (see <see cref="PurgeIfVolatile"/>).</summary>
    internal bool IsVolatileSnapshot => !Volatile.Read(ref _disposed) && (PurgeableState)Volatile.Read(ref Unsafe.As<PurgeableState, int>(ref _state)) == PurgeableState.Volatile;

    /// <summary>The start of the pages, for tests that play the kernel (drop a page with madvise).</summary>
    internal nint BaseAddress => _base;

    internal void ReleaseLease(long id)
    {
        lock (_gate)
        {
            // A copy of a lease disposed after the original ends nothing: ending another live lease would let
            // the buffer be made volatile, purged or freed under that lease's reader.
            if (!_leases.TryClose(id))
            {
                throw new InvalidOperationException("a lease on the purgeable buffer was released twice (a copy of a lease was disposed)");
            }
        }
    }

    /// <summary>Empties the buffer: the pages go back to the system, the bytes to the budget. Under the lock.</summary>
    private void PurgeCore(PurgeReason reason)
    {
        if (OperatingSystem.IsLinux())
        {
            DiscardPages();
        }
        else
        {
            FreePages(); // without madvise, freeing is the only way to give the memory back
        }

        _token.Dispose();
        _token = default;
        _state = PurgeableState.Empty;
        _marker = 0; // no page holds this episode's marker any more: never compare against it again
        LastPurgeReason = reason;
    }

    private nint AllocatePages()
    {
        if (OperatingSystem.IsLinux())
        {
            return (nint)LinuxMemory.Map(_mappedBytes, populate: false);
        }

        var memory = NativeMemory.AlignedAlloc(_mappedBytes, (nuint)Environment.SystemPageSize);
        if (memory is null)
        {
            throw new InsufficientMemoryException($"could not allocate {_mappedBytes} bytes");
        }

        NativeMemory.Clear(memory, _mappedBytes);
        return (nint)memory;
    }

    /// <summary>Linux: drops every page now (<c>MADV_DONTNEED</c>); they read as zeros afterwards.</summary>
    private void DiscardPages()
    {
        var errno = LinuxMemory.Advise((void*)_base, _mappedBytes, LinuxMemory.MadvDontNeed);
        if (errno != 0)
        {
            // Cannot happen for a private anonymous mapping we own; if it does, zero by hand so that no old
            // content can ever be mistaken for a rebuilt one.
            NativeMemory.Clear((void*)_base, _mappedBytes);
        }
    }

    private void FreePages()
    {
        var start = _base;
        _base = 0;
        if (start == 0)
        {
            return;
        }

        if (OperatingSystem.IsLinux())
        {
            LinuxMemory.Unmap((void*)start, _mappedBytes);
        }
        else
        {
            NativeMemory.AlignedFree((void*)start);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
