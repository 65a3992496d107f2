using System.Text;
using Microsoft.Extensions.Logging;

namespace WarmCgi.Pipeline;

/// <summary>
/// A script's stderr, turned into log lines tagged with the script and the request id. Bytes
/// arrive in arbitrary pieces (socket reads, FastCGI records); a partial line waits for its end.
/// Never goes into the response.
/// </summary>
internal sealed partial class ScriptErrorLog
{
    private const int MaxLine = 8192;
    private readonly ILogger _logger;
    private readonly string _script;
    private readonly string _requestId;
    private readonly List<byte> _partial = [];
    private readonly bool _fromWorker;

    public ScriptErrorLog(ILogger logger, string script, string requestId, bool fromWorker = false)
    {
        _logger = logger;
        _script = script;
        _requestId = requestId;
        _fromWorker = fromWorker;
    }

    /// <summary>A resident worker's own messages (not a script's): logged as information.</summary>
    public static ScriptErrorLog ForWorker(ILogger logger, int pid) => new(logger, "worker " + pid, "-", fromWorker: true);

    public void Write(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int newline = data.IndexOf((byte)'\n');
            if (newline < 0)
            {
                _partial.AddRange(data);
                if (_partial.Count >= MaxLine)
                {
                    Flush();
                }
                return;
            }
            _partial.AddRange(data[..newline]);
            Flush();
            data = data[(newline + 1)..];
        }
    }

    /// <summary>Logs everything that arrives on a stderr stream (a script's pipe, a worker's log socket) until it ends.</summary>
    public async Task ReadToEndAsync(Stream stderr)
    {
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await stderr.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                Write(buffer.AsSpan(0, n));
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The other end vanished: what arrived is logged, nothing more is coming.
        }
        Complete();
    }

    /// <summary>Logs what is left of an unterminated last line.</summary>
    public void Complete()
    {
        if (_partial.Count > 0)
        {
            Flush();
        }
    }

    private void Flush()
    {
        int length = _partial.Count;
        if (length > 0 && _partial[length - 1] == (byte)'\r')
        {
            length--;
        }
        string line = Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_partial)[..length]);
        _partial.Clear();
        if (_fromWorker)
        {
            // Bar its "ready", what a worker writes is trouble: a failure it caught (a
            // script's tracer in its teardown...), or its interpreter's own error at start.
            if (line.StartsWith(WorkerReady, StringComparison.Ordinal))
            {
                WorkerLog(_logger, _script, line);
            }
            else
            {
                WorkerTrouble(_logger, _script, line);
            }
        }
        else
        {
            ScriptStderr(_logger, _script, _requestId, line);
        }
    }

    [LoggerMessage(EventId = Diagnostics.EventIds.ScriptStderr, EventName = "ScriptStderr", Level = LogLevel.Warning, Message = "[{Script}] [{RequestId}] {Line}")]
    private static partial void ScriptStderr(ILogger logger, string script, string requestId, string line);

    /// <summary>How the worker's line saying it is up begins.</summary>
    private const string WorkerReady = "warmcgi-worker: ready:";

    [LoggerMessage(EventId = Diagnostics.EventIds.WorkerLog, EventName = "WorkerLog", Level = LogLevel.Information, Message = "[{Worker}] {Line}")]
    private static partial void WorkerLog(ILogger logger, string worker, string line);

    [LoggerMessage(EventId = Diagnostics.EventIds.WorkerLog, EventName = "WorkerTrouble", Level = LogLevel.Warning, Message = "[{Worker}] {Line}")]
    private static partial void WorkerTrouble(ILogger logger, string worker, string line);
}
