using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.CgiSemantics;

public sealed class StreamingTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly ScriptSite _site = fixture.Site;

    [Fact]
    public async Task The_first_bytes_reach_the_client_before_the_script_ends()
    {
        // stream.py flushes its first line, then holds the last one until it is released: the
        // first line can only arrive before that if the server passes output on as it comes.
        using var response = await _client.GetAsync("/cgi-bin/stream.py?cold-stream", HttpCompletionOption.ResponseHeadersRead).Within();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync().Within());

        string? first = await reader.ReadLineAsync().Within(Timeouts.StreamedLine);
        await File.WriteAllTextAsync(_site.WorkFile("cold-stream.release"), "").Within();
        string rest = await reader.ReadToEndAsync().Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("first line", first);
        Assert.Equal("last line\n", rest);
    }

    [Fact]
    public async Task Headers_reach_the_client_before_a_body_the_script_holds_back()
    {
        // head_first.py flushes its head alone, then holds its body until it is released:
        // Apache sends the head when a read of the script would block.
        using var response = await _client.GetAsync("/cgi-bin/head_first.py?cold-head-first", HttpCompletionOption.ResponseHeadersRead)
            .Within(Timeouts.StreamedLine);
        await File.WriteAllTextAsync(_site.WorkFile("cold-head-first.release"), "").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal("first", Assert.Single(response.Headers.GetValues("X-Head")));
        Assert.Equal("body\n", body);
    }
}
