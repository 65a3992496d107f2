using System.Diagnostics;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

public sealed class OneSecondFixture : ForkFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Timeout"] = "1";
        return settings;
    }
}

/// <summary>A request over its timeout gets a 504, and its worker's whole process group is killed (fork mode: the child's too).</summary>
public sealed class WarmTimeoutTests(OneSecondFixture fixture) : IClassFixture<OneSecondFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly ScriptSite _site = fixture.Site;

    [Fact]
    public async Task A_script_past_its_timeout_gets_504_and_its_worker_and_the_worker_s_children_are_killed()
    {
        int worker = await AssertSleeperTimedOutAndKilledAsync("/warm", "sleeper");

        var next = await _client.RunAsync("/warm/py3/pid.py");
        Assert.Equal(200, next.Status);
        Assert.NotEqual(worker, next.Pid);
    }

    [Fact]
    public async Task A_forked_script_past_its_timeout_gets_504_and_its_process_tree_is_killed()
    {
        Assert.Equal(200, (await _client.RunAsync("/fork/py3/processes.py")).Status); // its worker is up: the second counts
        await AssertSleeperTimedOutAndKilledAsync("/fork", "forked");

        Assert.Equal(200, (await _client.RunAsync("/fork/py3/processes.py")).Status);
    }

    [Fact]
    public async Task A_script_that_keeps_printing_runs_past_its_timeout_as_under_Apache()
    {
        var run = await _client.RunAsync("/warm/py3/report.py");

        Assert.Equal(200, run.Status);
        Assert.EndsWith("row 15\ndone\n", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_that_keeps_coming_runs_past_the_timeout_as_under_Apache()
    {
        using var body = new TricklingContent(12, 1000, TimeSpan.FromSeconds(0.2));
        var run = await _client.RunAsync("/warm/py3/body_cat.py", body);

        Assert.Equal(200, run.Status);
        Assert.Equal(new string('x', 12000), run.Text);
    }

    /// <summary>
    /// sleeper.py under <paramref name="prefix"/>: a 504 once the 1 s timeout is over, and the
    /// process that ran the script and its child both gone. Returns the script's pid.
    /// </summary>
    private async Task<int> AssertSleeperTimedOutAndKilledAsync(string prefix, string name)
    {
        var clock = Stopwatch.StartNew();
        var run = await _client.RunAsync($"{prefix}/py3/sleeper.py?{name}");
        var elapsed = clock.Elapsed;

        Assert.Equal(504, run.Status);
        Assert.True(elapsed >= TimeSpan.FromSeconds(0.9) && elapsed < TimeSpan.FromSeconds(5), $"answered after {elapsed}");
        int script = ProcessState.ReadPid(await Eventually.FileAsync(_site.WorkFile(name + ".pid"), Timeouts.Request));
        int child = ProcessState.ReadPid(await Eventually.FileAsync(_site.WorkFile(name + ".child"), Timeouts.Request));
        await ProcessState.AllGoneAsync([script, child], Timeouts.ProcessGone);
        return script;
    }
}
