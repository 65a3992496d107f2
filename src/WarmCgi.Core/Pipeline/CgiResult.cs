using System.IO.Pipelines;
using WarmCgi.Cgi;

namespace WarmCgi.Pipeline;

/// <summary>
/// What the dispatcher hands to the front door: either a failure (a value with its reason) or
/// the parsed head and the rest of the script's output to stream. Disposing it ends the script's
/// share of the request (the process is reaped in the background).
/// </summary>
public sealed class CgiResult : IAsyncDisposable
{
    private readonly CgiExecution? _execution;
    private readonly ScriptDeadline? _deadline;
    private readonly CancellationTokenRegistration[] _registrations = [];
    private readonly Func<bool>? _timedOut;
    private readonly Stream? _spooledBody;

    private CgiResult(CgiError error, string? reason)
    {
        Error = error;
        Reason = reason;
    }

    internal CgiResult(CgiResponseHead head, CgiExecution execution, ScriptDeadline deadline,
        CancellationTokenRegistration[] registrations, Func<bool> timedOut, Stream? spooledBody)
    {
        _registrations = registrations;
        Head = head;
        _execution = execution;
        _deadline = deadline;
        _timedOut = timedOut;
        _spooledBody = spooledBody;
    }

    private CgiResult(string documentLocation, IReadOnlyList<KeyValuePair<string, string>> carriedHeaders)
    {
        DocumentLocation = documentLocation;
        CarriedHeaders = carriedHeaders;
    }

    public static CgiResult Failure(CgiError error, string? reason) => new(error, reason);

    /// <summary>A local redirect to a URL outside every script mapping: the front door answers it as that GET would be (a static file).</summary>
    internal static CgiResult ForDocument(string location, IReadOnlyList<KeyValuePair<string, string>> carriedHeaders) => new(location, carriedHeaders);

    /// <summary>Set by <see cref="ForDocument"/>: the path and query to serve instead.</summary>
    public string? DocumentLocation { get; }

    /// <summary>With <see cref="DocumentLocation"/>: headers the redirecting scripts set that the answer keeps (Set-Cookie, Cache-Control...).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CarriedHeaders { get; } = [];

    public CgiError Error { get; }

    /// <summary>Why the request failed, for the log (never sent to the client).</summary>
    public string? Reason { get; }

    public CgiResponseHead? Head { get; }

    /// <summary>The body that follows the head, as the script writes it.</summary>
    public PipeReader Body => _execution?.Output ?? throw new InvalidOperationException("a failed result has no body");

    /// <summary>
    /// The body brought more output: the timeout counts again from now (Apache's Timeout is
    /// for each read of a CGI's output, not for its whole run). Once the output is whole
    /// (<paramref name="ended"/>) no timeout can cut it any more.
    /// </summary>
    public void OutputArrived(bool ended)
    {
        if (ended)
        {
            _deadline?.Disarm();
        }
        else
        {
            _deadline?.Extend();
        }
    }

    /// <summary>The script was killed for its timeout while its body was streaming: the response is truncated.</summary>
    public bool TimedOut => _timedOut?.Invoke() ?? false;

    public async ValueTask DisposeAsync()
    {
        // First stop the timeout and the client-abort callbacks (waiting for one that is
        // running): once the script's share ends, its worker may serve someone else.
        foreach (var registration in _registrations)
        {
            await registration.DisposeAsync().ConfigureAwait(false);
        }
        _deadline?.Dispose();
        if (_execution is not null)
        {
            await _execution.DisposeAsync().ConfigureAwait(false);
        }
        if (_spooledBody is not null)
        {
            await _spooledBody.DisposeAsync().ConfigureAwait(false);
        }
    }
}
