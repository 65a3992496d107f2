using System.Buffers;
using System.Text;
using WarmCgi.FastCgi;

namespace WarmCgi.Core.Tests.FastCgi;

public class FastCgiCodecTests
{
    private static byte[] Encode(Action<IBufferWriter<byte>> write)
    {
        var writer = new ArrayBufferWriter<byte>();
        write(writer);
        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public void A_begin_request_is_the_eight_byte_header_and_eight_byte_body_of_the_spec()
    {
        var bytes = Encode(w => FastCgiCodec.WriteBeginRequest(w, 1, FastCgiCodec.RoleResponder, FastCgiCodec.FlagKeepConnection));
        Assert.Equal(new byte[] { 1, 1, 0, 1, 0, 8, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0 }, bytes);
    }

    [Fact]
    public void A_stream_longer_than_64_KiB_is_split_into_records_that_read_back_whole()
    {
        var content = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();
        var bytes = Encode(w => FastCgiCodec.WriteStream(w, FastCgiRecordType.Stdout, 1, content));
        var buffer = new ReadOnlySequence<byte>(bytes);
        var collected = new List<byte>();
        int records = 0;
        while (FastCgiCodec.TryReadRecord(ref buffer, out var record))
        {
            Assert.Equal(FastCgiRecordType.Stdout, record.Type);
            collected.AddRange(record.Content.ToArray());
            records++;
        }
        Assert.Equal(4, records);
        Assert.Equal(content, collected);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void An_empty_stream_write_is_the_end_of_stream_record()
    {
        var bytes = Encode(w => FastCgiCodec.WriteStream(w, FastCgiRecordType.Stdin, 1, []));
        Assert.Equal(new byte[] { 1, 5, 0, 1, 0, 0, 0, 0 }, bytes);
    }

    [Fact]
    public void Every_prefix_of_a_record_is_incomplete_and_consumes_nothing()
    {
        var bytes = Encode(w =>
        {
            FastCgiCodec.WriteHeader(w, FastCgiRecordType.Stdout, 1, 5, paddingLength: 3);
            w.Write("hello"u8);
            w.Write(new byte[3]);
        });
        for (int n = 0; n < bytes.Length; n++)
        {
            var prefix = new ReadOnlySequence<byte>(bytes, 0, n);
            var before = prefix;
            Assert.False(FastCgiCodec.TryReadRecord(ref prefix, out _));
            Assert.Equal(before.Length, prefix.Length);
        }
        var whole = new ReadOnlySequence<byte>(bytes);
        Assert.True(FastCgiCodec.TryReadRecord(ref whole, out var record));
        Assert.Equal("hello", Encoding.ASCII.GetString(record.Content.ToArray()));
        Assert.True(whole.IsEmpty, "padding is consumed with the record");
    }

    [Fact]
    public void A_record_of_another_protocol_version_is_a_protocol_error()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 2, 6, 0, 1, 0, 0, 0, 0 });
        Assert.Throws<FastCgiProtocolException>(() => FastCgiCodec.TryReadRecord(ref buffer, out _));
    }

    [Fact]
    public void End_request_carries_the_scripts_exit_status()
    {
        var bytes = Encode(w => FastCgiCodec.WriteEndRequest(w, 1, 3, 0));
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(FastCgiCodec.TryReadRecord(ref buffer, out var record));
        Assert.Equal(FastCgiRecordType.EndRequest, record.Type);
        Assert.Equal((3, (byte)0), FastCgiCodec.ReadEndRequest(record.Content));
    }

    [Fact]
    public void Name_value_pairs_round_trip_with_short_and_long_lengths_and_utf8()
    {
        var pairs = new List<KeyValuePair<string, string>>
        {
            new("SCRIPT_NAME", "/cgi-bin/x.py"),
            new("HTTP_COOKIE", new string('c', 300)),
            new(new string('N', 200), ""),
            new("QUERY_STRING", "q=caf\u00e9"),
        };
        var bytes = Encode(w => FastCgiNameValues.Write(w, pairs));
        Assert.Equal(pairs, FastCgiNameValues.Read(new ReadOnlySequence<byte>(bytes)));
        // 1-byte lengths below 128, 4-byte lengths (high bit set) from 128 on.
        Assert.Equal(11, bytes[0]);
        Assert.Equal(13, bytes[1]);
    }

    [Fact]
    public void A_truncated_name_value_stream_is_a_protocol_error()
    {
        var bytes = Encode(w => FastCgiNameValues.Write(w, [new("NAME", "value")]));
        Assert.Throws<FastCgiProtocolException>(() => FastCgiNameValues.Read(new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 1)));
    }
}
