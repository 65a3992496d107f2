using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using WarmCgi.Cgi;

namespace WarmCgi.FastCgi;

/// <summary>
/// Name-value pairs (FastCGI section 3.4): each length in one byte below 128, else four bytes
/// with the high bit set. Values are the CGI environment: written as <see cref="CgiText"/> gives its bytes,
/// read as UTF-8.
/// </summary>
public static class FastCgiNameValues
{
    public static void Write(IBufferWriter<byte> writer, IEnumerable<KeyValuePair<string, string>> pairs)
    {
        foreach (var (name, value) in pairs)
        {
            int nameLength = CgiText.GetByteCount(name);
            int valueLength = CgiText.GetByteCount(value);
            var span = writer.GetSpan(8 + nameLength + valueLength);
            int n = WriteLength(span, nameLength);
            n += WriteLength(span[n..], valueLength);
            n += CgiText.GetBytes(name, span[n..]);
            n += CgiText.GetBytes(value, span[n..]);
            writer.Advance(n);
        }
    }

    /// <summary>Decodes a complete PARAMS (or GET_VALUES) stream.</summary>
    public static List<KeyValuePair<string, string>> Read(ReadOnlySequence<byte> content)
    {
        var result = new List<KeyValuePair<string, string>>();
        var reader = new SequenceReader<byte>(content);
        while (!reader.End)
        {
            int nameLength = ReadLength(ref reader);
            int valueLength = ReadLength(ref reader);
            if (reader.Remaining < (long)nameLength + valueLength)
            {
                throw new FastCgiProtocolException("name-value pair longer than its stream");
            }
            string name = Encoding.UTF8.GetString(reader.UnreadSequence.Slice(0, nameLength));
            reader.Advance(nameLength);
            string value = Encoding.UTF8.GetString(reader.UnreadSequence.Slice(0, valueLength));
            reader.Advance(valueLength);
            result.Add(new(name, value));
        }
        return result;
    }

    private static int WriteLength(Span<byte> span, int length)
    {
        if (length < 128)
        {
            span[0] = (byte)length;
            return 1;
        }
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)length | 0x8000_0000u);
        return 4;
    }

    private static int ReadLength(ref SequenceReader<byte> reader)
    {
        if (!reader.TryRead(out byte first))
        {
            throw new FastCgiProtocolException("truncated name-value length");
        }
        if (first < 128)
        {
            return first;
        }
        Span<byte> rest = stackalloc byte[3];
        if (!reader.TryCopyTo(rest))
        {
            throw new FastCgiProtocolException("truncated name-value length");
        }
        reader.Advance(3);
        return ((first & 0x7f) << 24) | (rest[0] << 16) | (rest[1] << 8) | rest[2];
    }
}
