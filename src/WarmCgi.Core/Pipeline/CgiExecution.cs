using System.IO.Pipelines;
using WarmCgi.Cgi;
using WarmCgi.Routing;

namespace WarmCgi.Pipeline;

/// <summary>Everything a backend needs to run one script for one request.</summary>
internal sealed record CgiInvocation(
    CgiRequest Request,
    ScriptTarget Target,
    List<KeyValuePair<string, string>> Environment,
    Stream Body,
    long? BodyLength,
    ScriptErrorLog Stderr)
{
    public bool HasBodyToSend() => BodyLength > 0;
}

/// <summary>
/// A script that is running: its stdout as a pipe, and a way to stop it. Every backend
/// (a process, a resident worker, an external FastCGI app) hands back one of these, and the
/// dispatcher treats them alike.
/// </summary>
internal abstract class CgiExecution : IAsyncDisposable
{
    /// <summary>The script's raw stdout: CGI headers, a blank line, the body.</summary>
    public abstract PipeReader Output { get; }

    /// <summary>Stops the script and its whole process tree (timeout, client gone, bad output).</summary>
    public abstract void Abort();

    /// <summary>The client went away: nobody reads the rest. A process is stopped; a backend that can tell its script to stop may do so instead.</summary>
    public virtual void ClientLeft() => Abort();

    /// <summary>
    /// How the script ended ("exit code 3", "killed by signal 11"), once its output has ended
    /// without a whole head: the reason an operator looks for in the log line of the 502.
    /// Null when that is not known within <paramref name="wait"/>.
    /// </summary>
    public virtual Task<string?> HowItEndedAsync(TimeSpan wait) => Task.FromResult<string?>(null);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A started execution, or why none could start.</summary>
internal readonly record struct BackendStart(CgiExecution? Execution, CgiError Error, string? Reason)
{
    public static BackendStart Fail(CgiError error, string reason) => new(null, error, reason);
}

internal interface ICgiBackend
{
    ValueTask<BackendStart> StartAsync(CgiInvocation invocation, CancellationToken cancellationToken);
}
