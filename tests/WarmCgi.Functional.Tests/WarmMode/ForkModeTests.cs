using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// The warm/ scripts under /fork in fork mode, beside /cold: each request runs in a child
/// that one resident interpreter (Warm:MaxWorkers 1) forks for it.
/// </summary>
public class ForkFixture : WarmFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Mappings:1004:Prefix"] = "/fork";
        settings["Mappings:1004:Path"] = Site["warm"];
        settings["Mappings:1004:Mode"] = "fork";
        return settings;
    }
}

/// <summary>
/// Fork mode: a script sees a fresh process, as under CGI -- what it changes, and how it
/// ends (os._exit, a crash), never reaches the interpreter it was forked from -- while the
/// interpreter's start-up and the stdlib modules scripts import are paid once.
/// </summary>
public sealed class ForkModeTests(ForkFixture fixture) : IClassFixture<ForkFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("py3", "state.py")]
    [InlineData("py3", "leftovers.py")]
    [InlineData("py3", "stdio.py")]
    [InlineData("py3", "main.py?isindex+words")]
    [InlineData("py3", "exception.py")]
    [InlineData("py3", "hooks.py?register")]
    [InlineData("py3", "stderr_nonblocking.py")]
    [InlineData("py2", "state.py")]
    [InlineData("py2", "leftovers.py")]
    [InlineData("py2", "stdio.py")]
    [InlineData("py2", "main.py?isindex+words")]
    [InlineData("py2", "exception.py")]
    [InlineData("py2", "hooks.py?register")]
    public async Task A_script_run_again_and_again_gives_what_a_CGI_process_gives_each_time(string python, string script)
    {
        var cold = await _client.RunAsync($"/cold/{python}/{script}");
        for (int i = 0; i < 3; i++)
        {
            var forked = await _client.RunAsync($"/fork/{python}/{script}");
            ScriptRuns.AssertSameOutput(cold, forked, $"fork run {i + 1} of {script}");
        }
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Each_request_is_a_fresh_child_of_one_resident_interpreter_that_keeps_the_stdlib_modules_loaded(string python)
    {
        var runs = await _client.RunTimesAsync(3, $"/fork/{python}/processes.py");

        Assert.All(runs, run => Assert.Equal(200, run.Status));
        Assert.Equal(3, runs.Select(r => r["pid"]).Distinct().Count());
        Assert.Single(runs.Select(r => r["ppid"]).Distinct());
        Assert.NotEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), runs[0]["ppid"]);
        // The first child imported json: the interpreter loaded it for the children after it.
        Assert.All(runs.Skip(1), run => Assert.Equal("True", run["json loaded before"]));
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Every_child_is_reaped_none_is_left_a_zombie(string python)
    {
        // A child reports its status before its exit and is reaped in the background: not
        // later than the output thread's next tick once requests stop.
        var runs = await _client.RunTimesAsync(5, $"/fork/{python}/processes.py");
        int interpreter = int.Parse(runs[0]["ppid"], System.Globalization.CultureInfo.InvariantCulture);

        await Eventually.TrueAsync(() => !ChildrenOf(interpreter).Any(), "the children reaped", Timeouts.Request);
        Assert.All(runs, run => Assert.False(File.Exists($"/proc/{run.Pid}/stat"), $"child {run.Pid} left behind"));
    }

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            string children = File.ReadAllText(Path.Combine(task, "children")).Trim();
            foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                yield return int.Parse(child, System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }

    [Theory]
    [InlineData("py3", "exit")]
    [InlineData("py3", "kill")]
    [InlineData("py2", "exit")]
    [InlineData("py2", "kill")]
    public async Task A_child_ending_in_os_exit_or_a_crash_delivers_what_it_flushed_and_the_interpreter_serves_on(string python, string how)
    {
        var before = await _client.RunAsync($"/fork/{python}/processes.py");
        var ended = await _client.RunAsync($"/fork/{python}/processes.py?{how}");
        var after = await _client.RunAsync($"/fork/{python}/processes.py");

        Assert.Equal(200, ended.Status);
        Assert.Equal($"pid={ended.Pid}", ended.Text.Split('\n')[0]);
        Assert.Equal(before["ppid"], ended["ppid"]);
        Assert.Equal(before["ppid"], after["ppid"]);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_client_that_leaves_a_streaming_child_breaks_its_pipe_and_the_interpreter_serves_on(string python)
    {
        string name = $"fork-gone-{python}-{Guid.NewGuid():N}";
        var before = await _client.RunAsync($"/fork/{python}/processes.py");
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", fixture.Server.Port).Within();
            var stream = client.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /fork/{python}/ticker_until_gone.py?{name} HTTP/1.1\r\nHost: t\r\n\r\n")).AsTask().Within();
            Assert.True(await stream.ReadAsync(new byte[4096]).AsTask().Within() > 0);
            client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        }

        await Eventually.TrueAsync(() => File.Exists(fixture.Site.WorkFile(name + ".gone")), "the child's broken pipe", Timeouts.Request);
        var after = await _client.RunAsync($"/fork/{python}/processes.py");
        Assert.Equal(before["ppid"], after["ppid"]);
    }

    [Fact]
    public async Task PyPy_scripts_run_in_children_of_a_resident_PyPy()
    {
        var runs = await _client.RunTimesAsync(3, "/fork/mixed/pypy.py");

        Assert.All(runs, run => Assert.Equal("PyPy", run["implementation"]));
        Assert.Equal(3, runs.Select(r => r.Pid).Distinct().Count());
    }
}
