using MediaMemory.Budgeting;
using MediaMemory.Heaps;
using MediaMemory.Pressure;

namespace MediaMemory.Compression;

/// <summary>
/// Holds byte buffers (decoded images, tiles, effect state) in native memory reserved from a
/// <see cref="MemoryBudget"/>, and compresses those not leased for
/// <see cref="CompressedStoreOptions.InactiveAfter"/> — LZ4, or zstd for the coldest — so that their
/// budget goes back to the application. The first access after that decompresses them bit-exact.
/// As the Warning-stage <see cref="IPressureResponder"/> "compress inactive resources" it runs a pass
/// whenever the pressure level is Warning or above.
/// </summary>
/// <remarks>
/// <para>
/// Accounting: a resident entry holds one reservation of its length under
/// <see cref="CompressedStoreOptions.Category"/>; a compressed entry holds one of its compressed length
/// instead (the compressed reservation is made before the original's is released, so for a moment both
/// are held). Decompressing reserves the original length again and may throw
/// <see cref="MemoryBudgetExceededException"/>.
/// </para>
/// <para>
/// Thread-safe. One lock guards the id → entry table (short: a lookup or an insert); each entry has its
/// own lock, held while it is compressed, decompressed, leased or removed, so compressing one entry
/// never blocks access to another. A pass skips entries whose lock is taken (someone is using them)
/// rather than wait.
/// </para>
/// <para>
/// Errors: an id the store never issued is a <see cref="KeyNotFoundException"/>; an id that was removed
/// is an <see cref="ObjectDisposedException"/>; compressed data that fails its checksum is an
/// <see cref="InvalidDataException"/> — never garbage. Removing a leased entry is an
/// <see cref="InvalidOperationException"/>.
/// </para>
/// </remarks>
public sealed class CompressedStore : IPressureResponder, IDisposable
{
    /// <summary>Largest entry accepted: 1 GiB (arbitrary: a 16k×16k RGBA8 image; keeps every size an
    /// <see cref="int"/>, as <see cref="Span{T}"/> needs, with room for the compressed bound).</summary>
    public const long MaxEntryBytes = 1L << 30;

    private readonly MemoryBudget _budget;
    private readonly CompressedStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Entry> _entries = [];
    private long _nextId = 1;
    private long _compressions;
    private long _decompressions;
    private bool _disposed;

    /// <summary>Creates a store whose entries reserve from <paramref name="budget"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (named).</exception>
    public CompressedStore(MemoryBudget budget, CompressedStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(budget);
        options ??= new CompressedStoreOptions();
        ArgumentNullException.ThrowIfNull(options.TimeProvider, nameof(options.TimeProvider));
        if (!Enum.IsDefined(options.Category))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Category, $"{nameof(options.Category)}: unknown category");
        }

        if (options.Priority is < Priority.Low or > Priority.Essential)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Priority, $"{nameof(options.Priority)}: unknown priority");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.InactiveAfter, TimeSpan.Zero, nameof(options.InactiveAfter));
        if (options.ColdAfter is { } cold && cold < options.InactiveAfter)
        {
            throw new ArgumentOutOfRangeException(nameof(options), cold, $"{nameof(options.ColdAfter)} must be ≥ {nameof(options.InactiveAfter)} ({options.InactiveAfter})");
        }

        CompressedFormat.CheckSettings(CompressionCodec.Lz4, options.Filter, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ZstdLevel, 1, nameof(options.ZstdLevel));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.ZstdLevel, 19, nameof(options.ZstdLevel));
        if (options.MinimumSavingFraction is < 0 or > 1 || double.IsNaN(options.MinimumSavingFraction))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MinimumSavingFraction, $"{nameof(options.MinimumSavingFraction)} must be 0…1");
        }

        _budget = budget;
        _options = options;
        _time = options.TimeProvider;
    }

    /// <summary>"compress inactive resources", the name of this responder in pressure events.</summary>
    public string Name => "compress inactive resources";

    /// <summary><see cref="PressureStage.Compress"/>: the first, cheapest response to Warning.</summary>
    public PressureStage Stage => PressureStage.Compress;

    /// <summary>Entries held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Entries compressed since the store was made.</summary>
    public long Compressions => Interlocked.Read(ref _compressions);

    /// <summary>Entries decompressed (on access) since the store was made.</summary>
    public long Decompressions => Interlocked.Read(ref _decompressions);

    /// <summary>Copies <paramref name="data"/> into a new resident entry, reserving its length from the budget.</summary>
    /// <param name="data">The bytes, 1 byte … <see cref="MaxEntryBytes"/>.</param>
    /// <param name="bytesPerElement">Bytes per pixel (4 for RGBA8) for the image filter; 1 for data without pixels.</param>
    /// <returns>The new entry's id; its idle time starts now.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Empty or too large data, or an element size outside 1…16.</exception>
    /// <exception cref="MemoryBudgetExceededException">The budget refused the bytes.</exception>
    public CompressedEntryId Add(ReadOnlySpan<byte> data, int bytesPerElement = 1)
    {
        if (data.IsEmpty || data.Length > MaxEntryBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, $"an entry holds 1…{MaxEntryBytes} bytes");
        }

        CompressedFormat.CheckSettings(CompressionCodec.Lz4, CompressionFilter.None, bytesPerElement);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
        }

        var token = _budget.Reserve(data.Length, _options.Category, _options.Priority);
        NativeBlock block;
        try
        {
            block = new NativeBlock(data.Length);
        }
        catch
        {
            token.Dispose();
            throw;
        }

        data.CopyTo(block.GetSpan(0, data.Length));
        lock (_gate)
        {
            if (_disposed)
            {
                block.Dispose();
                token.Dispose();
                throw new ObjectDisposedException(nameof(CompressedStore));
            }

            var id = new CompressedEntryId(_nextId++);
            _entries.Add(id.Value, new Entry(id, data.Length, bytesPerElement, block, token, _time.GetTimestamp()));
            return id;
        }
    }

    /// <summary>
    /// Opens a lease on the entry, decompressing it first if it is compressed. The entry stays active
    /// (never compressed) until every lease is disposed.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The store never issued the id.</exception>
    /// <exception cref="ObjectDisposedException">The entry was removed, or the store disposed.</exception>
    /// <exception cref="MemoryBudgetExceededException">Decompressing needs bytes the budget refused.</exception>
    /// <exception cref="InvalidDataException">The compressed bytes are corrupt (the entry stays compressed).</exception>
    public CompressedLease Acquire(CompressedEntryId id)
    {
        var entry = Find(id);
        lock (entry.Gate)
        {
            ThrowIfRemoved(entry);
            if (entry.Block is null)
            {
                Decompress(entry);
            }

            entry.Leases++;
            entry.Incompressible = false; // a lease may write: try again after it
        }

        return new CompressedLease(this, entry);
    }

    /// <summary>Frees the entry's memory and its reservation. Its id is stale from now on.</summary>
    /// <exception cref="KeyNotFoundException">The store never issued the id.</exception>
    /// <exception cref="ObjectDisposedException">The entry was already removed.</exception>
    /// <exception cref="InvalidOperationException">A lease on the entry is open.</exception>
    public void Remove(CompressedEntryId id)
    {
        var entry = Find(id);
        lock (entry.Gate)
        {
            ThrowIfRemoved(entry);
            if (entry.Leases > 0)
            {
                throw new InvalidOperationException($"entry {id} has {entry.Leases} open lease(s); dispose them before removing it");
            }

            Free(entry);
        }

        lock (_gate)
        {
            _entries.Remove(id.Value);
        }
    }

    /// <summary>A snapshot of the entry.</summary>
    /// <exception cref="KeyNotFoundException">The store never issued the id.</exception>
    /// <exception cref="ObjectDisposedException">The entry was removed.</exception>
    public CompressedEntryInfo GetInfo(CompressedEntryId id)
    {
        var entry = Find(id);
        lock (entry.Gate)
        {
            ThrowIfRemoved(entry);
            return new CompressedEntryInfo(
                id,
                entry.Block is null ? CompressedEntryState.Compressed : CompressedEntryState.Resident,
                entry.OriginalBytes,
                entry.Packed is null ? 0 : entry.PackedBytes,
                entry.Packed is null ? null : entry.Codec,
                entry.Leases,
                entry.Leases > 0 ? TimeSpan.Zero : _time.GetElapsedTime(entry.LastReleasedTimestamp));
        }
    }

    /// <summary>
    /// Compresses every resident entry without open leases that has been idle for at least
    /// <see cref="CompressedStoreOptions.InactiveAfter"/> (zstd when idle for
    /// <see cref="CompressedStoreOptions.ColdAfter"/>), releasing its original reservation.
    /// </summary>
    public CompressionSweep CompressInactive()
    {
        Entry[] candidates;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            candidates = [.. _entries.Values];
        }

        int compressed = 0, skipped = 0;
        long original = 0, packed = 0;
        foreach (var entry in candidates)
        {
            // Someone holds the entry's lock: it is being accessed, so it is not inactive.
            if (!entry.Gate.TryEnter())
            {
                continue;
            }

            try
            {
                if (entry.Removed || entry.Block is null || entry.Leases > 0 || entry.Incompressible)
                {
                    continue;
                }

                var idle = _time.GetElapsedTime(entry.LastReleasedTimestamp);
                if (idle < _options.InactiveAfter)
                {
                    continue;
                }

                var codec = _options.ColdAfter is { } cold && idle >= cold ? CompressionCodec.Zstd : CompressionCodec.Lz4;
                if (TryCompress(entry, codec))
                {
                    compressed++;
                    original += entry.OriginalBytes;
                    packed += entry.PackedBytes;
                }
                else
                {
                    skipped++;
                }
            }
            finally
            {
                entry.Gate.Exit();
            }
        }

        return new CompressionSweep(compressed, skipped, original, packed);
    }

    /// <summary>Runs <see cref="CompressInactive"/> when the level is Warning or above; does nothing on Normal.</summary>
    public void Respond(PressureResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Level >= PressureLevel.Warning)
        {
            CompressInactive();
        }
    }

    /// <summary>Frees every entry and its reservation. Later calls do nothing.</summary>
    /// <exception cref="InvalidOperationException">A lease is open: its span points at memory this would free.
    /// The store is left as it was.</exception>
    /// <remarks>A lease opened by another thread while this runs (it found its entry before the store was
    /// marked disposed) keeps its entry until it is disposed, and the entry is freed then: memory is never
    /// freed under an open lease.</remarks>
    public void Dispose()
    {
        Entry[] all;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            all = [.. _entries.Values];
        }

        foreach (var entry in all)
        {
            lock (entry.Gate)
            {
                if (entry.Leases > 0)
                {
                    throw new InvalidOperationException($"the store cannot be disposed while entry {entry.Id} has {entry.Leases} open lease(s)");
                }
            }
        }

        lock (_gate)
        {
            if (_disposed)
            {
                return; // another thread disposed it meanwhile
            }

            _disposed = true;
            all = [.. _entries.Values];
            _entries.Clear();
        }

        foreach (var entry in all)
        {
            lock (entry.Gate)
            {
                if (entry.Removed)
                {
                    continue;
                }

                if (entry.Leases > 0)
                {
                    entry.FreeOnRelease = true; // leased since the check above: its last Release frees it
                }
                else
                {
                    Free(entry);
                }
            }
        }
    }

    /// <summary>Test hook: flips one bit of a compressed entry's stored bytes, as a disk or memory error would.</summary>
    internal void CorruptCompressedBytes(CompressedEntryId id, long offset)
    {
        var entry = Find(id);
        lock (entry.Gate)
        {
            var span = entry.Packed!.GetSpan(0, (int)entry.PackedBytes);
            span[(int)offset] ^= 0x10;
        }
    }

    internal void Release(Entry entry)
    {
        lock (entry.Gate)
        {
            entry.Leases--;
            entry.LastReleasedTimestamp = _time.GetTimestamp();
            if (entry.Leases == 0 && entry.FreeOnRelease)
            {
                Free(entry);
            }
        }
    }

    private Entry Find(CompressedEntryId id)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_entries.TryGetValue(id.Value, out var entry))
            {
                return entry;
            }

            if (id.Value > 0 && id.Value < _nextId)
            {
                throw new ObjectDisposedException(nameof(CompressedStore), $"entry {id} was removed");
            }

            throw new KeyNotFoundException($"entry {id} is unknown to this store");
        }
    }

    private static void ThrowIfRemoved(Entry entry)
    {
        if (entry.Removed)
        {
            throw new ObjectDisposedException(nameof(CompressedStore), $"entry {entry.Id} was removed");
        }
    }

    /// <summary>Compresses a resident entry; the caller holds its lock. False when it did not shrink enough
    /// (marked incompressible until next accessed) or the budget refused the compressed bytes.</summary>
    private bool TryCompress(Entry entry, CompressionCodec codec)
    {
        var length = (int)entry.OriginalBytes;
        var bound = CompressedFormat.GetMaxCompressedBytes(length);
        long written;

        // Compress into a scratch mapping of the worst-case size; only the pages written are ever touched
        // (4 KiB pages: a huge page would make up to 2 MiB beyond the written end resident).
        using (var scratch = new NativeBlock(bound, hugePages: false))
        {
            written = CompressedFormat.Compress(entry.Block!.GetSpan(0, length), scratch.GetSpan(0, (int)bound), codec, _options.Filter, entry.BytesPerElement, _options.ZstdLevel);
            if (written > entry.OriginalBytes * (1 - _options.MinimumSavingFraction))
            {
                entry.Incompressible = true;
                return false;
            }

            if (!_budget.TryReserve(written, _options.Category, _options.Priority, out var packedToken))
            {
                return false;
            }

            NativeBlock packed;
            try
            {
                packed = new NativeBlock(written);
            }
            catch (InsufficientMemoryException)
            {
                // The system refused the mapping: the entry stays as it was, its compressed bytes unreserved.
                packedToken.Dispose();
                return false;
            }

            scratch.GetSpan(0, (int)written).CopyTo(packed.GetSpan(0, (int)written));
            entry.Packed = packed;
            entry.PackedToken = packedToken;
        }

        entry.PackedBytes = written;
        entry.Codec = codec;
        entry.Block.Dispose();
        entry.Block = null;
        entry.Token.Dispose();
        Interlocked.Increment(ref _compressions);
        return true;
    }

    /// <summary>Decompresses an entry; the caller holds its lock. On any failure the entry stays compressed.</summary>
    private void Decompress(Entry entry)
    {
        var length = (int)entry.OriginalBytes;
        var token = _budget.Reserve(length, _options.Category, _options.Priority);
        NativeBlock? block = null;
        try
        {
            block = new NativeBlock(length);
            CompressedFormat.Decompress(entry.Packed!.GetSpan(0, (int)entry.PackedBytes), block.GetSpan(0, length));
        }
        catch
        {
            block?.Dispose();
            token.Dispose();
            throw;
        }

        entry.Block = block;
        entry.Token = token;
        entry.Packed.Dispose();
        entry.Packed = null;
        entry.PackedToken.Dispose();
        entry.PackedBytes = 0;
        entry.Incompressible = false;
        Interlocked.Increment(ref _decompressions);
    }

    private static void Free(Entry entry)
    {
        entry.Removed = true;
        entry.Block?.Dispose();
        entry.Block = null;
        entry.Token.Dispose();
        entry.Packed?.Dispose();
        entry.Packed = null;
        entry.PackedToken.Dispose();
    }

    /// <summary>One entry; every mutable field is guarded by <see cref="Gate"/>.</summary>
    internal sealed class Entry(CompressedEntryId id, long originalBytes, int bytesPerElement, NativeBlock block, AllocationToken token, long timestamp)
    {
        public Lock Gate { get; } = new();

        public CompressedEntryId Id { get; } = id;

        public long OriginalBytes { get; } = originalBytes;

        public int BytesPerElement { get; } = bytesPerElement;

        public NativeBlock? Block { get; set; } = block;

        public AllocationToken Token { get; set; } = token;

        public NativeBlock? Packed { get; set; }

        public AllocationToken PackedToken { get; set; }

        public long PackedBytes { get; set; }

        public CompressionCodec Codec { get; set; }

        public int Leases { get; set; }

        public long LastReleasedTimestamp { get; set; } = timestamp;

        public bool Removed { get; set; }

        /// <summary>The store was disposed while the entry was leased: the last lease's release frees it.</summary>
        public bool FreeOnRelease { get; set; }

        public bool Incompressible { get; set; }
    }
}
