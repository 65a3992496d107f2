using System.IO.Pipelines;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using WarmCgi.Cgi;
using WarmCgi.Pipeline;

namespace WarmCgi.Processes;

/// <summary>
/// Classic CGI: a process per request. The script's stdin and stdout are Unix socket pairs
/// rather than pipes because .NET waits on sockets with its own epoll threads, inline with
/// Kestrel's (pipes through <see cref="PipeEnd"/> measured 0.80-0.86x the requests/s, and
/// three times the p99, on hello.sh). Its stderr is a pipe, as from Apache, so that a shell
/// script's <c>echo oops &gt; /dev/stderr</c> opens (a socket's would not: ENXIO).
/// </summary>
internal sealed class ColdBackend : ICgiBackend, IDisposable
{
    private readonly ConcurrencyLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly TimeSpan _killGrace;

    public ColdBackend(int maxProcesses, int queueLimit, TimeSpan killGrace, TimeProvider time)
    {
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = maxProcesses,
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _killGrace = killGrace;
        _time = time;
    }

    public async ValueTask<BackendStart> StartAsync(CgiInvocation invocation, CancellationToken cancellationToken)
    {
        RateLimitLease lease = await _limiter.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            return BackendStart.Fail(CgiError.Overloaded, "too many scripts running and queued (--max-processes)");
        }
        var target = invocation.Target;
        var spec = new SpawnSpec(
            FileName: "",
            Arguments: [],
            Environment: CgiEnvironment.ToEnvp(invocation.Environment),
            WorkingDirectory: Path.GetDirectoryName(target.ScriptFilename)!);
        spec = WithCommandLine(spec, target, CgiEnvironment.IsIndexWords(invocation.Request.QueryString));

        // The spawn runs on this thread -- a socket thread, as in lighttpd's event loop:
        // posix_spawn holds it until the child has exec'd (~150 us here), where a hop to the
        // thread pool cost more than that (idle pool threads spin in sched_yield; measured,
        // hello.sh at 16 connections: 590-670 us of server CPU per request with the hop,
        // 370-550 without, and p99 35-124 ms against 36-40 ms).
        (Socket Stdin, Socket Stdout, PipeEnd Stderr) parents;
        int pid;
        try
        {
            (pid, parents) = SpawnWithSocketPairs(spec);
        }
        catch (SpawnException e)
        {
            // Out of fds or exec failed: nothing leaks (see SpawnWithSocketPairs), and the slot comes back.
            lease.Dispose();
            return BackendStart.Fail(CgiError.SpawnFailed, e.Message);
        }
        return new BackendStart(new ProcessExecution(pid, parents.Stdin, parents.Stdout, parents.Stderr, invocation, lease, _killGrace, _time), CgiError.None, null);
    }

    /// <summary>The script with a socket pair on fds 0 and 1 and a pipe on 2; our ends come back.</summary>
    private static (int Pid, (Socket Stdin, Socket Stdout, PipeEnd Stderr) Parents) SpawnWithSocketPairs(SpawnSpec spec)
    {
        var sockets = new List<Socket>(2);
        var children = new List<int>(3);
        PipeEnd? stderr = null;
        try
        {
            for (int fd = 0; fd < 2; fd++)
            {
                var (parent, child) = Spawner.CreateSocketPair();
                sockets.Add(parent);
                children.Add(child);
            }
            (stderr, int stderrChild) = PipeEnd.Create();
            children.Add(stderrChild);
            return (Spawner.Spawn(spec, children[0], children[1], children[2]), (sockets[0], sockets[1], stderr));
        }
        catch (SpawnException)
        {
            sockets.ForEach(p => p.Dispose());
            stderr?.Dispose();
            throw;
        }
        finally
        {
            children.ForEach(fd => LibC.close(fd));
        }
    }

    /// <summary>
    /// argv as Apache builds it: the script itself (the kernel honours its #! line), then the
    /// ISINDEX words. A script without #! whose extension has a configured interpreter runs
    /// through that interpreter.
    /// </summary>
    private static SpawnSpec WithCommandLine(SpawnSpec spec, Routing.ScriptTarget target, IReadOnlyList<string> words)
    {
        string script = target.ScriptFilename;
        var argv = new List<string>(words.Count + 2);
        string file = script;
        if (target.Mapping.Interpreters.TryGetValue(Path.GetExtension(script), out string? interpreter) && !Shebang.HasShebang(script))
        {
            file = interpreter;
            argv.Add(interpreter);
        }
        argv.Add(script);
        argv.AddRange(words);
        return spec with { FileName = file, Arguments = argv };
    }

    public void Dispose() => _limiter.Dispose();

    private sealed class ProcessExecution : CgiExecution
    {
        private readonly int _pid;
        private readonly Socket _stdin;
        private readonly Socket _stdout;
        private readonly PipeEnd _stderr;
        private readonly TimeSpan _killGrace;
        private readonly TimeProvider _time;
        private readonly Task _stdinPump;
        private readonly Task _stderrPump;
        private readonly CancellationTokenSource _stdinCancel = new();
        private readonly RateLimitLease _lease;
        private readonly Lock _exitLock = new();
        private Task<ExitStatus>? _exit;
        private int _aborted;
        private volatile bool _exited;

        public ProcessExecution(int pid, Socket stdin, Socket stdout, PipeEnd stderr, CgiInvocation invocation,
            RateLimitLease lease, TimeSpan killGrace, TimeProvider time)
        {
            _pid = pid;
            _stdin = stdin;
            _stderr = stderr;
            _killGrace = killGrace;
            _time = time;
            _stdout = stdout;
            Output = PipeReader.Create(new NetworkStream(stdout, ownsSocket: true), new StreamPipeReaderOptions(bufferSize: 16 * 1024));
            _lease = lease;
            // Body and output flow at the same time: a script that writes before it reads
            // its body never deadlocks (Apache's mod_cgi does, and truncates the body).
            _stdinPump = invocation.HasBodyToSend() ? PumpStdinAsync(invocation.Body) : CloseStdin();
            _stderrPump = invocation.Stderr.ReadToEndAsync(stderr);
        }

        public override PipeReader Output { get; }

        /// <summary>
        /// The script's reaping, and its --max-processes slot free then, started once: when its
        /// output ends (by then it has almost always exited: reaped at once, no wait to set
        /// up), or at a timeout -- a child it left in a session of its own may hold stdout
        /// open long after it exited (a background job started with setsid), and neither its
        /// zombie nor its slot may wait for that.
        /// </summary>
        private Task<ExitStatus> Exit()
        {
            lock (_exitLock)
            {
                return _exit ??= WaitForExitAsync();
            }
        }

        private async Task<ExitStatus> WaitForExitAsync()
        {
            try
            {
                var status = await ChildReaper.WaitForExitAsync(_pid).ConfigureAwait(false);
                _exited = true;
                return status;
            }
            finally
            {
                _lease.Dispose();
            }
        }

        public override void Abort()
        {
            if (Interlocked.Exchange(ref _aborted, 1) != 0)
            {
                return;
            }
            // Once the script is reaped its pid may belong to someone else: never signal it.
            if (!_exited)
            {
                _ = ProcessGroup.TerminateAsync(_pid, _killGrace, _time);
            }
            // The output ends now: a child in a session of its own is out of the group's
            // reach and could hold stdout open for ever.
            _ = Exit();
            try
            {
                _stdout.Shutdown(SocketShutdown.Receive);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }

        /// <summary>Its exit status, once what it wrote to stderr is logged: that comes before the 502's line, as in Apache's log.</summary>
        public override async Task<string?> HowItEndedAsync(TimeSpan wait)
        {
            var exit = Exit();
            try
            {
                await Task.WhenAll(exit, _stderrPump).WaitAsync(wait, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // A background child holds stderr open, or the script lives on without stdout.
            }
            return exit.IsCompletedSuccessfully ? exit.Result.ToString() : null;
        }

        public override async ValueTask DisposeAsync()
        {
            await Output.CompleteAsync().ConfigureAwait(false);
            // The response is over: stop feeding the body (Kestrel drains what is left itself).
            await _stdinCancel.CancelAsync().ConfigureAwait(false);
            await _stdinPump.ConfigureAwait(false);
            _stdin.Dispose();
            // The lease (a --max-processes slot) is held until the process is really gone. A
            // script has almost always exited when its stdout ends, so the request waits a
            // moment for that: the client's next request then finds the slot free. One that
            // lives on (a daemon that closed stdout) keeps its slot in the background.
            var cleanedUp = CleanUpWhenExitedAsync();
            try
            {
                await cleanedUp.WaitAsync(ExitWait, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }

        private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(1);

        /// <summary>
        /// Once the script is reaped (its slot came back then): what it used goes, the stderr
        /// pipe once a background child it left is done with it (that is logged until EOF).
        /// </summary>
        private async Task CleanUpWhenExitedAsync()
        {
            try
            {
                await Exit().ConfigureAwait(false);
            }
            finally
            {
                _stdinCancel.Dispose();
                _ = _stderrPump.ContinueWith(_ => _stderr.Dispose(), TaskScheduler.Default);
            }
        }

        private Task CloseStdin()
        {
            _stdin.Shutdown(SocketShutdown.Send);
            return Task.CompletedTask;
        }

        private async Task PumpStdinAsync(Stream body)
        {
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                int n;
                var token = _stdinCancel.Token;
                while ((n = await body.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
                {
                    await _stdin.SendAsync(buffer.AsMemory(0, n), token).ConfigureAwait(false);
                }
                _stdin.Shutdown(SocketShutdown.Send);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
            {
                // The script exited without reading its whole body, or the client went away:
                // under CGI too, the rest of the body is simply not read.
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
