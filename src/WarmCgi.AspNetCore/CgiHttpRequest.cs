using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using WarmCgi.Cgi;
using WarmCgi.Routing;

namespace WarmCgi.AspNetCore;

/// <summary>HttpContext -> CgiRequest: the only place the engine's input meets ASP.NET.</summary>
internal static class CgiHttpRequest
{
    /// <summary>Control characters (HTAB aside), which Apache's default HttpProtocolOptions Strict refuses in a header value.</summary>
    private static readonly SearchValues<char> ValueControls = SearchValues.Create(
        "\0\x01\x02\x03\x04\x05\x06\x07\x08\x0A\x0B\x0C\x0D\x0E\x0F\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1A\x1B\x1C\x1D\x1E\x1F\x7F");

    /// <summary>... and in a request target, where HTAB and a fragment's '#' are no more a client's to send.</summary>
    private static readonly SearchValues<char> TargetControls = SearchValues.Create(
        "\0\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\x0C\x0D\x0E\x0F\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1A\x1B\x1C\x1D\x1E\x1F\x7F#");

    /// <summary>
    /// The request as the engine takes it, or null for one Apache answers 400: a control
    /// character in its target or a header value would reach the script raw (QUERY_STRING,
    /// HTTP_*), where a script that echoes or logs it is open to injection.
    /// </summary>
    public static CgiRequest? From(HttpContext context)
    {
        var request = context.Request;
        var connection = context.Connection;
        var headers = new List<KeyValuePair<string, string>>(request.Headers.Count);
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                if (value is not null && value.AsSpan().ContainsAny(ValueControls))
                {
                    return null;
                }
                headers.Add(new(name, value ?? ""));
            }
        }
        string rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.PathBase + request.Path + request.QueryString).ToString();
        if (rawTarget.AsSpan().ContainsAny(TargetControls))
        {
            return null;
        }
        string query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        // A target sent with raw bytes reached Kestrel %-encoded: the script gets it as sent.
        string? sent = FirstHeadRewriter.TakeRawTarget(context);
        if (sent is not null)
        {
            int q = sent.IndexOf('?', StringComparison.Ordinal);
            query = q < 0 ? "" : sent[(q + 1)..];
        }
        var user = context.User?.Identity;
        // An HTTP/1.0 POST that came without a length got "Content-Length: 0" only to pass Kestrel.
        long? length = HttpProtocol.IsHttp10(request.Protocol) && FirstHeadRewriter.TakeAddedLength(context)
            ? null
            : request.ContentLength;
        return new CgiRequest
        {
            Method = request.Method,
            Scheme = request.Scheme,
            Protocol = request.Protocol,
            Path = PathOf(request, rawTarget),
            QueryString = query,
            RawTarget = sent ?? rawTarget,
            Headers = headers,
            RemoteAddress = connection.RemoteIpAddress ?? IPAddress.Loopback,
            RemotePort = connection.RemotePort,
            LocalAddress = connection.LocalIpAddress ?? IPAddress.Loopback,
            LocalPort = connection.LocalPort,
            RemoteUser = user?.IsAuthenticated == true ? user.Name : null,
            AuthType = user?.IsAuthenticated == true ? user.AuthenticationType : null,
            ContentLength = length,
            HasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0),
            Body = request.Body,
            RequestId = context.TraceIdentifier,
        };
    }

    private static string PathOf(HttpRequest request, string rawTarget)
    {
        string path = (request.PathBase + request.Path).Value ?? "/";
        if (!path.Contains('%') || !rawTarget.StartsWith('/'))
        {
            return path;
        }
        int query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        return UrlPath.Decode(query < 0 ? rawTarget : rawTarget[..query]);
    }
}
