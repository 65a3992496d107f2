using System.Buffers;
using System.Buffers.Binary;

namespace WarmCgi.FastCgi;

/// <summary>Record types of the FastCGI 1.0 specification, section 8.</summary>
public enum FastCgiRecordType : byte
{
    BeginRequest = 1,
    AbortRequest = 2,
    EndRequest = 3,
    Params = 4,
    Stdin = 5,
    Stdout = 6,
    Stderr = 7,
    Data = 8,
    GetValues = 9,
    GetValuesResult = 10,
    UnknownType = 11,
}

/// <summary>One record: its header fields and a slice of the buffer it was read from.</summary>
public readonly record struct FastCgiRecord(FastCgiRecordType Type, ushort RequestId, ReadOnlySequence<byte> Content);

/// <summary>
/// The FastCGI record codec. Reading consumes nothing on incomplete input (the caller keeps
/// the buffer and reads more); writing goes straight into an <see cref="IBufferWriter{T}"/>.
/// </summary>
public static class FastCgiCodec
{
    public const int HeaderLength = 8;
    public const int MaxContentLength = ushort.MaxValue;
    public const byte Version = 1;
    public const ushort RoleResponder = 1;
    public const byte FlagKeepConnection = 1;

    /// <summary>Reads one record if the whole of it (header, content, padding) is in the buffer.</summary>
    public static bool TryReadRecord(ref ReadOnlySequence<byte> buffer, out FastCgiRecord record)
    {
        record = default;
        if (buffer.Length < HeaderLength)
        {
            return false;
        }
        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        if (header[0] != Version)
        {
            throw new FastCgiProtocolException($"unsupported FastCGI version {header[0]}");
        }
        var type = (FastCgiRecordType)header[1];
        ushort requestId = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
        ushort contentLength = BinaryPrimitives.ReadUInt16BigEndian(header[4..]);
        byte paddingLength = header[6];
        long total = HeaderLength + contentLength + paddingLength;
        if (buffer.Length < total)
        {
            return false;
        }
        record = new FastCgiRecord(type, requestId, buffer.Slice(HeaderLength, contentLength));
        buffer = buffer.Slice(total);
        return true;
    }

    public static void WriteHeader(IBufferWriter<byte> writer, FastCgiRecordType type, ushort requestId, int contentLength, byte paddingLength = 0)
    {
        var span = writer.GetSpan(HeaderLength);
        span[0] = Version;
        span[1] = (byte)type;
        BinaryPrimitives.WriteUInt16BigEndian(span[2..], requestId);
        BinaryPrimitives.WriteUInt16BigEndian(span[4..], checked((ushort)contentLength));
        span[6] = paddingLength;
        span[7] = 0;
        writer.Advance(HeaderLength);
    }

    /// <summary>A stream record (PARAMS, STDIN...), split into as many records as the 64 KiB limit needs. Empty content writes the end-of-stream record.</summary>
    public static void WriteStream(IBufferWriter<byte> writer, FastCgiRecordType type, ushort requestId, ReadOnlySpan<byte> content)
    {
        do
        {
            int n = Math.Min(content.Length, MaxContentLength);
            WriteHeader(writer, type, requestId, n);
            writer.Write(content[..n]);
            content = content[n..];
        }
        while (!content.IsEmpty);
    }

    public static void WriteBeginRequest(IBufferWriter<byte> writer, ushort requestId, ushort role, byte flags)
    {
        WriteHeader(writer, FastCgiRecordType.BeginRequest, requestId, 8);
        var body = writer.GetSpan(8);
        body[..8].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(body, role);
        body[2] = flags;
        writer.Advance(8);
    }

    public static void WriteEndRequest(IBufferWriter<byte> writer, ushort requestId, int appStatus, byte protocolStatus)
    {
        WriteHeader(writer, FastCgiRecordType.EndRequest, requestId, 8);
        var body = writer.GetSpan(8);
        body[..8].Clear();
        BinaryPrimitives.WriteInt32BigEndian(body, appStatus);
        body[4] = protocolStatus;
        writer.Advance(8);
    }

    /// <summary>END_REQUEST's body: the application's exit status and the protocol status.</summary>
    public static (int AppStatus, byte ProtocolStatus) ReadEndRequest(ReadOnlySequence<byte> content)
    {
        if (content.Length < 8)
        {
            throw new FastCgiProtocolException("END_REQUEST record shorter than 8 bytes");
        }
        Span<byte> body = stackalloc byte[8];
        content.Slice(0, 8).CopyTo(body);
        return (BinaryPrimitives.ReadInt32BigEndian(body), body[4]);
    }
}

/// <summary>The peer broke the FastCGI protocol: the connection is never reused.</summary>
public sealed class FastCgiProtocolException(string message) : Exception(message);
