using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using WarmCgi.Cgi;
using WarmCgi.Routing;

namespace WarmCgi.Pipeline;

/// <summary>Dispatcher limits that are not per mapping.</summary>
public sealed record DispatcherSettings
{
    /// <summary>Largest request body; null for unlimited. Default 1 GiB, Apache's LimitRequestBody default.</summary>
    public long? MaxRequestBodySize { get; init; } = 1L << 30;

    /// <summary>A chunked body is spooled in memory up to this size, then in a temp file.</summary>
    public int BodyMemoryThreshold { get; init; } = 1 << 20;

    /// <summary>Local redirects followed before giving up (Apache's LimitInternalRecursion is 10).</summary>
    public int MaxLocalRedirects { get; init; } = 10;

    /// <summary>Time between SIGTERM and SIGKILL for a script that must stop (Apache waits 3 s).</summary>
    public TimeSpan KillGrace { get; init; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// The one path every request takes: resolve the script, prepare the body, build the
/// environment, start the backend, parse the CGI header section, follow local redirects.
/// Failures come back as values (<see cref="CgiResult.Error"/>); the front door maps them to a
/// status in one place.
/// </summary>
public sealed partial class CgiDispatcher
{
    private readonly ScriptResolver _resolver;
    private readonly CgiEnvironmentSettings _environment;
    private readonly DispatcherSettings _settings;
    private readonly Func<ScriptTarget, ICgiBackend> _selectBackend;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    internal CgiDispatcher(ScriptResolver resolver, CgiEnvironmentSettings environment, DispatcherSettings settings,
        Func<ScriptTarget, ICgiBackend> selectBackend, TimeProvider time, ILogger logger)
    {
        _resolver = resolver;
        _environment = environment;
        _settings = settings;
        _selectBackend = selectBackend;
        _time = time;
        _logger = logger;
    }

    public ScriptResolver Resolver => _resolver;

    public DispatcherSettings Settings => _settings;

    public async Task<CgiResult> ExecuteAsync(CgiRequest request, CancellationToken requestAborted)
    {
        Stream? spooled = null;
        try
        {
            // A Content-Length of 0 is still a CONTENT_LENGTH, as in Apache: scripts do int(os.environ["CONTENT_LENGTH"]).
            long? length = request.ContentLength;
            Stream body = request.Body;
            var resolved = _resolver.Resolve(request.Path);
            if (resolved.Target is null)
            {
                return Fail(request, resolved.Error, resolved.Reason);
            }
            if (request.HasBody && request.ContentLength is null)
            {
                var result = await BodySpooler.SpoolAsync(request.Body, _settings.MaxRequestBodySize, _settings.BodyMemoryThreshold, requestAborted).ConfigureAwait(false);
                if (result.Error != CgiError.None)
                {
                    return Fail(request, result.Error, "request body over the limit or malformed");
                }
                spooled = result.Body;
                body = result.Body!;
                length = result.Length;
            }
            var outcome = await RunAsync(request, resolved.Target, body, length, spooled, requestAborted).ConfigureAwait(false);
            // A successful result owns the spooled body now; a failure leaves it to us.
            spooled = outcome.Head is null ? spooled : null;
            return outcome;
        }
        finally
        {
            if (spooled is not null)
            {
                await spooled.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<CgiResult> RunAsync(CgiRequest request, ScriptTarget target, Stream body, long? length, Stream? spooled, CancellationToken requestAborted)
    {
        var env = CgiEnvironment.Build(request, target, _environment, length);
        List<KeyValuePair<string, string>>? carried = null; // headers of the scripts that redirected
        for (int redirects = 0; ; redirects++)
        {
            var attempt = await RunOnceAsync(request, target, env, body, length, spooled, carried, requestAborted).ConfigureAwait(false);
            if (attempt.Redirect is null)
            {
                return attempt.Result!;
            }
            // Apache keeps the headers of a script that redirects inside the server (they go to
            // its err_headers_out): "set a cookie, then show the page" works, and so does a
            // Cache-Control -- all but those that describe the redirecting answer itself.
            (carried ??= []).AddRange(attempt.Redirect.Headers.Where(h => !NotCarried.Contains(h.Key)));
            if (spooled is not null)
            {
                await spooled.DisposeAsync().ConfigureAwait(false);
                spooled = null;
            }
            if (redirects >= _settings.MaxLocalRedirects)
            {
                return Fail(request, CgiError.TooManyRedirects, "local redirects exceed the limit (a loop?)");
            }
            // RFC 3875 6.2.2: the server answers the new URL as it would a GET of it, without a
            // body (a fragment is the client's business). REQUEST_URI stays the client's, as in Apache.
            string location = attempt.Redirect.Location!;
            int hash = location.IndexOf('#', StringComparison.Ordinal);
            location = hash < 0 ? location : location[..hash];
            int q = location.IndexOf('?', StringComparison.Ordinal);
            string path = UrlPath.Decode(q < 0 ? location : location[..q]);   // bytes, as a request's path
            var next = request with
            {
                Method = "GET",
                Path = path,
                QueryString = q < 0 ? "" : location[(q + 1)..],
                HasBody = false,
                ContentLength = null,
            };
            if (!_resolver.Owns(path))
            {
                return CgiResult.ForDocument(location, carried ?? []);
            }
            var resolved = _resolver.Resolve(next.Path);
            if (resolved.Target is null)
            {
                // (A slash redirect would name the client's URL, not the directory: the directory's 403.)
                return Fail(next, resolved.Error == CgiError.DirectoryWithoutSlash ? CgiError.Forbidden : resolved.Error, resolved.Reason);
            }
            var previous = request;
            var previousEnv = env;
            request = next;
            target = resolved.Target;
            body = Stream.Null;
            length = null;
            env = CgiEnvironment.Build(request, target, _environment, null);
            // Apache's internal redirect: the redirecting script's variables again, as REDIRECT_*.
            env.AddRange(previousEnv.Select(v => KeyValuePair.Create("REDIRECT_" + v.Key, v.Value)));
            env.Add(new("REDIRECT_STATUS", "200"));
            env.Add(new("REDIRECT_URL", previous.Path));
        }
    }

    /// <summary>
    /// A redirecting script's headers that Apache does not keep for the page it redirects to;
    /// ETag neither: conditional requests are checked against the target's own validator.
    /// </summary>
    private static readonly HashSet<string> NotCarried = new(StringComparer.OrdinalIgnoreCase)
    {
        "Location", "Content-Type", "Last-Modified", "Content-Range", "ETag",
    };

    private readonly record struct Attempt(CgiResult? Result, CgiResponseHead? Redirect);

    private async Task<Attempt> RunOnceAsync(CgiRequest request, ScriptTarget target, List<KeyValuePair<string, string>> env,
        Stream body, long? length, Stream? spooled, List<KeyValuePair<string, string>>? carriedHeaders, CancellationToken requestAborted)
    {
        var deadline = new ScriptDeadline(target.Mapping.Timeout, _time);
        bool timedOut = false;
        var stderr = new ScriptErrorLog(_logger, target.ScriptName, request.RequestId);
        if (length > 0)
        {
            body = new ProgressStream(body, deadline.Extend);
        }
        var invocation = new CgiInvocation(request, target, env, body, length, stderr);
        var backend = _selectBackend(target);
        BackendStart start;
        using (var startCancel = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, requestAborted))
        {
            try
            {
                start = await backend.StartAsync(invocation, startCancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                deadline.Dispose();
                bool expired = !requestAborted.IsCancellationRequested;
                return new Attempt(Fail(request, expired ? CgiError.Timeout : CgiError.ClientGone,
                    expired ? "timed out waiting for a free process or worker" : "client disconnected while queued"), null);
            }
        }
        if (start.Execution is null)
        {
            deadline.Dispose();
            return new Attempt(Fail(request, start.Error, start.Reason), null);
        }
        var execution = start.Execution;
        // Timeout or client gone: kill the script's whole tree. Its output then ends, and
        // whoever is reading it sees why through timedOut / requestAborted.
        var deadlineRegistration = deadline.Token.Register(() => { timedOut = true; execution.Abort(); });
        var abortRegistration = requestAborted.Register(execution.ClientLeft);

        var (status, head, error, outputEnded) = await ReadHeadAsync(execution, target, deadline).ConfigureAwait(false);
        if (status == CgiParseStatus.Complete && head!.Kind == CgiResponseKind.LocalRedirect)
        {
            await abortRegistration.DisposeAsync().ConfigureAwait(false);
            await DiscardAsync(execution, deadline).ConfigureAwait(false);
            deadline.Dispose();
            return new Attempt(null, head);
        }
        if (status != CgiParseStatus.Complete)
        {
            if (outputEnded && !timedOut && !requestAborted.IsCancellationRequested
                && await execution.HowItEndedAsync(ExitReportWait).ConfigureAwait(false) is { } ending)
            {
                error += ", " + ending;
            }
            execution.Abort();
            await abortRegistration.DisposeAsync().ConfigureAwait(false);
            await execution.DisposeAsync().ConfigureAwait(false);
            deadline.Dispose();
            if (timedOut)
            {
                return new Attempt(Fail(request, CgiError.Timeout, $"script timed out: no output for {target.Mapping.Timeout.TotalSeconds:0.#} s, and no headers yet"), null);
            }
            if (requestAborted.IsCancellationRequested)
            {
                return new Attempt(Fail(request, CgiError.ClientGone, "client disconnected before the script answered"), null);
            }
            return new Attempt(Fail(request, CgiError.BadScriptOutput, error), null);
        }
        await abortRegistration.DisposeAsync().ConfigureAwait(false);
        // From here the front door streams the body; a client that goes away aborts the copy,
        // and disposing the result kills what is left of the script.
        var bodyAbortRegistration = requestAborted.Register(execution.ClientLeft);
        if (carriedHeaders is { Count: > 0 })
        {
            head = head! with { Headers = [.. carriedHeaders, .. head.Headers] };
        }
        return new Attempt(new CgiResult(head!, execution, deadline, [deadlineRegistration, bodyAbortRegistration], () => timedOut, spooled), null);
    }

    /// <summary>
    /// The head, with the timeout counted from the script's last output, as Apache's Timeout
    /// bounds each read of a CGI's output: a report that prints as it goes runs for as long
    /// as it keeps printing, and only a script silent for the whole timeout is killed.
    /// </summary>
    private static async Task<(CgiParseStatus, CgiResponseHead?, string?, bool OutputEnded)> ReadHeadAsync(CgiExecution execution, ScriptTarget target,
        ScriptDeadline deadline)
    {
        bool nonParsed = Path.GetFileName(target.ScriptFilename).StartsWith("nph-", StringComparison.Ordinal);
        var output = execution.Output;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await output.ReadAsync().ConfigureAwait(false);
            }
            catch (IOException e)
            {
                return (CgiParseStatus.Invalid, null, "reading script output failed: " + e.Message, false);
            }
            var buffer = read.Buffer;
            deadline.Extend();
            var status = CgiOutputParser.TryParse(ref buffer, nonParsed, read.IsCompleted, out var head, out var error);
            if (status == CgiParseStatus.Incomplete)
            {
                output.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            if (nonParsed && head is not null)
            {
                head = head with { RawHead = read.Buffer.Slice(0, buffer.Start).ToArray() };   // before AdvanceTo frees it
            }
            output.AdvanceTo(status == CgiParseStatus.Complete ? buffer.Start : read.Buffer.End);
            return (status, head, error, read.IsCompleted);
        }
    }

    /// <summary>How long a failed request's log line waits to say how its script ended: it has almost always exited when its output ends.</summary>
    private static readonly TimeSpan ExitReportWait = TimeSpan.FromMilliseconds(250);

    /// <summary>A local redirect's own body is not sent anywhere; the script still gets to finish, as long as it writes.</summary>
    private static async Task DiscardAsync(CgiExecution execution, ScriptDeadline deadline)
    {
        try
        {
            while (true)
            {
                var read = await execution.Output.ReadAsync().ConfigureAwait(false);
                execution.Output.AdvanceTo(read.Buffer.End);
                deadline.Extend();
                if (read.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
        }
        // Disposing waits (briefly) for the script to exit, so that the redirect target finds
        // its --max-processes slot free.
        await execution.DisposeAsync().ConfigureAwait(false);
    }

    private CgiResult Fail(CgiRequest request, CgiError error, string? reason)
    {
        switch (error)
        {
            case CgiError.NotFound or CgiError.Forbidden or CgiError.DirectoryWithoutSlash:
                LogNotServed(_logger, request.Path, request.RequestId, reason);
                break;
            case CgiError.ClientGone:
                LogClientGone(_logger, request.Path, request.RequestId, reason);
                break;
            case CgiError.Overloaded:
                NoteOverload(request, reason);
                break;
            default:
                LogFailed(_logger, request.Path, request.RequestId, CgiErrors.StatusCode(error), reason);
                break;
        }
        return CgiResult.Failure(error, reason);
    }

    /// <summary>
    /// An overload is one line at its first refusal and then one per <see cref="OverloadLogInterval"/>
    /// with the count, not a line a request: under a flood each 503 is cheap, its log line is not
    /// (a 3 s burst at 64 connections wrote 38,000 lines).
    /// </summary>
    private void NoteOverload(CgiRequest request, string? reason)
    {
        long now = _time.GetTimestamp();
        Interlocked.Increment(ref _overloadRefused);
        long last = Interlocked.Read(ref _overloadLoggedAt);
        if (last != 0 && _time.GetElapsedTime(last, now) < OverloadLogInterval)
        {
            return;
        }
        if (Interlocked.CompareExchange(ref _overloadLoggedAt, now, last) == last)
        {
            LogOverloaded(_logger, Interlocked.Exchange(ref _overloadRefused, 0), request.Path, request.RequestId, reason);
        }
    }

    private static readonly TimeSpan OverloadLogInterval = TimeSpan.FromSeconds(10);
    private long _overloadRefused;
    private long _overloadLoggedAt;

    [LoggerMessage(EventId = Diagnostics.EventIds.Overloaded, Level = LogLevel.Warning, Message = "overloaded: {Refused} request(s) refused with 503 since the last such line, the latest {Path} [{RequestId}]: {Reason}")]
    private static partial void LogOverloaded(ILogger logger, long refused, string path, string requestId, string? reason);

    [LoggerMessage(EventId = Diagnostics.EventIds.ScriptNotFound, Level = LogLevel.Information, Message = "{Path} [{RequestId}] not served: {Reason}")]
    private static partial void LogNotServed(ILogger logger, string path, string requestId, string? reason);

    [LoggerMessage(EventId = Diagnostics.EventIds.ScriptFailed, Level = LogLevel.Error, Message = "{Path} [{RequestId}] failed with {Status}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string path, string requestId, int status, string? reason);

    [LoggerMessage(EventId = Diagnostics.EventIds.ClientGone, Level = LogLevel.Information, Message = "{Path} [{RequestId}]: {Reason}")]
    private static partial void LogClientGone(ILogger logger, string path, string requestId, string? reason);
}
