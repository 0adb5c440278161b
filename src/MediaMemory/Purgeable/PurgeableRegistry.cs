using MediaMemory.Budgeting;
using MediaMemory.Pressure;

namespace MediaMemory.Purgeable;

/// <summary>
/// Keeps a restore callback per <see cref="PurgeableBuffer"/> so that <see cref="EnsureResident"/> gives the
/// caller its exact contents back — kept, or rebuilt from the source when the buffer was emptied — and purges
/// volatile buffers itself at <see cref="PressureLevel.Critical"/> as a responder of stage
/// <see cref="PressureStage.PurgeVolatile"/>.
/// </summary>
/// <remarks>
/// <para>
/// Why purge explicitly at Critical even on Linux, where the kernel purges volatile pages itself: the kernel
/// takes them only when it reclaims, page by page and after the page cache, and the budget learns of it only
/// when the buffer is next made non-volatile. At Critical the process is close to being killed, so the
/// registry empties every volatile buffer at once (<c>MADV_DONTNEED</c>, or a free where there is no
/// madvise): the memory is back immediately and the budget's volatile pool drops by the same bytes. Where
/// <c>MADV_FREE</c> is missing this is the only way volatile memory is ever given back. Falling levels and
/// Warning do nothing.
/// </para>
/// <para>
/// Thread-safe: a lock guards the table of buffers (never held while a buffer's lock is taken or a callback
/// runs). Each buffer's own lock makes making it resident and restoring it one step for other users of that
/// buffer: no one can make it volatile or purge it while its restore runs. The registry holds its buffers
/// strongly until <see cref="Unregister"/>; a disposed buffer left registered is skipped.
/// </para>
/// </remarks>
public sealed class PurgeableRegistry : IPressureResponder, IMemoryReclaimer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PurgeableBuffer, PurgeableRestore> _restores = new(ReferenceEqualityComparer.Instance);
    private readonly List<PurgeableBuffer> _registrationOrder = []; // the purge order (a dictionary's is not kept)
    private long _purgedBytes;
    private long _restoredBuffers;

    /// <summary>Creates an empty registry.</summary>
    /// <param name="name">A name for reports and logs; "purgeable" when null.</param>
    public PurgeableRegistry(string? name = null)
    {
        Name = name ?? "purgeable";
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>
    /// As a reclaimer (register it with <see cref="MemoryBudget.RegisterReclaimer"/>): <see cref="Priority.Low"/>.
    /// Volatile contents are the cheapest memory to give up — their owner already said it can rebuild
    /// them — so a request of any higher priority that does not fit purges volatile buffers first.
    /// </summary>
    public Priority Priority => Priority.Low;

    /// <summary>Bytes of the registered buffers that are volatile now (read without the buffers' locks: the
    /// budget asks while reclaiming, possibly on a thread that holds one of them).</summary>
    public long ReclaimableBytes
    {
        get
        {
            long bytes = 0;
            foreach (var buffer in Snapshot())
            {
                if (buffer.IsVolatileSnapshot)
                {
                    bytes += buffer.SizeBytes;
                }
            }

            return bytes;
        }
    }

    /// <summary>Runs at <see cref="PressureStage.PurgeVolatile"/>.</summary>
    public PressureStage Stage => PressureStage.PurgeVolatile;

    /// <summary>Buffers registered now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _restores.Count;
            }
        }
    }

    /// <summary>Bytes of registered buffers purged by <see cref="PurgeVolatile"/> (and so at Critical) since creation.</summary>
    public long PurgedBytes => Interlocked.Read(ref _purgedBytes);

    /// <summary>How many times <see cref="EnsureResident"/> rebuilt an emptied buffer.</summary>
    public long RestoredBuffers => Interlocked.Read(ref _restoredBuffers);

    /// <summary>Registers <paramref name="buffer"/> with the callback that rebuilds its contents from their source.</summary>
    /// <exception cref="ArgumentException">The buffer is already registered.</exception>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public void Register(PurgeableBuffer buffer, PurgeableRestore restore)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(restore);
        ObjectDisposedException.ThrowIf(buffer.IsDisposed, buffer);
        lock (_gate)
        {
            if (!_restores.TryAdd(buffer, restore))
            {
                throw new ArgumentException("the buffer is already registered", nameof(buffer));
            }

            _registrationOrder.Add(buffer);
        }
    }

    /// <summary>Forgets a buffer; returns false if it was not registered. Does not dispose it.</summary>
    public bool Unregister(PurgeableBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        lock (_gate)
        {
            if (!_restores.Remove(buffer))
            {
                return false;
            }

            _registrationOrder.Remove(buffer); // by reference: a buffer does not override Equals
            return true;
        }
    }

    /// <summary>
    /// Makes <paramref name="buffer"/> non-volatile with its exact contents: kept if the system did not take
    /// them, else rebuilt by its restore callback. Returns the state it had, as
    /// <see cref="PurgeableBuffer.SetState"/> does: <see cref="PurgeableState.Empty"/> means it was rebuilt.
    /// </summary>
    /// <remarks>If the callback throws, the buffer is emptied again (never left half rebuilt) and the
    /// exception propagates.</remarks>
    /// <exception cref="ArgumentException">The buffer is not registered.</exception>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    /// <exception cref="Budgeting.MemoryBudgetExceededException">It was empty and the budget could not grant its bytes again.</exception>
    public PurgeableState EnsureResident(PurgeableBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        PurgeableRestore? restore;
        lock (_gate)
        {
            if (!_restores.TryGetValue(buffer, out restore))
            {
                throw new ArgumentException("the buffer is not registered with this registry", nameof(buffer));
            }
        }

        var previous = buffer.MakeResident(restore);
        if (previous == PurgeableState.Empty)
        {
            Interlocked.Increment(ref _restoredBuffers);
        }

        return previous;
    }

    /// <summary>Empties every registered volatile buffer now; returns the budget bytes given back.</summary>
    public long PurgeVolatile() => PurgeVolatileCore(PurgeReason.Requested);

    /// <summary>At <see cref="PressureLevel.Critical"/>, purges every registered volatile buffer; otherwise does nothing.</summary>
    public void Respond(PressureResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Level == PressureLevel.Critical)
        {
            PurgeVolatileCore(PurgeReason.CriticalPressure);
        }
    }

    /// <summary>Purges volatile buffers, in registration order, until about <paramref name="bytesWanted"/> are
    /// given back. Skips a buffer another thread holds at that moment (it is in use, and waiting for it could
    /// deadlock: the budget calls this from a reservation, which may be made under a buffer's lock).</summary>
    public long Reclaim(long bytesWanted, ReclaimReason reason) => PurgeVolatileCore(PurgeReason.BudgetReclaim, bytesWanted, skipBusy: true);

    private long PurgeVolatileCore(PurgeReason reason, long bytesWanted = long.MaxValue, bool skipBusy = false)
    {
        long released = 0;
        foreach (var buffer in Snapshot())
        {
            if (released >= bytesWanted)
            {
                break;
            }

            released += buffer.PurgeIfVolatile(reason, skipBusy);
        }

        Interlocked.Add(ref _purgedBytes, released);
        return released;
    }

    private PurgeableBuffer[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _registrationOrder];
        }
    }
}
