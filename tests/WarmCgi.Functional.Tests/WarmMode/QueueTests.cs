using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// One worker, so that every other request waits in the pool's queue: a freed worker goes to the
/// requests that wait, and a request that gives up while it waits takes nothing with it.
/// </summary>
public sealed class QueueTests(WarmFixture fixture) : IClassFixture<WarmFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly ScriptSite _site = fixture.Site;

    [Fact]
    public async Task Requests_queued_behind_a_busy_worker_are_all_served_once_it_is_free()
    {
        var held = _client.RunAsync("/warm/py3/wait_release.py?queue_held");
        await Eventually.FileAsync(_site.WorkFile("queue_held.started"), Timeouts.Request);
        var queued = Enumerable.Range(0, 8).Select(_ => _client.RunAsync("/warm/py3/pid.py")).ToList();
        await Task.Delay(200);
        Assert.All(queued, q => Assert.False(q.IsCompleted, "a request was answered while the only worker was busy"));

        await File.WriteAllTextAsync(_site.WorkFile("queue_held.release"), "").Within();
        var runs = await Task.WhenAll(queued).Within();

        Assert.Equal(200, (await held.Within()).Status);
        Assert.All(runs, run => Assert.Equal(200, run.Status));
        ScriptRuns.AssertSameWorker(runs);
    }

    [Fact]
    public async Task A_request_that_gives_up_while_queued_leaves_the_worker_to_the_requests_after_it()
    {
        var held = _client.RunAsync("/warm/py3/wait_release.py?giveup_held");
        await Eventually.FileAsync(_site.WorkFile("giveup_held.started"), Timeouts.Request);
        using (var giveUp = new CancellationTokenSource())
        {
            var abandoned = _client.GetAsync("/warm/py3/pid.py", giveUp.Token);
            await Task.Delay(200);
            await giveUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned).Within();
        }

        await File.WriteAllTextAsync(_site.WorkFile("giveup_held.release"), "").Within();
        Assert.Equal(200, (await held.Within()).Status);
        var after = await _client.RunTimesAsync(3, "/warm/py3/pid.py");

        Assert.All(after, run => Assert.Equal(200, run.Status));
    }
}
