using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// os._exit and a crash end the request like a CGI process's exit -- what was flushed is
/// delivered, nothing output is a 502 -- and the worker is replaced: the next request works.
/// </summary>
public sealed class WorkerReplacementTests(WarmFixture fixture) : IClassFixture<WarmFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Os_exit_delivers_what_was_flushed_and_the_next_request_gets_a_new_worker(string python)
    {
        var cold = await _client.RunAsync($"/cold/{python}/os_exit.py");
        var exitedPids = new List<int>();
        // Back to back, as a busy site sends them: the next request comes right after the answer.
        for (int i = 0; i < 10; i++)
        {
            var exited = await _client.RunAsync($"/warm/{python}/os_exit.py");
            var next = await _client.RunAsync($"/warm/{python}/pid.py");

            ScriptRuns.AssertSameOutput(cold, exited, $"os._exit, round {i}");
            Assert.Equal("flushed before os._exit\n", exited.Text);
            Assert.True(next.Status == 200, $"round {i}, the request after os._exit: {next}");
            Assert.NotEqual(exited.Pid, next.Pid);
            exitedPids.Add(exited.Pid);
        }
        await ProcessState.AllGoneAsync(exitedPids, Timeouts.ProcessGone);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_worker_killed_before_any_output_gives_502_and_the_next_request_works(string python)
    {
        for (int i = 0; i < 3; i++)
        {
            var before = await _client.RunAsync($"/warm/{python}/pid.py");
            var crashed = await _client.RunAsync($"/warm/{python}/crash.py?silent");
            var next = await _client.RunAsync($"/warm/{python}/pid.py");

            Assert.Equal(502, crashed.Status);
            Assert.True(next.Status == 200, $"round {i}, the request after the crash: {next}");
            Assert.NotEqual(before.Pid, next.Pid);
            await ProcessState.AllGoneAsync([before.Pid], Timeouts.ProcessGone);
        }
    }

    // The worker reads the script's stdout pipe itself: bytes still in it when a signal ends
    // the worker would die with it. A script's os.kill of its own pid drains them first.
    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_worker_killed_after_flushing_part_of_a_document_delivers_that_part_as_a_CGI_process_does(string python)
    {
        var cold = await _client.RunAsync($"/cold/{python}/crash.py?after-output");
        for (int i = 0; i < 3; i++)
        {
            var crashed = await _client.RunAsync($"/warm/{python}/crash.py?after-output");
            var next = await _client.RunAsync($"/warm/{python}/pid.py");

            ScriptRuns.AssertSameOutput(cold, crashed, $"the crash, round {i}");
            Assert.Equal("flushed before the crash\n", crashed.Text);
            Assert.True(next.Status == 200, $"round {i}, the request after the crash: {next}");
        }
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_script_that_prints_nothing_gets_502_and_its_worker_serves_on(string python)
    {
        // The script ended its request normally: its worker is fine, and is not restarted.
        var before = await _client.RunAsync($"/warm/{python}/pid.py");
        var silent = await _client.RunAsync($"/warm/{python}/silent.py");
        var after = await _client.RunAsync($"/warm/{python}/pid.py");

        Assert.Equal(502, silent.Status);
        Assert.Equal(before.Pid, after.Pid);
    }

    [Fact]
    public async Task A_script_that_prints_nothing_after_a_while_gets_502_and_its_worker_serves_on()
    {
        var before = await _client.RunAsync("/warm/py3/pid.py");
        var silent = await _client.RunAsync("/warm/py3/silent_after_a_while.py");
        var after = await _client.RunAsync("/warm/py3/pid.py");

        Assert.Equal(502, silent.Status);
        Assert.Equal(before.Pid, after.Pid);
    }

    [Theory]
    [InlineData("py3", "")]
    [InlineData("py2", "")]
    [InlineData("py3", "+fast")]
    [InlineData("mixed", "")]   // PyPy: no reference counting, so what a failed flush left must not come out later
    public async Task A_client_that_leaves_a_streaming_script_breaks_its_pipe_and_the_worker_serves_on(string python, string pace)
    {
        // As a CGI process's next write fails once its reader is gone, the script's does: it
        // stops (here, it catches the error and notes it), and its worker is not restarted --
        // also when it writes as fast as a download, never leaving its pipe empty.
        string name = $"gone-{python}-{Guid.NewGuid():N}";
        int pid;
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", fixture.Server.Port).Within();
            var stream = client.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /warm/{python}/ticker_until_gone.py?{name}{pace} HTTP/1.1\r\nHost: t\r\n\r\n")).AsTask().Within();
            var head = new byte[4096];
            int n = await stream.ReadAsync(head).AsTask().Within();
            var match = System.Text.RegularExpressions.Regex.Match(System.Text.Encoding.ASCII.GetString(head, 0, n), "X-Worker-Pid: (\\d+)");
            Assert.True(match.Success, "no X-Worker-Pid in the head");
            pid = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send); // a FIN, then a reset: the client is gone
        }

        await Eventually.TrueAsync(() => File.Exists(fixture.Site.WorkFile(name + ".gone")), "the script's broken pipe", Timeouts.Request);
        var next = await _client.RunAsync(python == "mixed" ? "/warm/mixed/pypy.py" : $"/warm/{python}/pid.py");
        Assert.Equal(200, next.Status);
        Assert.Equal(pid, next.Pid);
        Assert.DoesNotContain("tick", next.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_leaves_a_script_that_writes_no_more_gets_its_worker_stopped_and_replaced()
    {
        // Unread and silent (stream.py waits for a release that never comes), it would hold
        // the pool's one worker until its timeout: it is stopped after a short grace.
        var before = await _client.RunAsync("/warm/py3/pid.py");
        using (var client = new System.Net.Sockets.TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", fixture.Server.Port).Within();
            var stream = client.GetStream();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET /warm/py3/stream.py?never-{Guid.NewGuid():N} HTTP/1.1\r\nHost: t\r\n\r\n")).AsTask().Within();
            var head = new byte[4096];
            Assert.True(await stream.ReadAsync(head).AsTask().Within() > 0);
            client.Client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        }

        var after = await _client.RunAsync("/warm/py3/pid.py");

        Assert.Equal(200, after.Status);
        Assert.NotEqual(before.Pid, after.Pid);
    }
}
