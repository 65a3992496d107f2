using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace WarmCgi.AspNetCore;

/// <summary>
/// A connection's output that an nph- script's answer can take over: RFC 3875 5 and Apache
/// send such a script's output to the client unchanged -- its own status line ("HTTP/1.0 200
/// OK"), its own framing (a Transfer-Encoding it chunked itself), no Date or Server added --
/// which Kestrel, writing every response itself, cannot. Until <see cref="TakeOver"/> it
/// forwards everything; after it, what Kestrel writes goes nowhere and the raw bytes go to
/// <see cref="Raw"/>, and the connection closes after that response, as the client cannot
/// tell where an unframed answer ends but by the close.
/// </summary>
internal sealed class RawResponseOutput : PipeWriter
{
    private const string ItemKey = "WarmCgi.RawResponseOutput";

    private readonly PipeWriter _inner;
    private byte[] _void = [];
    private volatile bool _takenOver;

    private RawResponseOutput(PipeWriter inner) => _inner = inner;

    /// <summary>Connection middleware for <c>ListenOptions.Use</c>.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware { get; } =
        next => context =>
        {
            var transport = context.Transport;
            var output = new RawResponseOutput(transport.Output);
            context.Items[ItemKey] = output;
            context.Transport = new DuplexPipe(transport.Input, output);
            return next(context);
        };

    /// <summary>The connection's output for an HTTP/1.x request served behind this middleware, or null.</summary>
    public static RawResponseOutput? For(HttpContext context) =>
        HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol)
            ? context.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var output) == true ? output as RawResponseOutput : null
            : null;

    /// <summary>The transport itself, once taken over.</summary>
    public PipeWriter Raw => _takenOver ? _inner : throw new InvalidOperationException("not taken over");

    /// <summary>
    /// From now on the response's bytes are the caller's to write to <see cref="Raw"/>; the
    /// response Kestrel still makes (status line, headers, framing) is dropped, and it is the
    /// connection's last.
    /// </summary>
    public void TakeOver(HttpResponse response)
    {
        response.Headers.Connection = "close";
        _takenOver = true;
    }

    public override void Advance(int bytes)
    {
        if (!_takenOver)
        {
            _inner.Advance(bytes);
        }
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => _takenOver ? Void(sizeHint) : _inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => _takenOver ? Void(sizeHint) : _inner.GetSpan(sizeHint);

    private byte[] Void(int sizeHint)
    {
        if (_void.Length < Math.Max(sizeHint, 4096))
        {
            _void = new byte[Math.Max(sizeHint, 4096)];
        }
        return _void;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) =>
        _takenOver ? new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: false)) : _inner.FlushAsync(cancellationToken);

    public override void CancelPendingFlush() => _inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

    public override bool CanGetUnflushedBytes => !_takenOver && _inner.CanGetUnflushedBytes;

    public override long UnflushedBytes => _takenOver ? 0 : _inner.UnflushedBytes;
}
