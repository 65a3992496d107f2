using Microsoft.Extensions.Logging;
using WarmCgi.Processes;

namespace WarmCgi.Workers;

/// <summary>Starting workers, and the once-a-second upkeep: minimum size, idle shrink, memory ceiling.</summary>
internal sealed partial class WorkerPool
{
    /// <summary>Starts a worker for the caller (a slot in _starting is already reserved). Null on failure.</summary>
    private async Task<PythonWorker?> StartWorkerAsync(CancellationToken cancellationToken)
    {
        int recycleAfter = _options.MaxRequests + (_options.MaxRequestsJitter > 0 ? Random.Shared.Next(_options.MaxRequestsJitter + 1) : 0);
        try
        {
            var worker = await PythonWorker.StartAsync(_spec, recycleAfter, _logger, cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                _starting--;
                _bootFailures = 0;
                if (_disposed)
                {
                    _ = worker.DisposeAsync().AsTask();
                    return null;
                }
                _all.Add(worker);
            }
            LogStarted(_logger, worker.Pid, _spec.Interpreter);
            _ = WatchAsync(worker);
            return worker;
        }
        catch (Exception e)
        {
            // Whatever the failure, the reserved slot comes back and it counts as one: a start
            // that ended unaccounted for left the pool waiting for it for good, every request
            // a 504.
            lock (_lock)
            {
                _starting--;
                if (e is not OperationCanceledException)
                {
                    _lastBootError = e.Message;
                    if (++_bootFailures >= BootFailuresBeforeBackoff)
                    {
                        Interlocked.Exchange(ref _bootBlockedUntil, _time.GetTimestamp() + (long)(BootBackoff.TotalSeconds * _time.TimestampFrequency));
                        LogGaveUp(_logger, _spec.Interpreter, _bootFailures, BootBackoff.TotalSeconds, e.Message);
                    }
                }
            }
            if (e is not OperationCanceledException)
            {
                LogBootFailed(_logger, _spec.Interpreter, e.Message);
            }
            return null;
        }
    }

    private async Task StartIdleAsync()
    {
        var worker = await StartWorkerAsync(CancellationToken.None).ConfigureAwait(false);
        if (worker is not null)
        {
            MakeAvailable(worker);
        }
    }

    private async Task StartForWaiterAsync()
    {
        var worker = await StartWorkerAsync(CancellationToken.None).ConfigureAwait(false);
        if (worker is not null)
        {
            MakeAvailable(worker);
            return;
        }
        FailStrandedWaiters();
    }

    /// <summary>
    /// After a failed start: the waiters get their 502 when no worker will come for them (none
    /// alive, or starts paused) -- whichever start failed, a request's own or one for them.
    /// </summary>
    private void FailStrandedWaiters()
    {
        TaskCompletionSource<PythonWorker?>[] waiters = [];
        lock (_lock)
        {
            if (BootBlocked || _all.Count == 0)
            {
                waiters = [.. _waiters];
                _waiters.Clear();
            }
        }
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult(null);
        }
    }

    /// <summary>Logs how a worker ended (every exit classified) and forgets it.</summary>
    private async Task WatchAsync(PythonWorker worker)
    {
        var status = await worker.Exited.ConfigureAwait(false);
        bool listed;
        lock (_lock)
        {
            listed = _all.Remove(worker);
        }
        // Told apart by the status, not by who noticed first: a worker whose script called
        // os._exit is retired by its request's end as soon as by this watch, and its exit
        // code is still news; the server's own SIGTERM or SIGKILL (a timeout, a client
        // gone, recycling) is not, the request's or the recycling's line says why.
        bool serversSignal = worker.StoppedByServer && status.Signal is LibC.SIGTERM or LibC.SIGKILL;
        if (serversSignal)
        {
            LogStopped(_logger, worker.Pid, status);
        }
        else if (listed || status.Code != 0 || status.Signal != 0)
        {
            LogExited(_logger, worker.Pid, status);
        }
    }

    private void Upkeep()
    {
        int toStart = 0;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            long now = _time.GetTimestamp();
            long idleLimit = (long)(_options.IdleTimeout * _time.TimestampFrequency);
            long memoryLimit = (long)_options.MaxMemoryMb << 20;
            var keep = new Stack<PythonWorker>();
            // Oldest idle workers are at the bottom of the stack: those are the ones to shrink.
            foreach (var worker in _idle.Reverse())
            {
                bool surplus = Count - 1 >= _options.MinWorkers && now - worker.IdleSinceTicks > idleLimit;
                bool tooBig = memoryLimit > 0 && worker.ResidentBytes() > memoryLimit;
                if (!worker.IsAlive || surplus || tooBig || worker.Replaced)
                {
                    Retire(worker, tooBig ? "over the memory ceiling" : surplus ? "idle" : worker.Replaced ? "served its quota, replaced" : "dead");
                }
                else
                {
                    keep.Push(worker);
                }
            }
            _idle.Clear();
            foreach (var worker in keep)
            {
                _idle.Push(worker);
            }
            // Once starts have failed in a row, only a request tries again (after the pause):
            // a broken interpreter nobody asks for must not fill the log every 10 s for good.
            if (!BootBlocked && _bootFailures < BootFailuresBeforeBackoff)
            {
                toStart = Math.Max(0, _options.MinWorkers - Count);
                _starting += toStart;
            }
        }
        for (int i = 0; i < toStart; i++)
        {
            _ = StartIdleAsync();
        }
    }

    [LoggerMessage(EventId = Diagnostics.EventIds.WorkerStarted, Level = LogLevel.Information, Message = "worker {Pid} started ({Interpreter})")]
    private static partial void LogStarted(ILogger logger, int pid, string interpreter);

    [LoggerMessage(EventId = Diagnostics.EventIds.WorkerExited, Level = LogLevel.Warning, Message = "worker {Pid} exited: {Status} (a script's os._exit or crash, or a signal from outside); it is replaced as needed")]
    private static partial void LogExited(ILogger logger, int pid, ExitStatus status);

    [LoggerMessage(EventId = Diagnostics.EventIds.WorkerStopped, Level = LogLevel.Debug, Message = "worker {Pid} stopped by the server: {Status}")]
    private static partial void LogStopped(ILogger logger, int pid, ExitStatus status);

    [LoggerMessage(EventId = Diagnostics.EventIds.WorkerBootFailed, Level = LogLevel.Error, Message = "a {Interpreter} worker failed to start: {Reason}")]
    private static partial void LogBootFailed(ILogger logger, string interpreter, string reason);

    [LoggerMessage(EventId = Diagnostics.EventIds.PoolGaveUp, Level = LogLevel.Error, Message = "{Interpreter} workers failed to start {Failures} times in a row; not respawning for {Seconds} s. Last error: {Reason}")]
    private static partial void LogGaveUp(ILogger logger, string interpreter, int failures, double seconds, string reason);

    [LoggerMessage(EventId = Diagnostics.EventIds.WorkerRecycled, Level = LogLevel.Debug, Message = "worker {Pid} retired after {Requests} requests: {Reason}")]
    private static partial void LogRecycled(ILogger logger, int pid, int requests, string reason);
}
