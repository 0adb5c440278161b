using MediaMemory.Caching.Internals;

namespace MediaMemory.Caching;

/// <summary>Building values: single-flight creation on a miss, and prefetch on background work.</summary>
public sealed partial class ResourceCache<TKey, TValue>
{
    /// <summary>Predictions at or below this probability are not prefetched (the 0.7).</summary>
    public const double PrefetchThreshold = 0.7;

    /// <summary>
    /// Returns a pinned lease on <paramref name="key"/>'s value, building it with <paramref name="factory"/>
    /// on a miss. Concurrent misses on one key build it once (single flight): the others wait for that
    /// build and pin its result. A built value is always stored (its caller holds it; admission applies to
    /// <see cref="Set"/>), evicting by the policy to make room.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="factory">Builds the value with its size and cost; the cache owns the value it returns.</param>
    /// <param name="cancellationToken">Cancels this caller's wait (and the build, if this caller runs it).</param>
    /// <returns>A lease; dispose it when done with the value.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The factory declared a negative size or cost, or a size above the capacity (its value is disposed).</exception>
    /// <exception cref="InvalidOperationException">The value could not be stored (and was disposed): pinned entries
    /// hold the capacity — its bytes, or with <see cref="CapacityItems"/> every entry slot — so no room could be
    /// made until leases are disposed; or the budget refused the bytes even after the cache evicted every unpinned
    /// entry. The message says which, with the figures.</exception>
    /// <exception cref="ObjectDisposedException">The cache was disposed.</exception>
    public async ValueTask<CacheLease<TValue>> GetOrCreateAsync(
        TKey key, Func<TKey, CancellationToken, ValueTask<CacheItem<TValue>>> factory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(factory);
        while (true)
        {
            if (TryPin(key, out var lease))
            {
                return lease;
            }

            var mine = new TaskCompletionSource<KeyedEntry<TKey, TValue>?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var flight = _inflight.GetOrAdd(key, mine.Task);
            if (flight != mine.Task)
            {
                var built = await flight.WaitAsync(cancellationToken).ConfigureAwait(false);
                if (built is not null && built.TryPin())
                {
                    return new CacheLease<TValue>(built);
                }

                continue; // the build was cancelled, not stored, or already evicted: look again
            }

            try
            {
                // Another flight may have stored the key between the lookup and the registration.
                if (_map.TryGetValue(key, out var resident) && resident.TryPin())
                {
                    mine.TrySetResult(resident);
                    return new CacheLease<TValue>(resident);
                }

                var entry = await BuildAsync(key, factory, cancellationToken).ConfigureAwait(false);
                var outcome = Store(entry, admit: false, maxVictimCostMicros: long.MaxValue, pin: true);
                if (outcome != StoreOutcome.Stored)
                {
                    ObjectDisposedException.ThrowIf(outcome == StoreOutcome.Disposed, this);
                    throw new InvalidOperationException(DescribeRefusedBuild(outcome, entry.SizeBytes));
                }

                mine.TrySetResult(entry);
                return new CacheLease<TValue>(entry);
            }
            catch (OperationCanceledException)
            {
                mine.TrySetResult(null); // waiters build it themselves rather than inherit this caller's cancellation
                throw;
            }
            catch (Exception ex)
            {
                mine.TrySetException(ex);
                _ = mine.Task.Exception; // observed here: waiters get it too, but with none the task would be reported as unobserved
                throw;
            }
            finally
            {
                _inflight.TryRemove(new KeyValuePair<TKey, Task<KeyedEntry<TKey, TValue>?>>(key, mine.Task));
            }
        }
    }

    /// <summary>
    /// Schedules the creation of predicted entries with probability above <see cref="PrefetchThreshold"/>,
    /// most probable first, on the <see cref="ResourceCacheOptions.BackgroundWork"/> (which pauses at
    /// Warning and cancels at Critical). Keys already resident or being built are skipped, and a prefetch
    /// never replaces an entry stored under its key while it was building (its value is disposed). A prefetched
    /// value is stored only if no entry whose recreation cost exceeds the prediction's worth
    /// (probability × the new value's cost) has to be evicted for it; otherwise it is disposed.
    /// </summary>
    /// <returns>How many predictions were scheduled.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A probability outside 0…1 or NaN.</exception>
    /// <exception cref="InvalidOperationException">The options named no <see cref="ResourceCacheOptions.BackgroundWork"/>.</exception>
    /// <exception cref="ObjectDisposedException">The cache (or the background work) was disposed.</exception>
    public int Prefetch(IEnumerable<PrefetchPrediction<TKey>> predictions, Func<TKey, CancellationToken, ValueTask<CacheItem<TValue>>> factory)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(factory);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var background = _background ?? throw new InvalidOperationException($"cache '{Name}' has no BackgroundWork to prefetch on; set ResourceCacheOptions.BackgroundWork");
        var seen = new HashSet<TKey>(_comparer);
        var chosen = new List<PrefetchPrediction<TKey>>();
        foreach (var prediction in predictions)
        {
            if (double.IsNaN(prediction.Probability) || prediction.Probability < 0 || prediction.Probability > 1)
            {
                throw new ArgumentOutOfRangeException(nameof(predictions), prediction.Probability, $"the probability of key '{prediction.Key}' must be within 0…1");
            }

            ArgumentNullException.ThrowIfNull(prediction.Key, nameof(predictions));
            if (prediction.Probability > PrefetchThreshold && seen.Add(prediction.Key) && !_map.ContainsKey(prediction.Key) && !_inflight.ContainsKey(prediction.Key))
            {
                chosen.Add(prediction);
            }
        }

        // Stable: equally probable predictions keep the caller's order.
        foreach (var prediction in chosen.OrderByDescending(p => p.Probability))
        {
            _ = background.Enqueue("prefetch", token => PrefetchOneAsync(prediction, factory, token));
        }

        return chosen.Count;
    }

    /// <summary>Tests only: runs in a prefetch between its residency check and its flight registration,
    /// to force the interleaving where another caller stores the key in between.</summary>
    internal Action<TKey>? PrefetchRaceHook { get; set; }

    private async Task PrefetchOneAsync(PrefetchPrediction<TKey> prediction, Func<TKey, CancellationToken, ValueTask<CacheItem<TValue>>> factory, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var mine = new TaskCompletionSource<KeyedEntry<TKey, TValue>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_disposed || _map.ContainsKey(prediction.Key))
        {
            return;
        }

        PrefetchRaceHook?.Invoke(prediction.Key);
        if (!_inflight.TryAdd(prediction.Key, mine.Task))
        {
            return;
        }

        KeyedEntry<TKey, TValue>? stored = null;
        try
        {
            // A GetOrCreateAsync caller may have stored the key and dropped its flight between the check
            // above and the registration: then the key is resident (and pinned by that caller), nothing to do.
            if (_map.ContainsKey(prediction.Key))
            {
                return;
            }

            var entry = await BuildAsync(prediction.Key, factory, cancellationToken).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                entry.DisposeValue();
                cancellationToken.ThrowIfCancellationRequested();
            }

            var worthMicros = (long)(prediction.Probability * entry.CostMicros);
            if (Store(entry, admit: false, maxVictimCostMicros: worthMicros, pin: false, replace: false) == StoreOutcome.Stored)
            {
                stored = entry;
            }
        }
        finally
        {
            // Waiters of a prefetch that failed or was not stored build the value themselves.
            mine.TrySetResult(stored);
            _inflight.TryRemove(new KeyValuePair<TKey, Task<KeyedEntry<TKey, TValue>?>>(prediction.Key, mine.Task));
        }
    }

    /// <summary>Why a built value could not be stored, for the caller's exception: names the real cause with its figures.</summary>
    private string DescribeRefusedBuild(StoreOutcome outcome, long sizeBytes)
    {
        var what = $"cache '{Name}' could not store {sizeBytes} bytes for a built value";
        if (outcome != StoreOutcome.CapacityPinned)
        {
            return $"{what}: budget '{_budget.Name}' has {_budget.AvailableBytes} bytes available and the cache could not make up the rest by evicting its unpinned entries";
        }

        long pinnedBytes = 0;
        var pinnedCount = 0;
        foreach (var (_, resident) in _map)
        {
            if (resident.IsPinned)
            {
                pinnedBytes += resident.SizeBytes;
                pinnedCount++;
            }
        }

        var held = CapacityItems > 0 && pinnedCount >= CapacityItems
            ? $"{pinnedCount} of its {CapacityItems} entries"
            : $"{pinnedBytes} of its {CapacityBytes}-byte capacity";
        return $"{what}: entries pinned by leases hold {held}; dispose leases (or give the cache more capacity) to make room";
    }

    /// <summary>Runs the factory and validates what it declared; a bad declaration disposes the value and throws.</summary>
    private async ValueTask<KeyedEntry<TKey, TValue>> BuildAsync(TKey key, Func<TKey, CancellationToken, ValueTask<CacheItem<TValue>>> factory, CancellationToken cancellationToken)
    {
        var item = await factory(key, cancellationToken).ConfigureAwait(false);
        try
        {
            return CreateEntry(key, item.Value, item.SizeBytes, item.CostMicros);
        }
        catch (ArgumentOutOfRangeException)
        {
            (item.Value as IDisposable)?.Dispose();
            throw;
        }
    }
}
