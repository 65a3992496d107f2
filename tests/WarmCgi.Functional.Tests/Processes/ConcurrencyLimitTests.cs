using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Processes;

public sealed class ConcurrencyLimitFixture : SiteFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["MaxProcesses"] = "1";
        settings["QueueLimit"] = "1";
        return settings;
    }
}

public sealed class ConcurrencyLimitTests(ConcurrencyLimitFixture fixture) : IClassFixture<ConcurrencyLimitFixture>
{
    private readonly TestServer _server = fixture.Server;
    private readonly ScriptSite _site = fixture.Site;

    private void Release(string name) => File.WriteAllText(_site.WorkFile(name + ".release"), "");

    [Fact]
    public async Task Past_max_processes_and_the_queue_a_request_gets_a_fast_503_with_Retry_After()
    {
        var running = _server.Client.GetAsync("/cgi-bin/wait_release.sh?first");
        await Eventually.FileAsync(_site.WorkFile("first.started"), Timeouts.Request);

        // One of these two waits in the queue; the other finds it full.
        var second = _server.Client.GetAsync("/cgi-bin/wait_release.sh?second");
        var third = _server.Client.GetAsync("/cgi-bin/wait_release.sh?third");
        var refused = await Task.WhenAny(second, third).Within(TimeSpan.FromSeconds(5));
        var queued = refused == second ? third : second;
        string queuedName = refused == second ? "third" : "second";

        using (var response = await refused)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.True(response.Headers.RetryAfter is not null, "no Retry-After header");
        }
        Assert.False(queued.IsCompleted, "the queued request was answered while the only slot was taken");
        Assert.False(File.Exists(_site.WorkFile(queuedName + ".started")), "the queued script started while the only slot was taken");

        Release("first");
        using (var response = await running.Within())
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        await Eventually.FileAsync(_site.WorkFile(queuedName + ".started"), Timeouts.Request);
        Release(queuedName);
        using (var response = await queued.Within())
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal($"released {queuedName}\n", await response.Content.ReadAsStringAsync().Within());
        }
    }

    [Fact]
    public async Task A_flood_of_refusals_is_one_overload_line_not_one_a_request()
    {
        var running = _server.Client.GetAsync("/cgi-bin/wait_release.sh?flood-first");
        await Eventually.FileAsync(_site.WorkFile("flood-first.started"), Timeouts.Request);
        var queued = _server.Client.GetAsync("/cgi-bin/wait_release.sh?flood-queued");
        await Task.Delay(200);
        int before = _server.Logs.Entries.Count(e => e.EventId.Id == 105);

        for (int i = 0; i < 20; i++)
        {
            using var response = await _server.Client.GetAsync("/cgi-bin/hello.sh").Within();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        Release("flood-first");
        Release("flood-queued");
        using (await running.Within())
        using (await queued.Within())
        {
        }
        Assert.InRange(_server.Logs.Entries.Count(e => e.EventId.Id == 105) - before, 0, 1);
        Assert.DoesNotContain(_server.Logs.Entries, e => e.EventId.Id == 101 && (e["Status"] ?? "") == "503");
    }
}
