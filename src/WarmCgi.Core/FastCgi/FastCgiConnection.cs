using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using WarmCgi.Pipeline;

namespace WarmCgi.FastCgi;

/// <summary>How a FastCGI request ended.</summary>
internal enum FastCgiOutcome
{
    /// <summary>END_REQUEST arrived: the connection can carry the next request.</summary>
    Completed,
    /// <summary>The application closed the connection before END_REQUEST (it exited or crashed).</summary>
    ConnectionClosed,
    /// <summary>The application sent something the protocol does not allow.</summary>
    ProtocolError,
}

internal readonly record struct FastCgiEnd(FastCgiOutcome Outcome, int AppStatus, string? Detail);

/// <summary>
/// The client side of one FastCGI connection (responder role, one request at a time, kept
/// open between requests). Request and response flow concurrently: a script that writes
/// before it has read its body never deadlocks, and STDOUT goes into a bounded pipe so a slow
/// client slows the application rather than filling the server's memory.
/// </summary>
internal sealed class FastCgiConnection : IAsyncDisposable
{
    private const ushort RequestId = 1;
    private const int FlushThreshold = 128 * 1024;
    // Inline schedulers: the reader (the response copy) runs on the thread that received the
    // record instead of being queued to the thread pool. On a small box every extra hop is a
    // context switch, and those cost more than the whole request's own work.
    private static readonly PipeOptions OutputPipeOptions = new(
        readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 256 * 1024, resumeWriterThreshold: 128 * 1024, useSynchronizationContext: false);

    private readonly Socket _socket;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;

    public FastCgiConnection(Socket socket)
    {
        _socket = socket;
        var stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <summary>False once a request on it failed in any way: such a connection is never reused.</summary>
    public bool IsReusable { get; private set; } = true;

    /// <summary>The request in flight got its END_REQUEST (set before its STDOUT ends, so a reader of STDOUT sees it).</summary>
    public bool RequestCompleted => Volatile.Read(ref _requestCompleted);

    private bool _requestCompleted;

    /// <summary>The request in flight ended its STDOUT in a read without END_REQUEST: its response is whole, and the application works on.</summary>
    public bool StdoutEnded => Volatile.Read(ref _stdoutEnded);

    private bool _stdoutEnded;

    /// <summary>FCGI_GET_VALUES round trip: proves the application is up and speaks FastCGI.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        var names = new[] { new KeyValuePair<string, string>("FCGI_MPXS_CONNS", "") };
        var buffer = new ArrayBufferWriter<byte>();
        FastCgiNameValues.Write(buffer, names);
        FastCgiCodec.WriteStream(_output, FastCgiRecordType.GetValues, 0, buffer.WrittenSpan);
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var read = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var sequence = read.Buffer;
            if (FastCgiCodec.TryReadRecord(ref sequence, out var record))
            {
                _input.AdvanceTo(sequence.Start);
                if (record.Type != FastCgiRecordType.GetValuesResult)
                {
                    IsReusable = false;
                    throw new FastCgiProtocolException($"expected GET_VALUES_RESULT, got {record.Type}");
                }
                return;
            }
            _input.AdvanceTo(sequence.Start, sequence.End);
            if (read.IsCompleted)
            {
                IsReusable = false;
                throw new IOException("the application closed the connection before answering");
            }
        }
    }

    /// <summary>Starts one request: the returned exchange exposes STDOUT and the end.</summary>
    public FastCgiExchange Begin(IReadOnlyList<KeyValuePair<string, string>> parameters, Stream body, bool hasBody, ScriptErrorLog stderr)
    {
        var pipe = new Pipe(OutputPipeOptions);
        Volatile.Write(ref _requestCompleted, false);
        Volatile.Write(ref _stdoutEnded, false);
        AbortSent = Task.CompletedTask;
        var send = _send = SendAsync(parameters, body, hasBody);
        var end = ReceiveAsync(pipe.Writer, stderr, send);
        return new FastCgiExchange(pipe.Reader, end);
    }

    private Task _send = Task.CompletedTask;

    /// <summary>
    /// FCGI_ABORT_REQUEST for the request in flight (the client left): the application ends
    /// it and answers END_REQUEST, and the connection serves on. False when it cannot go out:
    /// the request's own records are still being sent (they must not interleave).
    /// </summary>
    public bool TryAbortRequest()
    {
        if (!_send.IsCompletedSuccessfully || !IsReusable)
        {
            return false;
        }
        AbortSent = SendAbortAsync();
        return true;
    }

    /// <summary>The abort's send: the connection's next request must wait for it (a writer at a time).</summary>
    public Task AbortSent { get; private set; } = Task.CompletedTask;

    private async Task SendAbortAsync()
    {
        try
        {
            FastCgiCodec.WriteStream(_output, FastCgiRecordType.AbortRequest, RequestId, []);
            await _output.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException or OperationCanceledException)
        {
            IsReusable = false;   // the receive side sees the connection end
        }
    }

    private async Task SendAsync(IReadOnlyList<KeyValuePair<string, string>> parameters, Stream body, bool hasBody)
    {
        try
        {
            FastCgiCodec.WriteBeginRequest(_output, RequestId, FastCgiCodec.RoleResponder, FastCgiCodec.FlagKeepConnection);
            var encoded = new ArrayBufferWriter<byte>(4096);
            FastCgiNameValues.Write(encoded, parameters);
            FastCgiCodec.WriteStream(_output, FastCgiRecordType.Params, RequestId, encoded.WrittenSpan);
            FastCgiCodec.WriteStream(_output, FastCgiRecordType.Params, RequestId, []);
            if (hasBody)
            {
                var chunk = ArrayPool<byte>.Shared.Rent(FastCgiCodec.MaxContentLength);
                try
                {
                    // The records go out together up to a threshold: a small request costs one
                    // send (and one wake-up of the application); a big body streams in pieces.
                    int n;
                    long unflushed = 0;
                    while ((n = await body.ReadAsync(chunk.AsMemory(0, FastCgiCodec.MaxContentLength)).ConfigureAwait(false)) > 0)
                    {
                        FastCgiCodec.WriteStream(_output, FastCgiRecordType.Stdin, RequestId, chunk.AsSpan(0, n));
                        unflushed += n;
                        if (unflushed >= FlushThreshold)
                        {
                            await _output.FlushAsync().ConfigureAwait(false);
                            unflushed = 0;
                        }
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(chunk);
                }
            }
            FastCgiCodec.WriteStream(_output, FastCgiRecordType.Stdin, RequestId, []);
            await _output.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The application or the client went away (an aborted upload cancels the body
            // read); the receive side reports how, and the worker is not reused.
            IsReusable = false;
        }
    }

    private async Task<FastCgiEnd> ReceiveAsync(PipeWriter stdout, ScriptErrorLog stderr, Task send)
    {
        var end = new FastCgiEnd(FastCgiOutcome.ConnectionClosed, -1, "the application closed the connection before END_REQUEST");
        bool clientGone = false, stdoutEnded = false;
        try
        {
            while (true)
            {
                var read = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = read.Buffer;
                bool ended = false;
                while (FastCgiCodec.TryReadRecord(ref buffer, out var record))
                {
                    switch (record.Type)
                    {
                        case FastCgiRecordType.Stdout when !record.Content.IsEmpty && !clientGone && !stdoutEnded:
                            foreach (var segment in record.Content)
                            {
                                stdout.Write(segment.Span);
                            }
                            break;
                        case FastCgiRecordType.Stdout when record.Content.IsEmpty:
                            stdoutEnded = true;
                            break;
                        case FastCgiRecordType.Stdout:
                            break;
                        case FastCgiRecordType.Stderr:
                            foreach (var segment in record.Content)
                            {
                                stderr.Write(segment.Span);
                            }
                            break;
                        case FastCgiRecordType.EndRequest:
                            var (appStatus, protocolStatus) = FastCgiCodec.ReadEndRequest(record.Content);
                            end = protocolStatus == 0
                                ? new FastCgiEnd(FastCgiOutcome.Completed, appStatus, null)
                                : new FastCgiEnd(FastCgiOutcome.ProtocolError, appStatus, $"the application refused the request (protocol status {protocolStatus})");
                            Volatile.Write(ref _requestCompleted, protocolStatus == 0);
                            ended = true;
                            break;
                        default:
                            throw new FastCgiProtocolException($"unexpected {record.Type} record");
                    }
                    if (ended)
                    {
                        break;
                    }
                }
                _input.AdvanceTo(buffer.Start, buffer.End);
                if (ended)
                {
                    break; // completing stdout below flushes it: its reader sees the end with the last bytes
                }
                if (stdoutEnded && !StdoutEnded)
                {
                    // The stream's end came without END_REQUEST: a script that closed fd 1 and
                    // works on. Its response ends now, as a CGI process's does at EOF.
                    Volatile.Write(ref _stdoutEnded, true);
                    await stdout.CompleteAsync().ConfigureAwait(false);
                }
                if (!clientGone && !stdoutEnded)
                {
                    // Backpressure: a slow reader of STDOUT stops us reading the socket.
                    var flush = await stdout.FlushAsync().ConfigureAwait(false);
                    clientGone = flush.IsCompleted;
                }
                if (read.IsCompleted)
                {
                    IsReusable = false;
                    break;
                }
            }
        }
        catch (FastCgiProtocolException e)
        {
            IsReusable = false;
            end = new FastCgiEnd(FastCgiOutcome.ProtocolError, -1, e.Message);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            IsReusable = false;
            end = new FastCgiEnd(FastCgiOutcome.ConnectionClosed, -1, e.Message);
        }
        stderr.Complete();
        await stdout.CompleteAsync().ConfigureAwait(false);
        await send.ConfigureAwait(false);
        if (end.Outcome != FastCgiOutcome.Completed)
        {
            IsReusable = false;
        }
        return end;
    }

    public async ValueTask DisposeAsync()
    {
        IsReusable = false;
        try
        {
            // Before the reader disposes the stream: completing flushes what a failed flush
            // left (a worker that died at start-up refused its ping), and fails with it.
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The peer is gone: there is nobody left to tell.
        }
        await _input.CompleteAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}

/// <summary>One request in flight on a connection.</summary>
internal sealed record FastCgiExchange(PipeReader Stdout, Task<FastCgiEnd> End);
