using System.Net;
using System.Security.Cryptography;

namespace WarmCgi.Functional.Infrastructure;

/// <summary>Request bodies for the tests: random bytes, and content sent chunked (no Content-Length).</summary>
public static class Bodies
{
    public static byte[] Random(int length)
    {
        var data = new byte[length];
        System.Random.Shared.NextBytes(data);
        return data;
    }

    public static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>What cgi-bin/echo_body.pl reports, as name -> value.</summary>
    public static Dictionary<string, string> ParseReport(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1]);
}

/// <summary>A body of unknown length: HttpClient sends it with Transfer-Encoding: chunked, in pieces.</summary>
public sealed class ChunkedContent(byte[] data, int chunkSize = 16 * 1024) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (int offset = 0; offset < data.Length; offset += chunkSize)
        {
            await stream.WriteAsync(data.AsMemory(offset, Math.Min(chunkSize, data.Length - offset)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
