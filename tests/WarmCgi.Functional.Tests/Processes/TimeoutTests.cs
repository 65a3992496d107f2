using System.Diagnostics;
using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Processes;

public class TimeoutFixture : SiteFixture
{
    protected virtual string Seconds => "1";

    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Timeout"] = Seconds;
        return settings;
    }
}

public sealed class TimeoutTests(TimeoutFixture fixture) : IClassFixture<TimeoutFixture>
{
    private readonly TestServer _server = fixture.Server;
    private readonly ScriptSite _site = fixture.Site;

    private async Task<int[]> PidsAsync(string name) =>
    [
        ProcessState.ReadPid(await Eventually.FileAsync(_site.WorkFile(name + ".pid"), Timeouts.Request)),
        ProcessState.ReadPid(await Eventually.FileAsync(_site.WorkFile(name + ".grandchild"), Timeouts.Request)),
    ];

    [Fact]
    public async Task A_script_past_its_timeout_gets_504_and_its_whole_tree_is_killed()
    {
        var clock = Stopwatch.StartNew();
        using var response = await _server.Client.GetAsync("/cgi-bin/sleepy.sh?timeout-plain").Within();
        var elapsed = clock.Elapsed;

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.True(elapsed >= TimeSpan.FromSeconds(0.9), $"answered after {elapsed}");
        await ProcessState.AllGoneAsync(await PidsAsync("timeout-plain"), Timeouts.ProcessGone);
        await _server.Logs.WaitForAsync(e => e.EventId.Id == 101 && (e["Reason"] ?? "").Contains("timed out", StringComparison.Ordinal),
            "the timeout logged with its reason");
    }

    [Fact]
    public async Task A_timed_out_script_is_asked_politely_with_SIGTERM_first()
    {
        var clock = Stopwatch.StartNew();
        using var response = await _server.Client.GetAsync("/cgi-bin/sleepy.sh?timeout-polite+polite").Within();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("term", await Eventually.FileAsync(_site.WorkFile("timeout-polite.term"), Timeouts.ProcessGone));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"a script that exits on SIGTERM was answered after {clock.Elapsed}");
        await ProcessState.AllGoneAsync(await PidsAsync("timeout-polite"), Timeouts.ProcessGone);
    }

    [Fact]
    public async Task A_script_that_ignores_SIGTERM_is_killed_after_the_grace_period()
    {
        // trap '' TERM is inherited by the grandchild too: only SIGKILL ends either.
        using var response = await _server.Client.GetAsync("/cgi-bin/sleepy.sh?timeout-stubborn+stubborn").Within();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        await ProcessState.AllGoneAsync(await PidsAsync("timeout-stubborn"), Timeouts.ProcessGone);
    }

    [Fact]
    public async Task A_script_that_times_out_after_its_headers_has_its_response_cut_and_its_tree_killed()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/sleepy.sh?timeout-streaming+headers", HttpCompletionOption.ResponseHeadersRead).Within();
        await using var body = await response.Content.ReadAsStreamAsync().Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var read = Record.ExceptionAsync(async () =>
        {
            using var reader = new StreamReader(body);
            await reader.ReadToEndAsync();
        });
        var error = await read.Within();
        Assert.True(error is IOException or HttpRequestException, $"the body ended cleanly instead of being cut: {error}");
        await ProcessState.AllGoneAsync(await PidsAsync("timeout-streaming"), Timeouts.ProcessGone);
    }

    [Theory]
    [InlineData("")]
    [InlineData("+headers")]
    public async Task A_child_in_a_session_of_its_own_cannot_hold_the_response_past_the_timeout(string headers)
    {
        // The group kill cannot reach the child (setsid), and the script has exited: the
        // response still ends at the timeout, a 504 or a cut body, and the next one is served.
        string name = "detached" + headers.Replace('+', '-');
        try
        {
            using var response = await _server.Client.GetAsync($"/cgi-bin/detached.sh?{name}{headers}", HttpCompletionOption.ResponseHeadersRead).Within();
            var body = await Record.ExceptionAsync(() => response.Content.ReadAsStringAsync().Within());

            if (headers.Length == 0)
            {
                Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.True(body is IOException or HttpRequestException, $"the body ended cleanly instead of being cut: {body}");
            }
            using var next = await _server.Client.GetAsync("/cgi-bin/hello.sh").Within();
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }
        finally
        {
            int child = ProcessState.ReadPid(await Eventually.FileAsync(_site.WorkFile(name + ".pid"), Timeouts.Request));
            Kill(child);
        }
    }

    private static void Kill(int pid)
    {
        try
        {
            Process.GetProcessById(pid).Kill();
        }
        catch (ArgumentException)
        {
        }
    }
}
