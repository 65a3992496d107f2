using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace WarmCgi.Functional.Infrastructure;

/// <summary>A response read byte for byte off the socket, chunked framing removed.</summary>
public sealed record RawResponse(int StatusCode, string StatusLine, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, byte[] Raw)
{
    public string BodyText => Encoding.Latin1.GetString(Body);

    public string RawText => Encoding.Latin1.GetString(Raw);

    public string? Header(string name) =>
        Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}

/// <summary>
/// Requests written by hand, for what HttpClient will not send: unnormalised paths, repeated
/// header lines, HEAD with a look at every byte that comes back.
/// </summary>
public static class RawHttp
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <param name="request">The request head (and body); "Connection: close" is added, so the response ends with the connection.</param>
    /// <param name="halfClose">Shut the client's sending side once the request is out, as <c>nc -N</c> does.</param>
    public static async Task<RawResponse> SendAsync(int port, string request, bool halfClose = false)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancel.Token);
        var stream = client.GetStream();
        int headEnd = request.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        string head = headEnd < 0 ? request.TrimEnd('\r', '\n') : request[..headEnd];
        string body = headEnd < 0 ? "" : request[(headEnd + 4)..];
        await stream.WriteAsync(Encoding.Latin1.GetBytes(head + "\r\nConnection: close\r\n\r\n" + body), cancel.Token);
        if (halfClose)
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }
        using var received = new MemoryStream();
        await stream.CopyToAsync(received, cancel.Token);
        return Parse(received.ToArray(), isHead: request.StartsWith("HEAD ", StringComparison.Ordinal));
    }

    private static RawResponse Parse(byte[] raw, bool isHead)
    {
        string text = Encoding.Latin1.GetString(raw);
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end >= 0, "no complete response head in: " + text);
        string[] lines = text[..end].Split("\r\n");
        var headers = new List<KeyValuePair<string, string>>();
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            headers.Add(new(line[..colon], line[(colon + 1)..].Trim()));
        }
        int status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        byte[] body = raw[(end + 4)..];
        bool chunked = headers.Any(h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
            && h.Value.Contains("chunked", StringComparison.OrdinalIgnoreCase));
        if (chunked && !isHead)
        {
            body = Unchunk(body);
        }
        return new RawResponse(status, lines[0], headers, body, raw);
    }

    private static byte[] Unchunk(byte[] data)
    {
        using var output = new MemoryStream();
        int position = 0;
        while (true)
        {
            int lineEnd = IndexOfCrlf(data, position);
            Assert.True(lineEnd >= 0, "truncated chunked body");
            string sizeText = Encoding.ASCII.GetString(data, position, lineEnd - position).Split(';')[0];
            int size = int.Parse(sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            position = lineEnd + 2;
            if (size == 0)
            {
                return output.ToArray();
            }
            output.Write(data, position, size);
            position += size + 2;
        }
    }

    private static int IndexOfCrlf(byte[] data, int from)
    {
        for (int i = from; i + 1 < data.Length; i++)
        {
            if (data[i] == '\r' && data[i + 1] == '\n')
            {
                return i;
            }
        }
        return -1;
    }
}
