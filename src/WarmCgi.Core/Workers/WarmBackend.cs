using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using WarmCgi.Cgi;
using WarmCgi.Configuration;
using WarmCgi.FastCgi;
using WarmCgi.Pipeline;
using WarmCgi.Processes;
using WarmCgi.Routing;

namespace WarmCgi.Workers;

/// <summary>
/// Warm and fork modes: a Python script runs in a resident interpreter of the pool for the
/// Python its #! line names (a 2.7 script and a 3.11 script beside it each get theirs), or in
/// a child that interpreter forks for the request; anything else runs cold. Server and worker
/// speak FastCGI.
/// </summary>
public sealed class WarmBackend : ICgiBackend, IAsyncDisposable
{
    private readonly ConcurrentDictionary<PoolKey, Lazy<WorkerPool>> _pools = new();
    private readonly WarmPoolOptions _options;
    private readonly CgiEnvironmentSettings _environment;
    private readonly TimeSpan _killGrace;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ICgiBackend _cold;
    private readonly Lazy<string> _workerScript = new(WorkerScript.Extract, LazyThreadSafetyMode.PublicationOnly);

    internal WarmBackend(WarmPoolOptions options, CgiEnvironmentSettings environment, TimeSpan killGrace, TimeProvider time, ILoggerFactory loggerFactory, ICgiBackend cold)
    {
        _options = options;
        _environment = environment;
        _killGrace = killGrace;
        _time = time;
        _logger = loggerFactory.CreateLogger("WarmCgi.Workers");
        _cold = cold;
    }

    async ValueTask<BackendStart> ICgiBackend.StartAsync(CgiInvocation invocation, CancellationToken cancellationToken)
    {
        string? python = PythonInterpreter.ForScript(invocation.Target);
        if (python is null)
        {
            return await _cold.StartAsync(invocation, cancellationToken).ConfigureAwait(false);
        }
        var mapping = invocation.Target.Mapping;
        bool fork = mapping.Mode == CgiMode.Fork; // a child imports the app's modules afresh anyway
        var pool = PoolFor(new PoolKey(python, mapping.KeepAppModules && !fork, mapping.PythonStartupEnvironment, fork));
        var acquired = await pool.AcquireAsync(cancellationToken).ConfigureAwait(false);
        if (acquired.Worker is not { } worker)
        {
            return BackendStart.Fail(acquired.Error, acquired.Reason!);
        }
        var exchange = worker.Connection.Begin(invocation.Environment, invocation.Body, invocation.HasBodyToSend(), invocation.Stderr);
        return new BackendStart(new WorkerExecution(pool, worker, exchange, mapping.Timeout, _killGrace, _time), CgiError.None, null);
    }

    private WorkerPool PoolFor(PoolKey key) =>
        _pools.GetOrAdd(key, k => new Lazy<WorkerPool>(() =>
        {
            // As a script's environment is made: PATH, the server-wide variables over it, the mapping's over those.
            var variables = new Dictionary<string, string>(StringComparer.Ordinal) { ["PATH"] = _environment.Path };
            foreach (var (name, value) in _environment.Extra.Concat(StartupVariables.Parse(k.StartupEnvironment)))
            {
                variables[name] = value;
            }
            var env = variables.Select(kv => kv.Key + "=" + kv.Value).ToList();
            var spec = new WorkerSpec(k.Interpreter, _workerScript.Value, env, k.KeepAppModules, k.Fork, TimeSpan.FromSeconds(30));
            return new WorkerPool(spec, _options, _killGrace, _time, _logger);
        })).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var pool in _pools.Values.Where(p => p.IsValueCreated))
        {
            await pool.Value.DisposeAsync().ConfigureAwait(false);
        }
        if (_workerScript.IsValueCreated)
        {
            Directory.Delete(Path.GetDirectoryName(_workerScript.Value)!, recursive: true);
        }
    }

    /// <summary>A script running in a worker: its STDOUT records, and the worker back to the pool at the end.</summary>
    private sealed class WorkerExecution : CgiExecution
    {
        private readonly WorkerPool _pool;
        private readonly PythonWorker _worker;
        private readonly FastCgiExchange _exchange;
        private readonly TimeSpan _killGrace;
        private readonly TimeProvider _time;
        private readonly TimeSpan _timeout;
        // Running until one of Kill and release wins: a kill that loses leaves alone a worker
        // that may already serve someone else; a release that loses does not reuse the worker.
        private const int Running = 0, Killed = 1, Released = 2;
        private int _state;
        private int _handedBack;
        private int _clientLeft;

        public WorkerExecution(WorkerPool pool, PythonWorker worker, FastCgiExchange exchange, TimeSpan timeout, TimeSpan killGrace, TimeProvider time)
        {
            _pool = pool;
            _worker = worker;
            _exchange = exchange;
            _timeout = timeout;
            _killGrace = killGrace;
            _time = time;
        }

        public override PipeReader Output => _exchange.Stdout;

        public override void Abort()
        {
            // A script that already ended its request (an answer with no header, say: a 502)
            // left its worker ready for the next one: nothing to kill, no interpreter to restart.
            // One that ended its output and works on has nothing left to stop reading: its
            // timeout is kept in the background (ReleaseWhenEndedAsync).
            if (_worker.Connection.RequestCompleted || _worker.Connection.StdoutEnded)
            {
                return;
            }
            Kill();
        }

        /// <summary>
        /// As a CGI process's next write fails once its reader is gone, the worker closes the
        /// script's stdout when told FCGI_ABORT_REQUEST: the script ends (or handles its
        /// BrokenPipeError) and the worker serves on. One that stays silent is stopped after
        /// <see cref="AbortGrace"/>, as before: run on, unread, it would hold the worker.
        /// </summary>
        public override void ClientLeft()
        {
            if (_worker.Connection.RequestCompleted || _worker.Connection.StdoutEnded
                || Interlocked.Exchange(ref _clientLeft, 1) != 0)
            {
                return;
            }
            if (!_worker.Connection.TryAbortRequest())
            {
                Kill();
                return;
            }
            _ = StopUnlessEndedAsync(AbortGrace);
        }

        /// <summary>The script's exit status from END_REQUEST, or how its worker died with it (os._exit, a crash).</summary>
        public override async Task<string?> HowItEndedAsync(TimeSpan wait)
        {
            if (!await EndsWithinAsync(wait).ConfigureAwait(false))
            {
                return null;
            }
            var end = await _exchange.End.ConfigureAwait(false);
            switch (end.Outcome)
            {
                case FastCgiOutcome.Completed:
                    return ((end.AppStatus & PythonWorker.KilledBySignal) != 0
                        ? new ExitStatus(-1, end.AppStatus & 0x7F) : new ExitStatus(end.AppStatus & 0xFF, 0)).ToString();
                case FastCgiOutcome.ProtocolError:
                    return end.Detail;
            }
            try
            {
                return "its worker ended: " + await _worker.Exited.WaitAsync(wait, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return "its worker closed the connection";
            }
        }

        /// <summary>Whether the request ends (END_REQUEST, or the connection's end) within <paramref name="time"/>.</summary>
        private async Task<bool> EndsWithinAsync(TimeSpan time)
        {
            try
            {
                await _exchange.End.WaitAsync(time > TimeSpan.Zero ? time : TimeSpan.Zero, _time).ConfigureAwait(false);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        private async Task StopUnlessEndedAsync(TimeSpan time)
        {
            if (!await EndsWithinAsync(time).ConfigureAwait(false))
            {
                Kill();   // no-op once the worker is back in the pool
            }
        }

        private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(2);
        private static readonly TimeSpan EndWait = TimeSpan.FromSeconds(1);   // as a cold script's exit

        private void Kill()
        {
            if (Interlocked.CompareExchange(ref _state, Killed, Running) == Running)
            {
                // The worker's process group: the script, its children, and the interpreter,
                // which is replaced. A connection that timed out is never reused.
                _worker.Kill(_killGrace, _time);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await _exchange.Stdout.CompleteAsync().ConfigureAwait(false);
            if (_worker.Connection.RequestCompleted)
            {
                await ReleaseAsync().ConfigureAwait(false);
                return;
            }
            if (_worker.Connection.StdoutEnded && Volatile.Read(ref _clientLeft) == 0)
            {
                // A script almost always ends with its stdout (fork mode's child does): a
                // moment's wait hands the worker back before the client's next request comes,
                // which would otherwise find it busy. One that works on keeps it in the background.
                await EndsWithinAsync(EndWait).ConfigureAwait(false);
                if (_worker.Connection.RequestCompleted)
                {
                    await ReleaseAsync().ConfigureAwait(false);
                    return;
                }
            }
            // The timeout counts silence (CgiDispatcher), and the script's output ends now.
            var left = _timeout;
            if (!_worker.Connection.StdoutEnded && Volatile.Read(ref _state) == Running)
            {
                // Still writing, and nobody reads the rest (the client is gone): told so, the
                // script ends soon, or is stopped.
                ClientLeft();
            }
            if (Volatile.Read(ref _clientLeft) == 1)
            {
                left = left < AbortGrace ? left : AbortGrace;
            }
            // Else it closed fd 1 and works on ("answer now, finish later"): its answer is
            // whole and gone, as a CGI process's is; it keeps its worker for one more timeout.
            // Either way the request ends now and the worker comes back in the background.
            _ = ReleaseWhenEndedAsync(left);
        }

        private async Task ReleaseWhenEndedAsync(TimeSpan left)
        {
            await StopUnlessEndedAsync(left).ConfigureAwait(false);
            await ReleaseAsync().ConfigureAwait(false);
        }

        private async Task ReleaseAsync()
        {
            var end = await _exchange.End.ConfigureAwait(false); // never faults: failures are outcomes
            await _worker.Connection.AbortSent.ConfigureAwait(false); // never faults either
            int prior = Interlocked.CompareExchange(ref _state, Released, Running);
            bool reusable = end.Outcome == FastCgiOutcome.Completed && prior != Killed;
            if (Interlocked.Exchange(ref _handedBack, 1) == 0)
            {
                _pool.Release(_worker, reusable, (end.AppStatus & PythonWorker.AsksToBeReplaced) != 0);
            }
        }
    }
}
