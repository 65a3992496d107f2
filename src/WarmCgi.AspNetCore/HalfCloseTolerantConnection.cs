using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace WarmCgi.AspNetCore;

/// <summary>
/// A client connection on which a FIN is not, at once, the client leaving. Clients that send
/// their request and then shut their side for writing (<c>nc -N</c>, scripted probes,
/// HTTP/1.0 tools) still wait for the answer, and Apache gives it to them; Kestrel takes the
/// FIN for an abort and drops the response. Here Kestrel hears of the FIN only once the
/// client is known to be gone -- a reset, a failed write -- or once the answer has been
/// silent for <see cref="Grace"/> after it, so a script whose client really left is still
/// killed soon (a FIN alone cannot tell a half-close from a close: only a write to the peer
/// can), while an answer that keeps flowing (a clone's pack) flows to its end. The input
/// reports its end only once what came before the FIN has been read: Kestrel takes a body
/// and the FIN in one read for a truncated body.
/// </summary>
internal sealed class HalfCloseTolerantConnection : ConnectionContext
{
    /// <summary>How long an answer to a client that half-closed may stay silent.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private const int TcpCloseWait = 8; // tcpi_state: the peer sent FIN, nothing else went wrong

    private readonly ConnectionContext _inner;
    private readonly DuplexPipe _transport;
    private readonly FlushCountingWriter _output;
    private long _flushesAtCheck;
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationTokenRegistration _innerClosed;
    private Timer? _grace;

    private HalfCloseTolerantConnection(ConnectionContext inner)
    {
        _inner = inner;
        _output = new FlushCountingWriter(inner.Transport.Output);
        _transport = new DuplexPipe(new DataBeforeEndReader(inner.Transport.Input), _output);
        _innerClosed = inner.ConnectionClosed.UnsafeRegister(static s => ((HalfCloseTolerantConnection)s!).OnPeerClosed(), this);
    }

    /// <summary>Connection middleware for <c>ListenOptions.Use</c>.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware { get; } =
        next => async context =>
        {
            await using var connection = new HalfCloseTolerantConnection(context);
            await next(connection).ConfigureAwait(false);
        };

    public override string ConnectionId { get => _inner.ConnectionId; set => _inner.ConnectionId = value; }
    public override IFeatureCollection Features => _inner.Features;
    public override IDictionary<object, object?> Items { get => _inner.Items; set => _inner.Items = value; }
    public override IDuplexPipe Transport
    {
        get => _transport;
        set => throw new NotSupportedException();
    }
    public override EndPoint? LocalEndPoint { get => _inner.LocalEndPoint; set => _inner.LocalEndPoint = value; }
    public override EndPoint? RemoteEndPoint { get => _inner.RemoteEndPoint; set => _inner.RemoteEndPoint = value; }

    public override CancellationToken ConnectionClosed
    {
        get => _closed.Token;
        set => throw new NotSupportedException();
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        _inner.Abort(abortReason);
        Close();
    }

    public override void Abort() => Abort(new ConnectionAbortedException("The connection was aborted by the application."));

    public override async ValueTask DisposeAsync()
    {
        _innerClosed.Dispose();
        Interlocked.Exchange(ref _grace, null)?.Dispose();
        await _inner.DisposeAsync().ConfigureAwait(false);
        _closed.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void OnPeerClosed()
    {
        if (!OnlyFinReceived())
        {
            Close();
            return;
        }
        _flushesAtCheck = _output.Flushes;
        var grace = new Timer(static s => ((HalfCloseTolerantConnection)s!).OnGraceOver(), this, Timeout.Infinite, Timeout.Infinite);
        if (Interlocked.CompareExchange(ref _grace, grace, null) is null)
        {
            grace.Change(Grace, Timeout.InfiniteTimeSpan);
        }
        else
        {
            grace.Dispose();
        }
    }

    /// <summary>True when the socket is in CLOSE_WAIT: the peer's FIN, and no reset.</summary>
    private bool OnlyFinReceived()
    {
        var socket = Features.Get<IConnectionSocketFeature>()?.Socket;
        if (socket is null || socket.ProtocolType != ProtocolType.Tcp)
        {
            return false;
        }
        Span<byte> info = stackalloc byte[8];
        try
        {
            return socket.GetRawSocketOption(6 /* IPPROTO_TCP */, 11 /* TCP_INFO */, info) > 0 && info[0] == TcpCloseWait;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or PlatformNotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Silent since the last look, or no longer a half-closed peer (our writes drew a reset: it
    /// had closed for good): the client is gone. Else look again later.
    /// </summary>
    private void OnGraceOver()
    {
        long flushes = _output.Flushes;
        if (flushes == _flushesAtCheck || !OnlyFinReceived())
        {
            Close();
            return;
        }
        _flushesAtCheck = flushes;
        try
        {
            _grace?.Change(Grace, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // the connection ended meanwhile
        }
    }

    private void Close()
    {
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the connection ended meanwhile
        }
    }

    /// <summary>The output, counting its flushes: how the grace tells a flowing answer from a silent one.</summary>
    private sealed class FlushCountingWriter(PipeWriter inner) : PipeWriter
    {
        private long _flushes;

        public long Flushes => Interlocked.Read(ref _flushes);

        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => inner.UnflushedBytes;

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _flushes);
            return inner.FlushAsync(cancellationToken);
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
    }

    /// <summary>
    /// A reader that reports the end of its input only once nothing before it is left to
    /// look at: Kestrel takes the end, seen while a body's bytes wait in the buffer, for a
    /// truncated body. A reader that looked at everything and wants more gets the end.
    /// </summary>
    private sealed class DataBeforeEndReader(PipeReader inner) : PipeReader
    {
        private ReadOnlySequence<byte> _last;
        private bool _wantsMore;

        public override bool TryRead(out ReadResult result)
        {
            bool read = inner.TryRead(out result);
            result = Hold(result);
            return read;
        }

        public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default) =>
            Hold(await inner.ReadAsync(cancellationToken).ConfigureAwait(false));

        public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
        {
            _wantsMore = _last.Slice(examined).IsEmpty;
            _last = default;
            inner.AdvanceTo(consumed, examined);
        }

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        private ReadResult Hold(ReadResult result)
        {
            _last = result.Buffer;
            bool hold = result.IsCompleted && !result.Buffer.IsEmpty && !_wantsMore;
            _wantsMore = false;
            return hold ? new ReadResult(result.Buffer, result.IsCanceled, isCompleted: false) : result;
        }
    }
}
