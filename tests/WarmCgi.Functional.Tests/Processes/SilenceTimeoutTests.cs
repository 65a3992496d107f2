using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Processes;

public sealed class ThreeSecondFixture : TimeoutFixture
{
    protected override string Seconds => "3";
}

/// <summary>
/// The timeout counts silence, as Apache's Timeout bounds each read and write: a script that
/// keeps writing, or an upload that keeps coming, runs past it (4 s of it here, against 3 s,
/// in steps of at most 0.5 s: room for the test process's own hiccups).
/// </summary>
public sealed class SilenceTimeoutTests(ThreeSecondFixture fixture) : IClassFixture<ThreeSecondFixture>
{
    private readonly TestServer _server = fixture.Server;
    private readonly ScriptSite _site = fixture.Site;

    [Fact]
    public async Task A_script_that_keeps_writing_runs_past_its_timeout_as_under_Apache()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/trickle_steps.sh").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("line 16\ndone\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_timeout_counts_again_after_the_head_as_after_any_output()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/pauses.sh").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done\n", await response.Content.ReadAsStringAsync().Within());
    }

    [Fact]
    public async Task A_redirecting_script_that_writes_on_is_not_killed_while_it_writes()
    {
        string name = $"redirect-{Guid.NewGuid():N}";
        var view = await ScriptView.FetchAsync(_server.Client, $"/cgi-bin/redirect_writes_on.sh?{name}");

        Assert.Equal("after=redirect", view["QUERY_STRING"]);
        await Eventually.FileAsync(_site.WorkFile(name + ".finished"), Timeouts.Request);
    }

    [Fact]
    public async Task An_upload_that_keeps_coming_runs_past_the_timeout_as_under_Apache()
    {
        string response = await SlowUpload.PostAsync(_server.Port, "/cgi-bin/echo_body.pl", 8, 1000, TimeSpan.FromSeconds(0.5));

        Assert.StartsWith("HTTP/1.1 200 ", response, StringComparison.Ordinal);
        Assert.Contains("read=8000\n", response, StringComparison.Ordinal);
    }
}
