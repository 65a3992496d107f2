using System.Net;

namespace WarmCgi.Cgi;

/// <summary>
/// One HTTP request, independent of the front door that received it (Kestrel today, a
/// FastCGI listener tomorrow). Everything the meta-variables of RFC 3875 are made from.
/// </summary>
public sealed record CgiRequest
{
    public required string Method { get; init; }

    /// <summary>"http" or "https".</summary>
    public required string Scheme { get; init; }

    /// <summary>"HTTP/1.1", "HTTP/2"...</summary>
    public required string Protocol { get; init; }

    /// <summary>The decoded URL path (no query). Encoded slashes stay encoded, as Kestrel leaves them.</summary>
    public required string Path { get; init; }

    /// <summary>The query string without its '?', still URL-encoded (RFC 3875 4.1.7).</summary>
    public string QueryString { get; init; } = "";

    /// <summary>The request-target as the client sent it: REQUEST_URI.</summary>
    public required string RawTarget { get; init; }

    /// <summary>Request headers in arrival order; a name may repeat.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public IPAddress RemoteAddress { get; init; } = IPAddress.Loopback;
    public int RemotePort { get; init; }
    public IPAddress LocalAddress { get; init; } = IPAddress.Loopback;
    public int LocalPort { get; init; }

    /// <summary>Set by a host that authenticated the user (REMOTE_USER, AUTH_TYPE).</summary>
    public string? RemoteUser { get; init; }
    public string? AuthType { get; init; }

    /// <summary>The body length when the client declared one; null for none or chunked.</summary>
    public long? ContentLength { get; init; }

    /// <summary>True when a body follows (declared length > 0, or chunked).</summary>
    public bool HasBody { get; init; }

    public Stream Body { get; init; } = Stream.Null;

    /// <summary>Tags the script's stderr lines and the access log.</summary>
    public string RequestId { get; init; } = "";

    public string? GetHeader(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }
        return null;
    }
}
