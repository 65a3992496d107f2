using System.Diagnostics;
using System.Globalization;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

public class WarmTimeoutFixture : ForkFixture
{
    protected virtual string Seconds => "1";

    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Timeout"] = Seconds;
        settings["Logging:LogLevel:WarmCgi"] = "Debug";   // a stopped worker's line (207) is Debug
        return settings;
    }
}

/// <summary>A request over its timeout gets a 504, and its worker's whole process group is killed (fork mode: the child's too).</summary>
public sealed class WarmTimeoutTests(WarmTimeoutFixture fixture) : IClassFixture<WarmTimeoutFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly ScriptSite _site = fixture.Site;

    [Fact]
    public async Task A_script_past_its_timeout_gets_504_and_its_worker_and_the_worker_s_children_are_killed()
    {
        int worker = await AssertSleeperTimedOutAndKilledAsync("/warm", "sleeper");

        var next = await ServedAsync("/warm/py3/pid.py");
        Assert.Equal(200, next.Status);
        Assert.NotEqual(worker, next.Pid);
        // The 504's line says why; a Warning that the worker "exited" would send an operator
        // looking for a crash that never was.
        string pid = worker.ToString(CultureInfo.InvariantCulture);
        var exit = await fixture.Server.Logs.WaitForAsync(
            e => e.EventId.Id is 201 or 207 && e["Pid"] == pid, "the timed-out worker's exit line");
        Assert.Equal(207, exit.EventId.Id);
    }

    [Fact]
    public async Task A_forked_script_past_its_timeout_gets_504_and_its_process_tree_is_killed()
    {
        Assert.Equal(200, (await ServedAsync("/fork/py3/processes.py")).Status);   // its worker is up: the next one counts
        await AssertSleeperTimedOutAndKilledAsync("/fork", "forked");

        Assert.Equal(200, (await ServedAsync("/fork/py3/processes.py")).Status);
    }

    /// <summary>
    /// The script's answer once a worker is up: the wait for a (re)starting worker counts
    /// against the 1 s timeout too, and a loaded machine can take longer to start one.
    /// </summary>
    private async Task<ScriptRun> ServedAsync(string url)
    {
        for (int attempt = 1; ; attempt++)
        {
            var run = await _client.RunAsync(url);
            if (run.Status != 504 || attempt == 5)
            {
                return run;
            }
        }
    }

    [Fact]
    public async Task A_client_that_leaves_a_stream_older_than_the_timeout_still_lets_the_script_end_on_its_broken_pipe()
    {
        // 1.5 s of ticks read (longer than the 1 s timeout, never silent), then the client
        // hangs up: the script gets its EPIPE and its grace, and the worker serves on.
        string name = $"late-gone-{Guid.NewGuid():N}";
        int pid;
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", fixture.Server.Port).Within();
            var stream = client.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /warm/py3/ticker_until_gone.py?{name} HTTP/1.1\r\nHost: t\r\n\r\n")).AsTask().Within();
            var received = new System.Text.StringBuilder();
            var buffer = new byte[4096];
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(1.5))
            {
                int n = await stream.ReadAsync(buffer).AsTask().Within();
                Assert.True(n > 0, "the stream ended early: " + received);
                received.Append(System.Text.Encoding.ASCII.GetString(buffer, 0, n));
            }
            var match = System.Text.RegularExpressions.Regex.Match(received.ToString(), "X-Worker-Pid: (\\d+)");
            Assert.True(match.Success, "no X-Worker-Pid in the head");
            pid = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        }

        await Eventually.TrueAsync(() => File.Exists(_site.WorkFile(name + ".gone")), "the script's broken pipe", Timeouts.Request);
        var next = await _client.RunAsync("/warm/py3/pid.py");
        Assert.Equal(200, next.Status);
        Assert.Equal(pid, next.Pid);
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
