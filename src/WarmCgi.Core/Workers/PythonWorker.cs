using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using WarmCgi.FastCgi;
using WarmCgi.Processes;

namespace WarmCgi.Workers;

/// <summary>
/// One resident Python interpreter running warmcgi_worker.py, in a session of its own (so a
/// timeout kills the script's children too), reached over one kept-alive FastCGI connection.
/// Its fd 0 is a listening Unix socket, the FastCGI convention (FCGI_LISTENSOCK_FILENO), so
/// the worker can also be driven by any FastCGI client; the socket has an abstract name,
/// which leaves nothing behind on disk.
/// </summary>
internal sealed partial class PythonWorker : IAsyncDisposable
{
    /// <summary>
    /// A bit the worker sets in END_REQUEST's appStatus (the script's exit status is the low
    /// byte) when it asks to be replaced: its scripts left it holding what it cannot give back
    /// (files they opened and never closed). It serves on until its replacement is ready.
    /// </summary>
    public const int AsksToBeReplaced = 0x100;

    /// <summary>Fork mode's appStatus bit for a child killed by a signal: the low byte is the signal's number.</summary>
    public const int KilledBySignal = 0x200;

    private static int _counter;
    private readonly ILogger _logger;
    private readonly Socket _log;
    private readonly bool _forks;
    private int _stopping;
    private bool _replacementStarting;
    private bool _replaced;

    private PythonWorker(int pid, FastCgiConnection connection, Socket log, int recycleAfter, bool forks, ILogger logger)
    {
        Pid = pid;
        _forks = forks;
        Connection = connection;
        _log = log;
        RecycleAfter = recycleAfter;
        _logger = logger;
        Exited = ChildReaper.WaitForExitAsync(pid);
        _ = PumpLogAsync();
    }

    public int Pid { get; }

    public FastCgiConnection Connection { get; }

    public Task<ExitStatus> Exited { get; }

    public int RequestsServed { get; set; }

    public int RecycleAfter { get; }

    /// <summary>It served its quota and a replacement is starting; it serves on meanwhile.</summary>
    public bool ReplacementStarting
    {
        get => Volatile.Read(ref _replacementStarting);
        set => Volatile.Write(ref _replacementStarting, value);
    }

    /// <summary>Its replacement is ready: it is retired when next given back or found idle.</summary>
    public bool Replaced
    {
        get => Volatile.Read(ref _replaced);
        set => Volatile.Write(ref _replaced, value);
    }

    public long IdleSinceTicks { get; set; }

    /// <summary>The server stopped it (a timeout, a client gone, shutdown): its exit is no news.</summary>
    public bool StoppedByServer => Volatile.Read(ref _stopping) == 1;

    public bool IsAlive => !Exited.IsCompleted && Interlocked.CompareExchange(ref _stopping, 0, 0) == 0;

    public static async Task<PythonWorker> StartAsync(WorkerSpec spec, int recycleAfter, ILogger logger, CancellationToken cancellationToken)
    {
        var endpoint = new UnixDomainSocketEndPoint($"\0warmcgi-{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid():N}");
        var (pid, log) = Spawn(spec, endpoint); // on this thread, as scripts are (see ColdBackend)
        var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            // The connection waits in the listener's backlog until the worker's accept().
            await client.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            // The half-started interpreter must not linger in accept().
            client.Dispose();
            log.Dispose();
            _ = ProcessGroup.TerminateAsync(pid, TimeSpan.FromSeconds(2), TimeProvider.System);
            var exited = ChildReaper.WaitForExitAsync(pid);
            if (e is SocketException)
            {
                // Refused: the interpreter is gone already (not a Python, a crash at start-up...).
                var status = await exited.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
                throw new WorkerBootException($"{spec.Interpreter} worker did not start ({status}): {e.Message}");
            }
            throw;
        }
        var worker = new PythonWorker(pid, new FastCgiConnection(client), log, recycleAfter, spec.Fork, logger);
        try
        {
            using var boot = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            boot.CancelAfter(spec.BootTimeout);
            await worker.Connection.PingAsync(boot.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or FastCgiProtocolException or OperationCanceledException)
        {
            // Whatever went wrong, the half-started interpreter must not linger.
            await worker.DisposeAsync().ConfigureAwait(false);
            if (e is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw; // the request gave up: not the worker's failure
            }
            var status = await worker.Exited.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
            throw new WorkerBootException($"{spec.Interpreter} worker did not start ({status}): {e.Message}");
        }
        return worker;
    }

    /// <summary>The interpreter, listening on <paramref name="endpoint"/> (its fd 0); our end of its log comes back.</summary>
    private static (int Pid, Socket Log) Spawn(WorkerSpec spec, UnixDomainSocketEndPoint endpoint)
    {
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(endpoint);
        listener.Listen(1);
        var (log, logChild) = Spawner.CreateSocketPair();
        using var devNull = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.ReadWrite);
        try
        {
            var argv = new[] { spec.Interpreter, spec.WorkerScript };
            var env = spec.Environment.ToList();
            if (spec.KeepAppModules)
            {
                env.Add("WARMCGI_KEEP_APP_MODULES=1");
            }
            if (spec.Fork)
            {
                env.Add("WARMCGI_FORK=1");
            }
            int pid = Spawner.Spawn(new SpawnSpec(spec.Interpreter, argv, env, "/") { BatchScheduling = true },
                (int)listener.Handle, (int)devNull.DangerousGetHandle(), logChild);
            return (pid, log);
        }
        catch
        {
            log.Dispose();
            throw;
        }
        finally
        {
            LibC.close(logChild);
        }
    }

    /// <summary>Resident memory from /proc, for recycling above the ceiling.</summary>
    public long ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{Pid}/statm").Split(' ');
            return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Kills the worker's whole process group (the script and its children included; in fork mode the children's sessions).</summary>
    public void Kill(TimeSpan grace, TimeProvider time)
    {
        if (Interlocked.Exchange(ref _stopping, 1) == 0)
        {
            _ = ProcessGroup.TerminateAsync(Pid, grace, time, childGroups: _forks);
        }
    }

    private async Task PumpLogAsync()
    {
        await Pipeline.ScriptErrorLog.ForWorker(_logger, Pid).ReadToEndAsync(new System.Net.Sockets.NetworkStream(_log, ownsSocket: false)).ConfigureAwait(false);
        _log.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync().ConfigureAwait(false);
        // A worker never outlives its pool. Kill is idempotent: a worker the pool already
        // killed (with its own grace) is not signalled twice.
        Kill(TimeSpan.FromSeconds(2), TimeProvider.System);
    }
}

/// <summary>A worker could not be started; the message says why (it is logged and counted).</summary>
internal sealed class WorkerBootException(string message) : Exception(message);
