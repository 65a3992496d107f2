using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using WarmCgi.Cgi;
using WarmCgi.Routing;

namespace WarmCgi.AspNetCore;

/// <summary>HttpContext -> CgiRequest: the only place the engine's input meets ASP.NET.</summary>
internal static class CgiHttpRequest
{
    public static CgiRequest From(HttpContext context)
    {
        var request = context.Request;
        var connection = context.Connection;
        var headers = new List<KeyValuePair<string, string>>(request.Headers.Count);
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value ?? ""));
            }
        }
        string rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.PathBase + request.Path + request.QueryString).ToString();
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
