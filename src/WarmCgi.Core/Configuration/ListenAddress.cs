using System.Globalization;
using System.Net;

namespace WarmCgi.Configuration;

/// <summary>"127.0.0.1:8080", "[::1]:8080", "*:8080" or "localhost:8080".</summary>
public readonly record struct ListenAddress(IPAddress? Address, bool IsLocalhost, int Port)
{
    public static bool TryParse(string text, out ListenAddress address)
    {
        address = default;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            return false;
        }
        string host = text[..colon];
        if (host is "*" or "0.0.0.0")
        {
            address = new ListenAddress(IPAddress.Any, false, port);
            return true;
        }
        if (host == "localhost")
        {
            address = new ListenAddress(null, true, port);
            return true;
        }
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        if (!IPAddress.TryParse(host, out var ip))
        {
            return false;
        }
        address = new ListenAddress(ip, false, port);
        return true;
    }
}
