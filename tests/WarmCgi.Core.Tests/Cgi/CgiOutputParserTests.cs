using System.Buffers;
using System.Text;
using WarmCgi.Cgi;
using WarmCgi.Tests.Support;

namespace WarmCgi.Tests.Cgi;

public sealed class CgiOutputParserTests
{
    [Theory]
    [MemberData(nameof(CgiOutputCorpus.ValidNames), MemberType = typeof(CgiOutputCorpus))]
    public void A_valid_output_parses_to_its_expected_head_and_body(string name)
    {
        var expected = CgiOutputCorpus.Valid[name];
        var buffer = new ReadOnlySequence<byte>(expected.Bytes);

        var status = CgiOutputParser.TryParse(ref buffer, expected.NonParsed, isFinal: true, out var head, out var error);

        Assert.True(status == CgiParseStatus.Complete, $"{status}: {error}");
        AssertHead(expected, head!);
        Assert.Equal(expected.Body, Encoding.Latin1.GetString(buffer));
    }

    [Theory]
    [MemberData(nameof(CgiOutputCorpus.ValidNames), MemberType = typeof(CgiOutputCorpus))]
    public void A_valid_output_parses_the_same_whether_or_not_the_script_has_ended(string name)
    {
        var expected = CgiOutputCorpus.Valid[name];
        var buffer = new ReadOnlySequence<byte>(expected.Bytes);

        var status = CgiOutputParser.TryParse(ref buffer, expected.NonParsed, isFinal: false, out var head, out var error);

        Assert.True(status == CgiParseStatus.Complete, $"{status}: {error}");
        AssertHead(expected, head!);
        Assert.Equal(expected.Body, Encoding.Latin1.GetString(buffer));
    }

    [Theory]
    [MemberData(nameof(CgiOutputCorpus.ValidNames), MemberType = typeof(CgiOutputCorpus))]
    public void Every_prefix_shorter_than_the_header_section_is_incomplete_and_consumes_nothing(string name)
    {
        var expected = CgiOutputCorpus.Valid[name];
        byte[] bytes = expected.Bytes;
        for (int length = 0; length < expected.HeaderLength; length++)
        {
            var original = new ReadOnlySequence<byte>(bytes, 0, length);
            var buffer = original;

            var status = CgiOutputParser.TryParse(ref buffer, expected.NonParsed, isFinal: false, out var head, out var error);

            Assert.True(status == CgiParseStatus.Incomplete, $"prefix of {length} bytes: {status} ({error})");
            Assert.Null(head);
            Assert.Equal(original.Start, buffer.Start);
            Assert.Equal(original.End, buffer.End);
        }
    }

    [Theory]
    [MemberData(nameof(CgiOutputCorpus.ValidNames), MemberType = typeof(CgiOutputCorpus))]
    public void Every_prefix_that_holds_the_header_section_is_complete_with_the_rest_as_body(string name)
    {
        var expected = CgiOutputCorpus.Valid[name];
        byte[] bytes = expected.Bytes;
        for (int length = expected.HeaderLength; length <= bytes.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(bytes, 0, length);

            var status = CgiOutputParser.TryParse(ref buffer, expected.NonParsed, isFinal: false, out var head, out var error);

            Assert.True(status == CgiParseStatus.Complete, $"prefix of {length} bytes: {status} ({error})");
            AssertHead(expected, head!);
            Assert.Equal(bytes[expected.HeaderLength..length], buffer.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(CgiOutputCorpus.ValidNames), MemberType = typeof(CgiOutputCorpus))]
    public void Every_prefix_of_a_valid_output_that_ended_early_is_invalid(string name)
    {
        var expected = CgiOutputCorpus.Valid[name];
        for (int length = 0; length < expected.HeaderLength; length++)
        {
            var buffer = new ReadOnlySequence<byte>(expected.Bytes, 0, length);

            var status = CgiOutputParser.TryParse(ref buffer, expected.NonParsed, isFinal: true, out var head, out _);

            Assert.True(status == CgiParseStatus.Invalid, $"prefix of {length} bytes: {status}");
            Assert.Null(head);
        }
    }

    [Theory]
    [MemberData(nameof(CgiOutputCorpus.ValidNames), MemberType = typeof(CgiOutputCorpus))]
    public void A_valid_output_split_into_many_segments_parses_like_a_single_one(string name)
    {
        var expected = CgiOutputCorpus.Valid[name];
        foreach (int size in new[] { 1, 2, 3, 7, 16 })
        {
            var buffer = Segments.Split(expected.Bytes, size);

            var status = CgiOutputParser.TryParse(ref buffer, expected.NonParsed, isFinal: true, out var head, out var error);

            Assert.True(status == CgiParseStatus.Complete, $"segments of {size}: {status} ({error})");
            AssertHead(expected, head!);
            Assert.Equal(expected.Body, Encoding.Latin1.GetString(buffer));
        }
    }

    [Theory]
    [MemberData(nameof(CgiOutputCorpus.ValidNames), MemberType = typeof(CgiOutputCorpus))]
    public void A_multi_segment_prefix_is_incomplete_and_consumes_nothing(string name)
    {
        var expected = CgiOutputCorpus.Valid[name];
        byte[] headerOnly = expected.Bytes[..(expected.HeaderLength - 1)];
        // Pieces of three bytes with empty segments between them: a pipe can hand those over.
        var pieces = headerOnly.Chunk(3).SelectMany(piece => new[] { piece, Array.Empty<byte>() }).ToArray();
        var original = Segments.Of(pieces);
        var buffer = original;

        var status = CgiOutputParser.TryParse(ref buffer, expected.NonParsed, isFinal: false, out _, out _);

        Assert.Equal(CgiParseStatus.Incomplete, status);
        Assert.Equal(original.Start, buffer.Start);
        Assert.Equal(original.End, buffer.End);
    }

    [Theory]
    [MemberData(nameof(CgiOutputCorpus.InvalidNames), MemberType = typeof(CgiOutputCorpus))]
    public void An_invalid_output_is_refused_with_a_reason(string name)
    {
        var invalid = CgiOutputCorpus.Invalid[name];
        var buffer = new ReadOnlySequence<byte>(invalid.Bytes);

        var status = CgiOutputParser.TryParse(ref buffer, invalid.NonParsed, invalid.IsFinal, out var head, out var error);

        Assert.Equal(CgiParseStatus.Invalid, status);
        Assert.Null(head);
        Assert.NotNull(error);
        Assert.Contains(invalid.ReasonContains, error, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(CgiOutputCorpus.InvalidNames), MemberType = typeof(CgiOutputCorpus))]
    public void An_invalid_output_split_into_segments_is_refused_too(string name)
    {
        var invalid = CgiOutputCorpus.Invalid[name];
        var buffer = Segments.Split(invalid.Bytes, 5);

        var status = CgiOutputParser.TryParse(ref buffer, invalid.NonParsed, invalid.IsFinal, out _, out var error);

        Assert.Equal(CgiParseStatus.Invalid, status);
        Assert.Contains(invalid.ReasonContains, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void An_error_message_quotes_at_most_80_characters_of_the_bad_line()
    {
        var buffer = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(new string('x', 500) + "\n\n"));

        CgiOutputParser.TryParse(ref buffer, nonParsed: false, isFinal: true, out _, out var error);

        Assert.True(error!.Length < 200, error);
    }

    [Fact]
    public void A_header_section_of_exactly_the_limit_is_accepted()
    {
        var buffer = new ReadOnlySequence<byte>(HeaderSectionOf(CgiOutputParser.MaxHeaderBytes));

        var status = CgiOutputParser.TryParse(ref buffer, nonParsed: false, isFinal: true, out var head, out var error);

        Assert.True(status == CgiParseStatus.Complete, error);
        Assert.Equal(2, head!.Headers.Count);
    }

    [Fact]
    public void A_header_section_one_byte_over_the_limit_is_refused()
    {
        var buffer = new ReadOnlySequence<byte>(HeaderSectionOf(CgiOutputParser.MaxHeaderBytes + 1));

        var status = CgiOutputParser.TryParse(ref buffer, nonParsed: false, isFinal: false, out _, out var error);

        Assert.Equal(CgiParseStatus.Invalid, status);
        Assert.Contains("exceed", error, StringComparison.Ordinal);
    }

    /// <summary>"Content-Type: text/plain\nX-Big: aaa...\n\n" of exactly <paramref name="size"/> bytes, then a body.</summary>
    private static byte[] HeaderSectionOf(int size)
    {
        const string first = "Content-Type: text/plain\n";
        const string name = "X-Big: ";
        int padding = size - first.Length - name.Length - 2;
        return Encoding.ASCII.GetBytes(first + name + new string('a', padding) + "\n\nbody");
    }

    private static void AssertHead(ValidOutput expected, CgiResponseHead head)
    {
        Assert.Equal(expected.Kind, head.Kind);
        Assert.Equal(expected.Status, head.StatusCode);
        Assert.Equal(expected.Reason, head.ReasonPhrase);
        Assert.Equal(expected.Location, head.Location);
        Assert.Equal(expected.Headers, head.Headers.Select(h => (h.Key, h.Value)).ToArray());
    }
}
