using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Processes;

public sealed class ClientDisconnectTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly TestServer _server = fixture.Server;
    private readonly ScriptSite _site = fixture.Site;

    private async Task<int[]> PidsAsync(string name) =>
    [
        ProcessState.ReadPid(await Eventually.FileAsync(_site.WorkFile(name + ".pid"), Timeouts.Request)),
        ProcessState.ReadPid(await Eventually.FileAsync(_site.WorkFile(name + ".grandchild"), Timeouts.Request)),
    ];

    [Fact]
    public async Task A_client_that_disconnects_before_the_headers_gets_its_script_tree_killed()
    {
        using var cancel = new CancellationTokenSource();
        var request = _server.Client.GetAsync("/cgi-bin/sleepy.sh?gone-early", cancel.Token);
        int[] pids = await PidsAsync("gone-early");
        Assert.All(pids, pid => Assert.True(ProcessState.IsRunning(pid)));

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request).Within();
        await ProcessState.AllGoneAsync(pids, Timeouts.ProcessGone);
    }

    [Fact]
    public async Task A_client_that_disconnects_while_the_body_streams_gets_its_script_tree_killed()
    {
        var response = await _server.Client.GetAsync("/cgi-bin/sleepy.sh?gone-late+headers", HttpCompletionOption.ResponseHeadersRead).Within();
        int[] pids = await PidsAsync("gone-late");
        Assert.All(pids, pid => Assert.True(ProcessState.IsRunning(pid)));

        response.Dispose();

        await ProcessState.AllGoneAsync(pids, Timeouts.ProcessGone);
    }

    [Theory]
    [InlineData("GET /cgi-bin/hello.sh HTTP/1.1\r\nHost: t", "hello\n")]
    [InlineData("GET /cgi-bin/hello.sh HTTP/1.0", "hello\n")]
    [InlineData("POST /cgi-bin/echo_body.pl HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc", "read=3\n")]
    [InlineData("GET /index.html HTTP/1.1\r\nHost: t", "static index page")]
    public async Task A_client_that_half_closes_after_its_request_still_gets_the_whole_answer(string request, string expected)
    {
        // nc -N, scripted probes and old HTTP/1.0 tools shut their side once the request is
        // out, then read; Apache answers them (Kestrel alone took the FIN for an abort).
        var response = await _server.SendRawAsync(request, halfClose: true).Within();

        Assert.Equal(200, response.StatusCode);
        Assert.Contains(expected, response.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_half_closes_and_waits_for_a_silent_script_gets_it_killed_after_the_grace()
    {
        var response = _server.SendRawAsync("GET /cgi-bin/sleepy.sh?half-closed HTTP/1.1\r\nHost: t", halfClose: true);
        int[] pids = await PidsAsync("half-closed");

        // A FIN cannot tell a half-close from a client that left: past the grace it is the latter.
        await ProcessState.AllGoneAsync(pids, Timeouts.ProcessGone);
        await Assert.ThrowsAnyAsync<Exception>(() => response).Within();
    }

    [Fact]
    public async Task A_client_that_half_closes_gets_an_answer_that_flows_for_longer_than_the_grace()
    {
        // A half-closed clone streams its pack for minutes: only silence counts against it.
        var response = await _server.SendRawAsync("GET /cgi-bin/trickle.sh HTTP/1.0", halfClose: true).Within();

        Assert.Equal(200, response.StatusCode);
        Assert.EndsWith("line 10\ndone\n", response.BodyText, StringComparison.Ordinal);
    }
}
