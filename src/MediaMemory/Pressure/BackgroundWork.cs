using MediaMemory.Internals;
using Microsoft.Extensions.Logging;

namespace MediaMemory.Pressure;

/// <summary>
/// A small scheduler for work the app can do without (prefetching, thumbnails, warming caches): it
/// runs queued items on the thread pool, at most <c>maxConcurrency</c> at once, and honours
/// <see cref="Pause"/>, <see cref="Resume"/> and <see cref="CancelAll"/>. As a responder it pauses at
/// Warning, cancels everything at Critical or in low-power mode, and resumes at Normal.
/// </summary>
/// <remarks>
/// Pausing stops new items from starting; items already running go on (they get a
/// <see cref="CancellationToken"/> that <see cref="CancelAll"/> cancels). Each
/// <see cref="Enqueue"/> returns a task that completes with the item: ran to completion, faulted with
/// its exception, or cancelled (by <see cref="CancelAll"/>, <see cref="Dispose"/>, or its token).
/// Thread-safe.
/// </remarks>
public sealed class BackgroundWork : IPressureResponder, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<WorkItem> _queue = new();
    private readonly int _maxConcurrency;
    private readonly ILogger? _logger;
    private CancellationTokenSource _generation = new();
    private TaskCompletionSource? _idle;
    private int _running;
    private bool _paused;
    private bool _disposed;
    private long _completed;
    private long _cancelled;
    private long _failed;

    /// <summary>Creates a scheduler.</summary>
    /// <param name="maxConcurrency">Items running at once, 1…64.</param>
    /// <param name="logger">Optional logger for items that fail.</param>
    public BackgroundWork(int maxConcurrency = 1, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxConcurrency, 64);
        _maxConcurrency = maxConcurrency;
        _logger = logger;
    }

    /// <inheritdoc />
    public string Name => "background-work";

    /// <inheritdoc />
    public PressureStage Stage => PressureStage.BackgroundWork;

    /// <summary>True while paused: nothing new starts.</summary>
    public bool IsPaused
    {
        get
        {
            lock (_gate)
            {
                return _paused;
            }
        }
    }

    /// <summary>Items queued and not started.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Items running now.</summary>
    public int RunningCount
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>Items that ran to completion.</summary>
    public long CompletedCount => Interlocked.Read(ref _completed);

    /// <summary>Items cancelled, queued or running.</summary>
    public long CancelledCount => Interlocked.Read(ref _cancelled);

    /// <summary>Items that threw.</summary>
    public long FailedCount => Interlocked.Read(ref _failed);

    /// <summary>Queues <paramref name="work"/>; it starts when a slot is free and the scheduler is not paused.</summary>
    /// <param name="name">For logs.</param>
    /// <param name="work">The work; it should honour the token it is given.</param>
    /// <param name="cancellationToken">Cancels this item alone.</param>
    /// <returns>A task that completes with the item.</returns>
    /// <exception cref="ObjectDisposedException">The scheduler was disposed.</exception>
    public Task Enqueue(string name, Func<CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(work);
        var item = new WorkItem(name, work, cancellationToken);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _queue.Enqueue(item);

            // Registered before anyone can dequeue the item (that needs this lock), so the run disposes
            // the real registration. A token cancelled already runs CancelQueued here, which takes the
            // (re-entrant) lock and removes the item.
            if (cancellationToken.CanBeCanceled)
            {
                item.Registration = cancellationToken.Register(() => CancelQueued(item));
            }
        }

        StartWhatCan();
        return item.Completion.Task;
    }

    /// <summary>Stops new items from starting; running ones go on.</summary>
    public void Pause()
    {
        lock (_gate)
        {
            _paused = true;
        }

        CheckIdle();
    }

    /// <summary>Lets queued items start again.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            _paused = false;
        }

        StartWhatCan();
    }

    /// <summary>Cancels every queued item and signals every running one to stop. Returns how many were affected.</summary>
    public int CancelAll()
    {
        WorkItem[] queued;
        CancellationTokenSource old;
        int running;
        lock (_gate)
        {
            queued = [.. _queue];
            _queue.Clear();
            old = _generation;
            _generation = new CancellationTokenSource();
            running = _running;
        }

        old.Cancel();
        old.Dispose();
        foreach (var item in queued)
        {
            item.Registration.Dispose();
            if (item.Completion.TrySetCanceled())
            {
                Interlocked.Increment(ref _cancelled);
            }
        }

        CheckIdle();
        return queued.Length + running;
    }

    /// <summary>A task that completes when nothing is running and nothing queued can start: the queue is empty,
    /// or the scheduler is paused (immediately if so now).</summary>
    public Task WhenIdleAsync()
    {
        lock (_gate)
        {
            if (_running == 0 && (_queue.Count == 0 || _paused))
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task;
        }
    }

    /// <inheritdoc />
    public void Respond(PressureResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.LowPower || response.Level >= PressureLevel.Critical)
        {
            Pause();
            CancelAll();
        }
        else if (response.Level == PressureLevel.Warning)
        {
            Pause();
        }
        else
        {
            Resume();
        }
    }

    /// <summary>Cancels everything and refuses new work.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        CancelAll();
    }

    private void StartWhatCan()
    {
        while (true)
        {
            WorkItem item;
            CancellationToken token;
            lock (_gate)
            {
                if (_paused || _disposed || _running >= _maxConcurrency || !_queue.TryDequeue(out item!))
                {
                    return;
                }

                _running++;
                token = _generation.Token;
            }

            _ = Task.Run(() => RunAsync(item, token));
        }
    }

    private async Task RunAsync(WorkItem item, CancellationToken generationToken)
    {
        item.Registration.Dispose();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(generationToken, item.Token);
        try
        {
            linked.Token.ThrowIfCancellationRequested();
            await item.Work(linked.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _completed);
            item.Completion.TrySetResult();
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            Interlocked.Increment(ref _cancelled);
            item.Completion.TrySetCanceled(linked.Token);
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _failed);
            if (_logger is not null)
            {
                PressureLog.CallbackFailed(_logger, ex, $"background work '{item.Name}'");
            }

            item.Completion.TrySetException(ex);
        }
        finally
        {
            lock (_gate)
            {
                _running--;
            }

            StartWhatCan();
            CheckIdle();
        }
    }

    private void CancelQueued(WorkItem item)
    {
        bool removed;
        lock (_gate)
        {
            var before = _queue.Count;
            var kept = _queue.Where(i => !ReferenceEquals(i, item)).ToArray();
            removed = kept.Length != before;
            if (removed)
            {
                _queue.Clear();
                foreach (var k in kept)
                {
                    _queue.Enqueue(k);
                }
            }
        }

        if (removed && item.Completion.TrySetCanceled(item.Token))
        {
            Interlocked.Increment(ref _cancelled);
            CheckIdle();
        }
    }

    private void CheckIdle()
    {
        TaskCompletionSource? idle = null;
        lock (_gate)
        {
            if (_idle is not null && _running == 0 && (_queue.Count == 0 || _paused))
            {
                idle = _idle;
                _idle = null;
            }
        }

        idle?.TrySetResult();
    }

    private sealed class WorkItem(string name, Func<CancellationToken, Task> work, CancellationToken token)
    {
        public string Name { get; } = name;

        public Func<CancellationToken, Task> Work { get; } = work;

        public CancellationToken Token { get; } = token;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }
}
