using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.CgiSemantics;

public sealed class HeadRequestTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly TestServer _server = fixture.Server;
    private readonly ScriptSite _site = fixture.Site;

    [Fact]
    public async Task HEAD_sends_the_script_s_headers_and_no_body()
    {
        var response = await _server.SendRawAsync("HEAD /cgi-bin/hello.sh HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("text/plain", response.Header("Content-Type"));
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task HEAD_of_a_big_output_sends_no_body_and_does_not_hang()
    {
        var response = await _server.SendRawAsync("HEAD /cgi-bin/big.py?4 HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.Equal(200, response.StatusCode);
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task HEAD_still_runs_the_script()
    {
        using var response = await _server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/cgi-bin/touch.sh?head-ran")).Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(File.Exists(_site.WorkFile("head-ran")));
    }
}
