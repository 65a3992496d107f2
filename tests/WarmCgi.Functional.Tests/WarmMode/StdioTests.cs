using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// fds 0-2 are the request's: print, sys.stdout.buffer, os.write(1, ...), a replaced
/// sys.stdout and child processes write the response in the order, and with the buffering,
/// of a CGI process. Each script is held against its cold output, byte for byte.
/// <paramref name="mode"/> is "warm" or "fork": the same scripts under that mapping's prefix.
/// </summary>
public abstract class StdioTests(WarmFixture fixture, string mode)
{
    private readonly HttpClient _client = fixture.Client;
    private readonly TestServer _server = fixture.Server;
    private readonly ScriptSite _site = fixture.Site;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Prints_os_write_and_child_processes_come_out_in_the_order_of_a_CGI_process(string python)
    {
        var runs = await _client.AssertMatchesColdAsync($"{python}/stdio.py", mode);

        // What was flushed first comes first; the buffered prints come at exit.
        Assert.StartsWith("print 1\nos.system\nos.write\nsubprocess\n", runs[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_past_the_buffer_and_a_child_s_line_interleave_where_a_CGI_process_puts_them()
    {
        var runs = await _client.AssertMatchesColdAsync("py3/stdio_past_buffer.py", mode);

        // 4 KiB buffers: the child's line comes after the first 8 KiB of rows, not after all.
        Assert.DoesNotContain("row 119: some cell content here to make a realistic line of a table\nCHILD\n", runs[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_child_reading_stdin_after_the_script_read_a_line_gets_what_a_CGI_process_s_buffer_left()
    {
        string body = string.Concat(Enumerable.Range(0, 800).Select(i => $"line {i:D4} of the body, long enough to matter\n"));
        var runs = new List<ScriptRun> { await _client.RunAsync("/cold/py3/stdin_past_buffer.py", new StringContent(body)) };
        for (int i = 0; i < 3; i++)
        {
            runs.Add(await _client.RunAsync($"/{mode}/py3/stdin_past_buffer.py", new StringContent(body)));
        }

        // The line, what the buffer still holds and what the child read add up to the body,
        // in every mode; the buffer holds some of it, so the child gets less than the rest.
        foreach (var run in runs)
        {
            string[] lines = run.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("b'line 0000 of the body, long enough to matter\\n'", lines[0]);
            int buffered = int.Parse(lines[1], System.Globalization.CultureInfo.InvariantCulture);
            int child = int.Parse(lines[2].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(buffered > 0 && child > 0, $"buffer {buffered}, child {child}");
            Assert.Equal(body.Length, body.IndexOf('\n', StringComparison.Ordinal) + 1 + buffered + child);
        }
    }

    [Theory]
    [InlineData("py3", "stdout.buffer")]
    [InlineData("py2", "stdout.write")]
    public async Task With_u_on_the_shebang_line_the_output_is_unbuffered(string python, string direct)
    {
        var runs = await _client.AssertMatchesColdAsync($"{python}/stdio_unbuffered.py", mode);

        Assert.Equal($"print 1\nos.system\nprint 2\nos.write\n{direct}\nsubprocess\nprint 3\n", runs[0].Text);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_script_that_replaces_sys_stdout_leaves_the_next_request_a_working_stdout(string python)
    {
        for (int round = 0; round < 2; round++)
        {
            await _client.AssertMatchesColdAsync($"{python}/stdout_wrapped.py", mode, 2);
            await _client.AssertMatchesColdAsync($"{python}/stdout_reopened.py", mode, 2);
            await _client.AssertMatchesColdAsync($"{python}/stdio.py", mode, 1);
        }
    }

    [Theory]
    [InlineData("io_encoding.py")]
    [InlineData("io_encoding_unbuffered.py")]
    public async Task Python_2_std_streams_have_the_PYTHONIOENCODING_the_operator_set_with_u_too(string script)
    {
        var cold = await _client.RunAsync($"/cold-ioenc/py2/{script}");
        var runs = await _client.RunTimesAsync(2, $"/{mode}-ioenc/py2/{script}");

        Assert.Equal("utf-8 utf-8 utf-8", cold["encodings"]);
        Assert.All(runs, run => ScriptRuns.AssertSameOutput(cold, run, $"{mode} run of {script}"));
    }

    [Fact]
    public async Task A_script_that_rebinds_sys_stdout_write_leaves_the_next_request_a_plain_stdout()
    {
        var tee = await _client.AssertMatchesColdAsync("py3/stdout_tee.py", mode, 2);
        var next = await _client.AssertMatchesColdAsync("py3/stdio.py", mode, 1);

        Assert.Equal("teed 5 writes\n", tee[^1].Text);
        Assert.Equal(200, next[0].Status);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Stderr_goes_to_the_log_tagged_with_the_script_not_into_the_response(string python)
    {
        var run = await _client.RunAsync($"/{mode}/{python}/stdio.py");

        Assert.DoesNotContain("goes to the log", run.Text, StringComparison.Ordinal);
        await _server.Logs.WaitForAsync(e => e["Script"] == $"/{mode}/{python}/stdio.py" && e["Line"] == "stdio.py: this line goes to the log",
            "the script's stderr line, logged");
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Each_requests_stderr_is_logged_under_its_own_request_id_even_past_what_a_pipe_holds(string python)
    {
        string[] tokens = [$"{python}-one", $"{python}-two", $"{python}-three"];
        var runs = new List<ScriptRun>();
        foreach (var token in tokens)
        {
            runs.Add(await _client.RunAsync($"/{mode}/{python}/stderr_marked.py?{token}"));
        }

        var idsByToken = new Dictionary<string, string?>();
        foreach (var (token, run) in tokens.Zip(runs))
        {
            Assert.Equal(200, run.Status);
            Assert.Equal($"answered {token}\n", run.Text);
            var lines = new List<LogEntry>();
            foreach (var way in new[] { "sys.stderr", "os.write", "child" })
            {
                lines.Add(await _server.Logs.WaitForAsync(e => e["Line"] == $"stderr {token} {way}", $"{token}'s stderr through {way}"));
            }
            Assert.Single(lines.Select(e => e["RequestId"]).Distinct());
            idsByToken[token] = lines[0]["RequestId"];
        }
        Assert.Equal(tokens.Length, idsByToken.Values.Distinct().Count());
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_script_that_closes_stdout_and_goes_on_writing_stderr_ends_its_response_and_runs_to_its_end(string python)
    {
        for (int i = 0; i < 2; i++)
        {
            var run = await _client.RunAsync($"/{mode}/{python}/stdout_closed_early.py");

            Assert.Equal(200, run.Status);
            Assert.Equal("answered before closing stdout\n", run.Text);
        }
        await _server.Logs.WaitForAsync(e => e["Script"] == $"/{mode}/{python}/stdout_closed_early.py" && e["Line"] == "stdout_closed_early.py: finished",
            "the script's last stderr line, written after more than a pipe holds");
        Assert.Equal(200, (await _client.RunAsync($"/{mode}/{python}/pid.py")).Status);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_script_that_closes_stdout_and_works_on_has_its_response_end_there_as_a_CGI_process_does(string python)
    {
        foreach (string prefix in new[] { "cold", mode, mode })
        {
            string name = $"detach-{mode}-{python}-{prefix}-{Guid.NewGuid():N}";

            // The script works on until released: an answer that waited for its end never comes.
            var run = await _client.RunAsync($"/{prefix}/{python}/detaches.py?{name}");

            Assert.Equal($"accepted {name}\n", run.Text);
            Assert.False(File.Exists(_site.WorkFile(name + ".done")), "the script had ended before its answer came");
            await File.WriteAllTextAsync(_site.WorkFile(name + ".release"), "");
            await Eventually.TrueAsync(() => File.Exists(_site.WorkFile(name + ".done")), "the script's end after its answer", Timeouts.Request);
        }
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task What_a_script_flushed_before_leaving_a_child_with_stdout_open_is_sent_at_once_as_under_CGI(string python)
    {
        foreach (string prefix in new[] { "cold", mode, mode })
        {
            string name = $"background-{mode}-{python}-{prefix}-{Guid.NewGuid():N}";
            using var response = await _client.GetAsync($"/{prefix}/{python}/background_child.py?{name}", HttpCompletionOption.ResponseHeadersRead).Within();
            using var body = new StreamReader(await response.Content.ReadAsStreamAsync().Within());

            // The child holds stdout for 30 s unless released: a first line that waited for it never comes.
            Assert.Equal($"started {name}", await body.ReadLineAsync().Within(Timeouts.StreamedLine));
            await File.WriteAllTextAsync(_site.WorkFile(name + ".release"), "");
            Assert.Equal("job done", await body.ReadLineAsync().Within());
            Assert.Null(await body.ReadLineAsync().Within());
        }
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_non_blocking_stderr_set_by_one_request_is_blocking_again_in_the_next(string python)
    {
        var runs = await _client.AssertMatchesColdAsync($"{python}/stderr_nonblocking.py", mode, 3);

        Assert.All(runs, run => Assert.Equal("False", run["stderr non-blocking"]));
    }
}

/// <summary>A resident worker gives each request fds 0-2 of its own, whatever the last script did to its streams.</summary>
public sealed class WarmStdioTests(WarmFixture fixture) : StdioTests(fixture, "warm"), IClassFixture<WarmFixture>;

/// <summary>A forked child writes its response and its log through the streams of a CGI process, in the same order.</summary>
public sealed class ForkStdioTests(ForkFixture fixture) : StdioTests(fixture, "fork"), IClassFixture<ForkFixture>;
