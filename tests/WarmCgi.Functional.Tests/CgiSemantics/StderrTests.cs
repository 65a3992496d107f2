using System.Net;
using Microsoft.Extensions.Logging;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.CgiSemantics;

public sealed class StderrTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Stderr_never_goes_into_the_response()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/stderr.sh").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("body only\n", body);
    }

    [Fact]
    public async Task Stderr_is_logged_line_by_line_tagged_with_the_script_and_a_request_id()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/stderr.sh").Within();
        await response.Content.ReadAsStringAsync().Within();

        var one = await _server.Logs.WaitForAsync(e => e["Line"] == "stderr line one", "stderr line one");
        var two = await _server.Logs.WaitForAsync(e => e["Line"] == "stderr line two", "stderr line two");

        Assert.Equal(LogLevel.Warning, one.Level);
        Assert.Equal("/cgi-bin/stderr.sh", one["Script"]);
        Assert.False(string.IsNullOrEmpty(one["RequestId"]));
        Assert.Equal(one["RequestId"], two["RequestId"]);
        Assert.Contains("stderr line one", one.Message, StringComparison.Ordinal);
        Assert.Contains(one["RequestId"]!, one.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shell_script_writing_to_dev_stderr_is_answered_and_logged_as_under_Apache()
    {
        // fd 2 is a pipe, as from Apache: a socket's /dev/stderr would not open (ENXIO).
        using var response = await _server.Client.GetAsync("/cgi-bin/dev_stderr.sh").Within();

        Assert.Equal("answered\n", await response.Content.ReadAsStringAsync().Within());
        await _server.Logs.WaitForAsync(e => e["Line"] == "through /dev/stderr", "the line written to /dev/stderr");
    }

    [Fact]
    public async Task Two_requests_log_their_stderr_under_different_request_ids()
    {
        for (int i = 0; i < 2; i++)
        {
            using var response = await _server.Client.GetAsync("/cgi-bin/stderr.sh").Within();
            await response.Content.ReadAsStringAsync().Within();
        }

        await Eventually.TrueAsync(() => _server.Logs.Entries.Count(e => e["Line"] == "stderr line two") >= 2, "two requests' stderr", Timeouts.Request);
        var ids = _server.Logs.Entries.Where(e => e["Line"] == "stderr line two").Select(e => e["RequestId"]).Distinct().ToList();
        Assert.True(ids.Count >= 2, string.Join(", ", ids));
    }

    [Fact]
    public async Task A_script_that_fails_before_its_headers_is_logged_with_its_stderr_first_and_then_how_it_ended()
    {
        // Apache's order: the script's own words, then the server's "End of script output".
        using var response = await _server.Client.GetAsync("/cgi-bin/fails_loudly.sh").Within();
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);

        var failed = await _server.Logs.WaitForAsync(e => e.EventId.Id == 101 && e["Path"] == "/cgi-bin/fails_loudly.sh", "the 502's line");
        var entries = _server.Logs.Entries.ToList();
        int said = entries.FindIndex(e => e["Line"] == "fails_loudly: the database is down");
        Assert.InRange(said, 0, entries.IndexOf(failed) - 1);
        Assert.EndsWith("(no output), exit code 2", failed["Reason"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_megabyte_of_stderr_before_any_output_does_not_deadlock()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/stderr_flood.sh").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("survived the flood\n", await response.Content.ReadAsStringAsync().Within());
    }
}
