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
}
