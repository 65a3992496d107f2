using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Microsoft.AspNetCore.Connections;
using WarmCgi.AspNetCore;

namespace WarmCgi.Functional.Connections;

/// <summary>
/// The reader in front of Kestrel, driven as Kestrel drives it: it adds "Content-Length: 0"
/// to an HTTP/1.0 POST or PUT head that has no length, %-encodes raw bytes above 0x7F in the
/// first request target, and passes every other byte as it came.
/// </summary>
public sealed class FirstHeadRewriterTests
{
    private readonly Pipe _wire = new();
    private readonly PipeReader _reader;

    public FirstHeadRewriterTests()
    {
        var context = new DefaultConnectionContext("test", new DuplexPipe(_wire.Reader, new Pipe().Writer), new DuplexPipe(new Pipe().Reader, new Pipe().Writer));
        ConnectionContext? seen = null;
        FirstHeadRewriter.Middleware(c => { seen = c; return Task.CompletedTask; })(context).GetAwaiter().GetResult();
        _reader = seen!.Transport.Input;
    }

    private async Task SendAsync(string bytes) => await _wire.Writer.WriteAsync(Encoding.ASCII.GetBytes(bytes));

    private async Task<string> ReadAllAsync()
    {
        var result = await _reader.ReadAsync();
        string text = Encoding.ASCII.GetString(result.Buffer.ToArray());
        _reader.AdvanceTo(result.Buffer.End);
        return text;
    }

    [Theory]
    [InlineData("POST /x HTTP/1.0\r\nHost: a\r\n\r\n", "POST /x HTTP/1.0\r\nHost: a\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("PUT /x HTTP/1.0\n\n", "PUT /x HTTP/1.0\nContent-Length: 0\r\n\n")]
    public async Task A_lengthless_HTTP_1_0_head_gets_a_zero_length(string sent, string read)
    {
        await SendAsync(sent);

        Assert.Equal(read, await ReadAllAsync());
    }

    [Theory]
    [InlineData("GET /x.py?name=caf\u00c3\u00a9 HTTP/1.1\r\nHost: a\r\n\r\n", "GET /x.py?name=caf%C3%A9 HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET /x.py/\u00e9 HTTP/1.0\r\n\r\n", "GET /x.py/%E9 HTTP/1.0\r\n\r\n")]
    [InlineData("POST /\u00e9 HTTP/1.0\r\n\r\n", "POST /%E9 HTTP/1.0\r\nContent-Length: 0\r\n\r\n")]
    public async Task Raw_bytes_in_the_first_request_target_are_percent_encoded(string sent, string read)
    {
        // Each char below U+0100 a byte of the wire (Latin-1), as ReadAllAsync shows them.
        await _wire.Writer.WriteAsync(Encoding.Latin1.GetBytes(sent));

        Assert.Equal(read, await ReadAllAsync());
    }

    [Theory]
    [InlineData("POST /x HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("POST /x HTTP/1.0\r\ncontent-LENGTH: 3\r\n\r\nabc")]
    [InlineData("POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")]
    [InlineData("POST /x HTTP/1.0\r\nHost: a\r\n")]
    [InlineData("GET /x HTTP/1.0\r\n\r\n")]
    public async Task Any_other_first_read_passes_as_it_came(string sent)
    {
        await SendAsync(sent);

        Assert.Equal(sent, await ReadAllAsync());
    }

    [Fact]
    public async Task A_reader_that_looked_at_all_of_the_rewritten_bytes_gets_them_again_with_the_next_ones()
    {
        await SendAsync("POST /x HTTP/1.0\r\n\r\nGET /y HT");
        var first = await _reader.ReadAsync();
        var head = first.Buffer.Slice(0, "POST /x HTTP/1.0\r\nContent-Length: 0\r\n\r\n".Length);
        // As Kestrel does with a head it parsed and the start of one it cannot parse yet.
        _reader.AdvanceTo(head.End, first.Buffer.End);
        await SendAsync("TP/1.0\r\n\r\n");

        Assert.Equal("POST /x HTTP/1.0\r\nContent-Length: 0\r\n\r\n", Encoding.ASCII.GetString(head.ToArray()));
        Assert.Equal("GET /y HTTP/1.0\r\n\r\n", await ReadAllAsync());
        await SendAsync("next");
        Assert.Equal("next", await ReadAllAsync());
    }

    [Fact]
    public async Task A_read_canceled_while_the_rewritten_head_waits_says_so_and_the_next_one_does_not()
    {
        await SendAsync("POST /x HTTP/1.0\r\n\r\n");
        var first = await _reader.ReadAsync();
        _reader.AdvanceTo(first.Buffer.Start, first.Buffer.Start);

        _reader.CancelPendingRead();
        var canceled = await _reader.ReadAsync();
        _reader.AdvanceTo(canceled.Buffer.Start, canceled.Buffer.Start);
        var next = await _reader.ReadAsync();

        Assert.True(canceled.IsCanceled);
        Assert.False(next.IsCanceled);
        Assert.Equal("POST /x HTTP/1.0\r\nContent-Length: 0\r\n\r\n", Encoding.ASCII.GetString(next.Buffer.ToArray()));
    }
}
