using Microsoft.Extensions.Logging;
using WarmCgi.Cgi;
using WarmCgi.Configuration;

namespace WarmCgi.Workers;

/// <summary>
/// The resident workers of one interpreter, managed like php-fpm's dynamic pool and gunicorn's
/// arbiter: a request takes an idle worker, or starts one while under the maximum, or waits in
/// a bounded queue, or gets a fast 503. A worker that timed out, crashed or broke protocol is
/// never reused; one that served its quota (plus jitter) or grew past the memory ceiling is
/// recycled. Repeated boot failures stop respawning for a while and say why.
/// </summary>
internal sealed partial class WorkerPool : IAsyncDisposable
{
    private const int BootFailuresBeforeBackoff = 3;
    private static readonly TimeSpan BootBackoff = TimeSpan.FromSeconds(10);

    private readonly WorkerSpec _spec;
    private readonly WarmPoolOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeSpan _killGrace;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private readonly Stack<PythonWorker> _idle = new();
    private readonly LinkedList<TaskCompletionSource<PythonWorker?>> _waiters = new();
    private readonly HashSet<PythonWorker> _all = [];
    private readonly ITimer _upkeep;
    private int _starting;
    private int _bootFailures;
    private long _bootBlockedUntil;
    private string? _lastBootError;
    private bool _disposed;

    public WorkerPool(WorkerSpec spec, WarmPoolOptions options, TimeSpan killGrace, TimeProvider time, ILogger logger)
    {
        _spec = spec;
        _options = options;
        _killGrace = killGrace;
        _time = time;
        _logger = logger;
        _upkeep = time.CreateTimer(_ => Upkeep(), null, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    /// <summary>Workers alive or starting.</summary>
    private int Count => _all.Count + _starting;

    public readonly record struct Acquired(PythonWorker? Worker, CgiError Error, string? Reason);

    public async ValueTask<Acquired> AcquireAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<PythonWorker?>? waiter = null;
        Acquired? now = null;
        bool spawnAhead = false;
        lock (_lock)
        {
            if (TryTakeIdle(out var idle))
            {
                spawnAhead = ReserveSpawnAheadLocked();
                now = new Acquired(idle, CgiError.None, null);
            }
            else if (BootBlocked)
            {
                now = new Acquired(null, CgiError.BackendCrashed, "Python workers keep failing to start: " + _lastBootError);
            }
            else if (Count < _options.MaxWorkers)
            {
                _starting++;
            }
            else if (_waiters.Count < _options.QueueLimit)
            {
                // Completed outside the lock, and its continuation runs inline (see MakeAvailable).
                waiter = new TaskCompletionSource<PythonWorker?>();
                _waiters.AddLast(waiter);
            }
            else
            {
                now = new Acquired(null, CgiError.Overloaded, "all Python workers busy and the queue is full");
            }
        }
        if (spawnAhead)
        {
            _ = StartIdleAsync(); // the spawn runs on this thread: never under the lock
        }
        if (now is { } answer)
        {
            return answer;
        }
        if (waiter is null)
        {
            var started = await StartWorkerAsync(cancellationToken).ConfigureAwait(false);
            if (started is null)
            {
                FailStrandedWaiters();
                return new Acquired(null, CgiError.BackendCrashed, "Python worker failed to start: " + _lastBootError);
            }
            return new Acquired(started, CgiError.None, null);
        }
        using var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                _waiters.Remove(waiter);
            }
            waiter.TrySetCanceled(cancellationToken);
        });
        var worker = await waiter.Task.ConfigureAwait(false);
        return worker is null
            ? new Acquired(null, CgiError.BackendCrashed, "Python worker failed to start: " + _lastBootError)
            : new Acquired(worker, CgiError.None, null);
    }

    /// <summary>
    /// Gives a worker back after a request. <paramref name="reusable"/> is false after any
    /// failure: such a worker is retired at once. One that served its quota, or
    /// <paramref name="asksToBeReplaced"/>, keeps serving while its replacement starts, and
    /// is retired once that one is ready: recycling never runs the pool a worker short.
    /// </summary>
    public void Release(PythonWorker worker, bool reusable, bool asksToBeReplaced = false)
    {
        worker.RequestsServed++;
        bool broken = !reusable || !worker.IsAlive || !worker.Connection.IsReusable;
        if (!broken && !worker.Replaced)
        {
            bool quotaServed = _options.MaxRequests > 0 && worker.RequestsServed >= worker.RecycleAfter;
            if ((quotaServed || asksToBeReplaced) && !worker.ReplacementStarting)
            {
                StartReplacement(worker);
            }
            MakeAvailable(worker);
            return;
        }
        bool startReplacement;
        lock (_lock)
        {
            Retire(worker, !reusable ? "failed or timed out" : broken ? "dead or broken" : "served its quota, replaced");
            startReplacement = broken && _waiters.Count > 0 && !_disposed;
            if (startReplacement)
            {
                _starting++;
            }
        }
        if (startReplacement)
        {
            _ = StartForWaiterAsync();
        }
    }

    private void StartReplacement(PythonWorker worker)
    {
        lock (_lock)
        {
            if (_disposed || BootBlocked)
            {
                return; // it serves on; its next release tries again
            }
            worker.ReplacementStarting = true;
            _starting++;
        }
        _ = ReplaceAsync(worker);
    }

    private async Task ReplaceAsync(PythonWorker worker)
    {
        var replacement = await StartWorkerAsync(CancellationToken.None).ConfigureAwait(false);
        if (replacement is null)
        {
            worker.ReplacementStarting = false; // the old one serves on (boot failures back off)
            return;
        }
        // From now on the old worker is retired when it is next given back, or found idle.
        worker.Replaced = true;
        MakeAvailable(replacement);
    }

    /// <summary>
    /// A ready worker goes to the longest waiting request, else to the idle stack. The waiter
    /// resumes right here, on the thread that freed the worker (no thread-pool hop: under load
    /// a hop per request cost more than the server's own work), outside the lock.
    /// </summary>
    private void MakeAvailable(PythonWorker worker)
    {
        while (true)
        {
            TaskCompletionSource<PythonWorker?>? next;
            lock (_lock)
            {
                if (_disposed)
                {
                    Retire(worker, "pool stopped");
                    return;
                }
                if (_waiters.First is null)
                {
                    worker.IdleSinceTicks = _time.GetTimestamp();
                    _idle.Push(worker);
                    return;
                }
                next = _waiters.First.Value;
                _waiters.RemoveFirst();
            }
            if (HandOver(next, worker))
            {
                return;
            }
            // That request gave up in the meantime: try the next one.
        }
    }

    // Hand-overs that became due while one was running on this thread (see HandOver).
    [ThreadStatic]
    private static Queue<(WorkerPool Pool, TaskCompletionSource<PythonWorker?> Waiter, PythonWorker Worker)>? t_deferred;
    [ThreadStatic]
    private static bool t_handingOver;

    /// <summary>
    /// Resumes a waiter inline; false when it gave up meanwhile. The resumed request runs on
    /// this thread until it waits for I/O, but a request that ends at once (its answer was
    /// already there, or it failed) frees a worker again from inside this call: that hand-over
    /// is deferred until this one returns, so the stack stays flat and nothing hops to the
    /// thread pool (whose idle threads spin on a small box).
    /// </summary>
    private bool HandOver(TaskCompletionSource<PythonWorker?> waiter, PythonWorker worker)
    {
        var deferred = t_deferred ??= new();
        if (t_handingOver)
        {
            deferred.Enqueue((this, waiter, worker));
            return true;
        }
        t_handingOver = true;
        try
        {
            return waiter.TrySetResult(worker);
        }
        finally
        {
            // Even if something above threw, no deferred worker is left without an owner.
            while (deferred.TryDequeue(out var next))
            {
                if (!next.Waiter.TrySetResult(next.Worker))
                {
                    next.Pool.MakeAvailable(next.Worker); // enqueues again, or goes idle
                }
            }
            t_handingOver = false;
        }
    }

    private bool BootBlocked => _time.GetTimestamp() < Interlocked.Read(ref _bootBlockedUntil);

    private bool TryTakeIdle(out PythonWorker worker)
    {
        while (_idle.TryPop(out worker!))
        {
            if (worker.IsAlive && worker.Connection.IsReusable && !worker.Replaced)
            {
                return true;
            }
            Retire(worker, worker.Replaced ? "served its quota, replaced" : "found dead while idle");
        }
        return false;
    }

    /// <summary>Called with the lock held: whether to start a worker ahead of demand, one being reserved.</summary>
    private bool ReserveSpawnAheadLocked()
    {
        if (_idle.Count == 0 && Count < _options.MaxWorkers && !BootBlocked && !_disposed)
        {
            _starting++;
            return true;
        }
        return false;
    }

    private void Retire(PythonWorker worker, string why)
    {
        if (_all.Remove(worker))
        {
            LogRecycled(_logger, worker.Pid, worker.RequestsServed, why);
        }
        worker.Kill(_killGrace, _time);
        _ = worker.DisposeAsync().AsTask();
    }

    public async ValueTask DisposeAsync()
    {
        PythonWorker[] workers;
        TaskCompletionSource<PythonWorker?>[] waiters;
        lock (_lock)
        {
            _disposed = true;
            workers = [.. _all];
            _all.Clear();
            _idle.Clear();
            waiters = [.. _waiters];
            _waiters.Clear();
        }
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(null);
        }
        await _upkeep.DisposeAsync().ConfigureAwait(false);
        foreach (var worker in workers)
        {
            await worker.DisposeAsync().ConfigureAwait(false);
        }
    }
}
