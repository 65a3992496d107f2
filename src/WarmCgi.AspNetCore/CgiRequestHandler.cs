using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using WarmCgi.Cgi;
using WarmCgi.Pipeline;

namespace WarmCgi.AspNetCore;

/// <summary>
/// Runs a request through the engine and writes what comes back: a failure as its status, or
/// the script's head and its body streamed as the script writes it.
/// </summary>
internal sealed partial class CgiRequestHandler
{
    private readonly CgiEngine _engine;
    private readonly ILogger _logger;

    public CgiRequestHandler(CgiEngine engine, ILogger<CgiRequestHandler> logger)
    {
        _engine = engine;
        _logger = logger;
    }

    public bool Owns(PathString path) => _engine.Resolver.Owns(path.Value ?? "/");

    public Task HandleAsync(HttpContext context) => HandleAsync(context, next: null);

    /// <param name="next">What serves URLs outside the script mappings (static files), for local redirects there.</param>
    public async Task HandleAsync(HttpContext context, RequestDelegate? next)
    {
        long? limit = _engine.Dispatcher.Settings.MaxRequestBodySize;
        var bodySize = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (bodySize is { IsReadOnly: false })
        {
            // A chunked body is counted by the spooler, which answers 413 itself: Kestrel's own
            // limit would surface as an IOException it cannot tell from broken chunking (a 400).
            bodySize.MaxRequestBodySize = context.Request.ContentLength is null ? null : limit;
        }
        if (context.Request.ContentLength > limit)
        {
            await WriteFailureAsync(context, CgiError.BodyTooLarge).ConfigureAwait(false);
            return;
        }
        if (HttpMethods.IsTrace(context.Request.Method))
        {
            await WriteFailureAsync(context, CgiError.MethodNotAllowed).ConfigureAwait(false);
            return;
        }
        if (CgiHttpRequest.From(context) is not { } request)
        {
            await WriteFailureAsync(context, CgiError.BadRequest).ConfigureAwait(false);
            return;
        }
        await using var result = await _engine.Dispatcher.ExecuteAsync(request, context.RequestAborted).ConfigureAwait(false);
        if (result.Error != CgiError.None)
        {
            await WriteFailureAsync(context, result.Error).ConfigureAwait(false);
            return;
        }
        if (result.DocumentLocation is { } location)
        {
            if (!TryAppendHeaders(context.Response, result.CarriedHeaders, nonParsed: false))
            {
                await WriteBadHeaderAsync(context, request).ConfigureAwait(false);
                return;
            }
            await ServeDocumentAsync(context, location, next).ConfigureAwait(false);
            return;
        }
        if (result.Head is { RawHead: { } rawHead } && RawResponseOutput.For(context) is { } raw)
        {
            await SendUnchangedAsync(context, result, rawHead, raw).ConfigureAwait(false);
            return;
        }
        var now = DateTimeOffset.UtcNow;
        var head = ScriptConditions.WithRationalLastModified(result.Head!, now);
        int condition = ScriptConditions.Evaluate(context.Request, head, now);
        if (condition != 0)
        {
            head = head with { StatusCode = condition, ReasonPhrase = null };
        }
        if (!TryWriteHead(context, head))
        {
            await WriteBadHeaderAsync(context, request).ConfigureAwait(false);
            return;
        }
        // HEAD, 1xx/204/304, a failed precondition and a plain client redirect carry no script body: it is drained.
        bool redirect = head.Kind == CgiResponseKind.ClientRedirect && condition == 0;
        bool sendBody = !redirect && !HttpMethods.IsHead(request.Method)
            && head.StatusCode is >= 200 and not 204 and not 304 && condition == 0;
        byte[]? document = redirect ? RedirectDocument.For(context.Response, head.Location!) : null;
        long sent = await CopyBodyAsync(result, sendBody ? context.Response : null, sendBody ? context.Response.BodyWriter : null,
            context.RequestAborted).ConfigureAwait(false);
        if (document is not null && !HttpMethods.IsHead(request.Method) && !context.RequestAborted.IsCancellationRequested)
        {
            await context.Response.Body.WriteAsync(document, context.RequestAborted).ConfigureAwait(false);
            sent = document.Length;
        }
        context.Features.Set(new ResponseBytesFeature(sent));
        if (!result.TimedOut && !context.RequestAborted.IsCancellationRequested)
        {
            // End the response now (the last chunk goes out) rather than after the script is reaped.
            await context.Response.CompleteAsync().ConfigureAwait(false);
        }
        if (result.TimedOut)
        {
            // Headers are gone already: a cut connection is the only honest way to say "incomplete".
            LogTruncated(_logger, request.Path, request.RequestId);
            context.Abort();
        }
    }

    /// <summary>
    /// An nph- script's output, its head included, goes to the client as it wrote it (RFC
    /// 3875 5, Apache), a HEAD's body too; the connection closes after it.
    /// </summary>
    private async Task SendUnchangedAsync(HttpContext context, CgiResult result, byte[] rawHead, RawResponseOutput raw)
    {
        context.Response.StatusCode = result.Head!.StatusCode;   // for the access log
        raw.TakeOver(context.Response);
        long sent = 0;
        try
        {
            await raw.Raw.WriteAsync(rawHead, context.RequestAborted).ConfigureAwait(false);
            sent = await CopyBodyAsync(result, response: null, raw.Raw, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        context.Features.Set(new ResponseBytesFeature(sent));
        if (result.TimedOut)
        {
            LogTruncated(_logger, context.Request.Path, context.TraceIdentifier);
            context.Abort();
        }
    }

    /// <summary>
    /// RFC 3875 6.2.2: a local redirect to a URL that no script mapping owns is answered as a
    /// GET of that URL would be -- by the rest of the pipeline (the document root), with the
    /// headers the redirecting script set (Set-Cookie, Cache-Control...: already on the
    /// response), as Apache keeps them.
    /// </summary>
    private static Task ServeDocumentAsync(HttpContext context, string location, RequestDelegate? next)
    {
        var request = context.Request;
        int q = location.IndexOf('?', StringComparison.Ordinal);
        request.Method = HttpMethods.IsHead(request.Method) ? HttpMethods.Head : HttpMethods.Get;
        request.Path = PathString.FromUriComponent(q < 0 ? location : location[..q]);
        request.QueryString = q < 0 ? QueryString.Empty : new QueryString(location[q..]);
        request.Headers.ContentType = default;
        return next is null ? WriteFailureAsync(context, CgiError.NotFound) : next(context);
    }

    /// <summary>A header Kestrel refused: what was set goes, and the client gets the 502 of bad script output.</summary>
    private Task WriteBadHeaderAsync(HttpContext context, CgiRequest request)
    {
        LogBadHeader(_logger, request.Path, request.RequestId);
        context.Response.Clear();
        return WriteFailureAsync(context, CgiError.BadScriptOutput);
    }

    private static bool TryWriteHead(HttpContext context, CgiResponseHead head)
    {
        try
        {
            context.Response.StatusCode = head.StatusCode;
            if (head.ReasonPhrase is not null)
            {
                context.Features.GetRequiredFeature<IHttpResponseFeature>().ReasonPhrase = head.ReasonPhrase;
            }
        }
        catch (InvalidOperationException)
        {
            return false;   // Kestrel refuses control characters
        }
        // A 204 or 304 has no body to type: Apache leaves the script's Content-Type out.
        var headers = head.StatusCode is 204 or 304
            ? head.Headers.Where(h => !h.Key.Equals(HeaderNames.ContentType, StringComparison.OrdinalIgnoreCase))
            : head.Headers;
        return TryAppendHeaders(context.Response, headers, head.Kind == CgiResponseKind.NonParsed);
    }

    /// <summary>A script's headers onto the response; false when Kestrel refuses one (a control character).</summary>
    private static bool TryAppendHeaders(HttpResponse response, IEnumerable<KeyValuePair<string, string>> headers, bool nonParsed)
    {
        try
        {
            foreach (var (name, value) in headers)
            {
                // The server's own Date and Server, as Apache and nginx send (an nph- script speaks for itself).
                if (IsServersOwn(name))
                {
                    if (nonParsed)
                    {
                        response.Headers[name] = value;
                    }
                    continue;
                }
                AppendHeader(response.Headers, name, value);
            }
        }
        catch (InvalidOperationException)
        {
            return false;   // Kestrel refuses control characters in header values
        }
        return true;
    }

    private static void AppendHeader(IHeaderDictionary headers, string name, string value)
    {
        if (value.Length == 0)
        {
            // Append drops an empty value; Apache passes "X-Name:" on as it came.
            var existing = headers[name];
            headers[name] = existing.Count == 0 ? new StringValues(value) : StringValues.Concat(existing, value);
            return;
        }
        headers.Append(name, value);
    }

    private static bool IsServersOwn(string name) =>
        name.Equals("Date", StringComparison.OrdinalIgnoreCase) || name.Equals("Server", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Streams the script's output to the client as it comes (or drains it, for HEAD and
    /// redirects). A script whose whole output is already here -- most are, a resident one
    /// especially -- gets a Content-Length: the response then leaves in one write, where
    /// chunked encoding would take a second one for its last chunk. A head whose body does
    /// not follow goes out on its own, as Apache flushes it when a read of the script would
    /// block: a "please wait" page, a long poll or an event stream shows its headers at once.
    /// </summary>
    /// <param name="response">The response whose start and length the copy decides, or null when it is not the copy's to decide.</param>
    /// <param name="destination">Where the body goes, or null to drain it.</param>
    private static async Task<long> CopyBodyAsync(CgiResult result, HttpResponse? response, PipeWriter? destination, CancellationToken cancellationToken)
    {
        PipeReader source = result.Body;
        long total = 0;
        try
        {
            while (true)
            {
                if (!source.TryRead(out var read))
                {
                    read = response is { HasStarted: false }
                        ? await ReadStartingAloneAsync(source, response, cancellationToken).ConfigureAwait(false)
                        : await source.ReadAsync(CancellationToken.None).ConfigureAwait(false);
                }
                var buffer = read.Buffer;
                result.OutputArrived(read.IsCompleted);
                // (Output cut short by the timeout is not whole: that response ends in a reset.)
                if (total == 0 && read.IsCompleted && response is { HasStarted: false } && !result.TimedOut)
                {
                    response.ContentLength = buffer.Length;
                }
                if (destination is not null && !buffer.IsEmpty)
                {
                    foreach (var segment in buffer)
                    {
                        destination.Write(segment.Span);
                    }
                    total += buffer.Length;
                    var flush = await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
                    if (flush.IsCanceled || flush.IsCompleted)
                    {
                        break;
                    }
                }
                source.AdvanceTo(buffer.End);
                if (read.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException)
        {
            // The client went away, or the script's socket broke: the dispatcher has killed the script.
        }
        return total;
    }

    /// <summary>
    /// How long a head waits for the first of its body: lines a script writes one by one (a
    /// shell script's echo) still leave together, in one write with a Content-Length.
    /// </summary>
    private static readonly TimeSpan HeadAloneAfter = TimeSpan.FromMilliseconds(5);

    /// <summary>The next read of the script's output; the response starts (its head alone) if that read takes longer than <see cref="HeadAloneAfter"/>.</summary>
    private static async Task<ReadResult> ReadStartingAloneAsync(PipeReader source, HttpResponse response, CancellationToken cancellationToken)
    {
        var read = source.ReadAsync(CancellationToken.None).AsTask();
        if (await Task.WhenAny(read, Task.Delay(HeadAloneAfter, cancellationToken)).ConfigureAwait(false) != read)
        {
            try
            {
                await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);   // StartAsync alone holds the head back
            }
            catch (OperationCanceledException)
            {
                // The client left: the copy ends on the read that follows.
            }
        }
        return await read.ConfigureAwait(false);
    }

    private static Task WriteFailureAsync(HttpContext context, CgiError error)
    {
        int status = CgiErrors.StatusCode(error);
        var response = context.Response;
        if (error == CgiError.ClientGone || response.HasStarted)
        {
            context.Abort();
            return Task.CompletedTask;
        }
        response.StatusCode = status;
        if (error == CgiError.Overloaded)
        {
            response.Headers.RetryAfter = "1";
        }
        if (error == CgiError.MethodNotAllowed)
        {
            response.Headers.Allow = "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH";   // a script takes any method but TRACE
        }
        if (error == CgiError.DirectoryWithoutSlash)
        {
            return WriteSlashRedirectAsync(context);
        }
        response.ContentType = "text/plain; charset=utf-8";
        string text = ReasonPhrases.GetReasonPhrase(status);
        context.Features.Set(new ResponseBytesFeature(text.Length + 1));
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.WriteAsync(text + "\n", context.RequestAborted);
    }

    /// <summary>
    /// mod_dir's answer to a directory named without its slash: a 301 to the same URL with it
    /// (query kept, host as the client named it), so relative links in its index resolve.
    /// </summary>
    private static Task WriteSlashRedirectAsync(HttpContext context)
    {
        var request = context.Request;
        // An HTTP/1.0 client may send no Host: the address it reached, as SERVER_NAME has it.
        var host = request.Host.HasValue ? request.Host
            : new HostString(context.Connection.LocalIpAddress?.ToString() ?? "localhost", context.Connection.LocalPort);
        string location = UriHelper.BuildAbsolute(request.Scheme, host, request.PathBase, request.Path.Add("/"), request.QueryString);
        context.Response.Headers.Location = location;
        byte[] document = RedirectDocument.For(context.Response, location, StatusCodes.Status301MovedPermanently);
        context.Features.Set(new ResponseBytesFeature(document.Length));
        return HttpMethods.IsHead(request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(document, context.RequestAborted).AsTask();
    }

    [LoggerMessage(EventId = Diagnostics.EventIds.BadResponseHeader, Level = LogLevel.Error, Message = "{Path} [{RequestId}] script sent a header value the server cannot send (control characters): 502")]
    private static partial void LogBadHeader(ILogger logger, string path, string requestId);

    [LoggerMessage(EventId = Diagnostics.EventIds.ScriptTimedOut, Level = LogLevel.Error, Message = "{Path} [{RequestId}] script timed out while streaming its body; connection cut")]
    private static partial void LogTruncated(ILogger logger, string path, string requestId);
}

/// <summary>Body bytes sent, for the access log's %b.</summary>
internal sealed record ResponseBytesFeature(long Bytes);
