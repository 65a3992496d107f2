using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace WarmCgi.AspNetCore;

/// <summary>
/// The first request head of a connection, rewritten before Kestrel parses it where Kestrel
/// refuses what Apache serves (the head must have come whole in the connection's first read,
/// as a head almost always does; everything else passes through untouched):
/// <list type="bullet">
/// <item>An HTTP/1.0 POST or PUT without Content-Length has no body (RFC 1945 7.2: HTTP/1.0
/// knows a request body only by its length): Apache runs the script with none and
/// CONTENT_LENGTH unset, Kestrel answers 400. Such a head gets a <c>Content-Length: 0</c>,
/// noted in the connection's items (<see cref="TakeAddedLength"/>) so the script still sees
/// none.</item>
/// <item>A request target with raw bytes above 0x7F (<c>curl 'http://h/x.py?name=café'</c>
/// sends UTF-8 unencoded): Apache takes it, Kestrel answers 400. Those bytes are %-encoded,
/// and the target as sent is noted (<see cref="TakeRawTarget"/>) for REQUEST_URI and
/// QUERY_STRING, which Apache passes as the client sent them.</item>
/// </list>
/// </summary>
internal sealed class FirstHeadRewriter : PipeReader
{
    private const string AddedLengthItem = "WarmCgi.Http10LengthAdded";
    private const string RawTargetItem = "WarmCgi.RawTarget";
    private const int LongestHead = 16 * 1024;
    private static readonly byte[] AddedHeader = "Content-Length: 0\r\n"u8.ToArray();

    private readonly PipeReader _inner;
    private readonly IDictionary<object, object?> _items;
    private bool _firstRead = true;
    private ReadOnlySequence<byte>? _replay; // the rewritten head (and what came with it) until Kestrel has consumed it
    private bool _replayWantsMore;
    private bool _cancelPending; // a CancelPendingRead while the replay is served: the replay's to report

    private FirstHeadRewriter(PipeReader inner, IDictionary<object, object?> items)
    {
        _inner = inner;
        _items = items;
    }

    /// <summary>Connection middleware for <c>ListenOptions.Use</c>.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware { get; } =
        next => context =>
        {
            var transport = context.Transport;
            context.Transport = new DuplexPipe(new FirstHeadRewriter(transport.Input, context.Items), transport.Output);
            return next(context);
        };

    /// <summary>
    /// True once, for the request whose Content-Length this reader added: its script gets no
    /// CONTENT_LENGTH, as from Apache.
    /// </summary>
    public static bool TakeAddedLength(HttpContext context)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        return items is not null && items.Remove(AddedLengthItem);
    }

    /// <summary>
    /// Once, for the request whose target this reader %-encoded: the target as the client
    /// sent it (its bytes as <see cref="Cgi.CgiText"/> carries them); else null.
    /// </summary>
    public static string? TakeRawTarget(HttpContext context)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        return items is not null && items.Remove(RawTargetItem, out var target) ? target as string : null;
    }

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (_replay is { } replay)
        {
            if (!_replayWantsMore)
            {
                return new ReadResult(replay, isCanceled: TakeCancel(), isCompleted: false);
            }
            // Kestrel looked at all of it and wants more: the next bytes, behind what is left.
            var more = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
            var joined = new ReadOnlySequence<byte>([.. replay.ToArray(), .. more.Buffer.ToArray()]);
            _inner.AdvanceTo(more.Buffer.End);
            _replay = joined;
            _replayWantsMore = false;
            return new ReadResult(joined, more.IsCanceled, more.IsCompleted && more.Buffer.IsEmpty);
        }
        var result = await _inner.ReadAsync(cancellationToken).ConfigureAwait(false);
        return First(result);
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_replay is { } replay && !_replayWantsMore)
        {
            result = new ReadResult(replay, isCanceled: TakeCancel(), isCompleted: false);
            return true;
        }
        if (_replay is not null || !_inner.TryRead(out result))
        {
            result = default;
            return false;
        }
        result = First(result);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_replay is not { } replay)
        {
            _inner.AdvanceTo(consumed, examined);
            return;
        }
        var rest = replay.Slice(consumed);
        if (rest.IsEmpty)
        {
            _replay = null; // all of it read: from now on the connection's own bytes
            _replayWantsMore = false;
            return;
        }
        _replayWantsMore = replay.Slice(examined).IsEmpty;
        _replay = rest;
    }

    public override void CancelPendingRead()
    {
        if (_replay is not null && !_replayWantsMore)
        {
            _cancelPending = true; // the next read is the replay's, which never waits
            return;
        }
        _inner.CancelPendingRead();
    }

    private bool TakeCancel()
    {
        bool canceled = _cancelPending;
        _cancelPending = false;
        return canceled;
    }

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    /// <summary>The connection's first read: rewritten when it is such a head, else as it came.</summary>
    private ReadResult First(ReadResult result)
    {
        if (!_firstRead)
        {
            return result;
        }
        _firstRead = false;
        var buffer = result.Buffer;
        if (buffer.Length > LongestHead)
        {
            return result;
        }
        var requestLine = RequestLine(buffer);
        bool lengthless = StartsWithBodyMethod(buffer) && requestLine.TrimEnd((byte)'\r').EndsWith(" HTTP/1.0"u8);
        bool rawBytes = requestLine.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;
        if (!lengthless && !rawBytes)
        {
            return result;   // the usual case: no copy
        }
        byte[] bytes = buffer.ToArray();
        int insertAt = lengthless ? WhereLengthIsMissing(bytes) : -1;
        if (insertAt >= 0)
        {
            bytes = [.. bytes.AsSpan(0, insertAt), .. AddedHeader, .. bytes.AsSpan(insertAt)];
            _items[AddedLengthItem] = true;
        }
        if (rawBytes && EncodeTarget(bytes) is var (encoded, target))
        {
            bytes = encoded;
            _items[RawTargetItem] = target;
        }
        else if (insertAt < 0)
        {
            return result;
        }
        _inner.AdvanceTo(buffer.End);
        _replay = new ReadOnlySequence<byte>(bytes);
        return new ReadResult(_replay.Value, result.IsCanceled, isCompleted: false);
    }

    /// <summary>The first line without its LF (a copy only when it spans segments); empty until it is whole.</summary>
    private static ReadOnlySpan<byte> RequestLine(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        return !reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n') ? default
            : line.IsSingleSegment ? line.FirstSpan : line.ToArray();
    }

    /// <summary>
    /// "GET /x.py?name=caf\xC3\xA9 HTTP/1.1" -> the head with "caf%C3%A9", and the target as
    /// sent; null when the request line is not METHOD SP TARGET SP VERSION.
    /// </summary>
    private static (byte[] Head, string Target)? EncodeTarget(byte[] head)
    {
        int lineEnd = Array.IndexOf(head, (byte)'\n');
        var line = head.AsSpan(0, lineEnd).TrimEnd((byte)'\r');
        int first = line.IndexOf((byte)' ');
        int last = line.LastIndexOf((byte)' ');
        if (first < 0 || last <= first + 1)
        {
            return null;
        }
        var target = line[(first + 1)..last];
        var encoded = new List<byte>(head.Length + 32);
        encoded.AddRange(head.AsSpan(0, first + 1));
        foreach (byte b in target)
        {
            if (b < 0x80)
            {
                encoded.Add(b);
            }
            else
            {
                encoded.Add((byte)'%');
                encoded.Add((byte)"0123456789ABCDEF"[b >> 4]);
                encoded.Add((byte)"0123456789ABCDEF"[b & 0xF]);
            }
        }
        encoded.AddRange(head.AsSpan(last));
        return ([.. encoded], Cgi.CgiText.FromBytes(target));
    }

    private static bool StartsWithBodyMethod(ReadOnlySequence<byte> buffer)
    {
        Span<byte> start = stackalloc byte[5];
        if (buffer.Length < start.Length)
        {
            return false;
        }
        buffer.Slice(0, start.Length).CopyTo(start);
        return start.SequenceEqual("POST "u8) || start[..4].SequenceEqual("PUT "u8);
    }

    /// <summary>
    /// Where "Content-Length: 0" goes in an HTTP/1.0 head (the start of the blank line that
    /// ends it), or -1: the head not whole yet, or a Content-Length or Transfer-Encoding present.
    /// </summary>
    private static int WhereLengthIsMissing(byte[] bytes)
    {
        int start = Array.IndexOf(bytes, (byte)'\n') + 1; // past the request line, HTTP/1.0 already
        while (start < bytes.Length)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start);
            if (end < 0)
            {
                return -1; // the head goes on in a later read
            }
            var line = bytes.AsSpan(start, end - start).TrimEnd((byte)'\r');
            if (line.IsEmpty)
            {
                return start;
            }
            if (IsHeader(line, "content-length:"u8) || IsHeader(line, "transfer-encoding:"u8))
            {
                return -1;
            }
            start = end + 1;
        }
        return -1;
    }

    private static bool IsHeader(ReadOnlySpan<byte> line, ReadOnlySpan<byte> name) =>
        line.Length >= name.Length && Ascii.EqualsIgnoreCase(line[..name.Length], name);
}
