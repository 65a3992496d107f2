using System.Net;

namespace WarmCgi.Functional.Infrastructure;

/// <summary>A request body with a Content-Length that arrives in pieces, a pause before each: a slow upload.</summary>
public sealed class TricklingContent(int pieces, int pieceSize, TimeSpan pause) : HttpContent
{
    public long Total => (long)pieces * pieceSize;

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var piece = new byte[pieceSize];
        Array.Fill(piece, (byte)'x');
        for (int i = 0; i < pieces; i++)
        {
            await Task.Delay(pause);
            await stream.WriteAsync(piece);
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = Total;
        return true;
    }
}
