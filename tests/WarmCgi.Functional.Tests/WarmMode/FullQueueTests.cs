using System.Diagnostics;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

public sealed class NoWarmQueueFixture : WarmFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Warm:QueueLimit"] = "0";
        return settings;
    }
}

/// <summary>One worker and no queue: a request that finds the worker busy gets a fast 503; one that waited for its answer never does.</summary>
public sealed class FullQueueTests(NoWarmQueueFixture fixture) : IClassFixture<NoWarmQueueFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly ScriptSite _site = fixture.Site;

    [Fact]
    public async Task With_the_only_worker_busy_and_no_queue_a_request_gets_a_fast_503_with_Retry_After()
    {
        var held = _client.RunAsync("/warm/py3/wait_release.py?held");
        await Eventually.FileAsync(_site.WorkFile("held.started"), Timeouts.Request);

        var clock = Stopwatch.StartNew();
        var refused = await _client.RunAsync("/warm/py3/pid.py");
        var elapsed = clock.Elapsed;
        await File.WriteAllTextAsync(_site.WorkFile("held.release"), "").Within();
        var released = await held.Within();

        Assert.Equal(503, refused.Status);
        Assert.NotNull(refused.RetryAfter);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"the 503 took {elapsed}");
        Assert.Equal(200, released.Status);
        Assert.Equal("released held\n", released.Text);
    }

    [Fact]
    public async Task Requests_in_a_row_are_never_refused_when_the_previous_one_has_been_answered()
    {
        for (int i = 0; i < 30; i++)
        {
            var run = await _client.RunAsync("/warm/py3/pid.py");

            Assert.True(run.Status == 200, $"request {i}: {run}");
        }
    }
}
