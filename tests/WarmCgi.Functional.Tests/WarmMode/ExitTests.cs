using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// sys.exit, exit, quit and SystemExit end the request normally: finally blocks run, and the
/// next request is served (in warm mode by the same worker). <paramref name="mode"/> is "warm"
/// or "fork": the same scripts under that mapping's prefix.
/// </summary>
public abstract class ExitTests(WarmFixture fixture, string mode)
{
    private readonly HttpClient _client = fixture.Client;
    private readonly TestServer _server = fixture.Server;

    public static TheoryData<string, string> Exits()
    {
        var data = new TheoryData<string, string>();
        foreach (string python in new[] { "py3", "py2" })
        {
            foreach (string how in new[] { "sys.exit", "exit", "quit", "SystemExit" })
            {
                data.Add(python, how);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Exits))]
    public async Task An_exit_inside_try_finally_ends_the_request_as_it_ends_a_CGI_process(string python, string how)
    {
        var runs = await _client.AssertMatchesColdAsync($"{python}/exits.py?{how}", mode);

        Assert.Equal($"before {how}\nfinally ran\n", runs[0].Text);
        var next = await _client.RunAsync($"/{mode}/{python}/main.py");
        Assert.Equal(200, next.Status);
        // Warm: the exits did not cost the worker. Fork: the next script has a process of its own.
        ScriptRuns.AssertWorkers(mode, [.. runs, next]);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_SystemExit_message_goes_to_the_log(string python)
    {
        await _client.RunAsync($"/{mode}/{python}/exits.py?SystemExit");

        await _server.Logs.WaitForAsync(e => e["Script"] == $"/{mode}/{python}/exits.py" && e["Line"] == "exits.py: a message for stderr",
            "the SystemExit message, logged");
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_script_that_ends_before_its_headers_has_its_exit_code_or_signal_in_the_502s_log_line(string python)
    {
        // What an operator needs to tell a sys.exit(3) from a crash, in every mode.
        string worker = mode == "warm" ? "its worker ended: " : "";
        foreach (var (prefix, path, ending) in new[]
        {
            ("cold", "exit_code.py?3", "exit code 3"), (mode, "exit_code.py?3", "exit code 3"),
            ("cold", "crash.py?silent", "killed by signal 9"), (mode, "crash.py?silent", worker + "killed by signal 9"),
        })
        {
            var run = await _client.RunAsync($"/{prefix}/{python}/{path}");
            Assert.Equal(502, run.Status);
            string script = $"/{prefix}/{python}/{path[..path.IndexOf('?', StringComparison.Ordinal)]}";
            var line = await _server.Logs.WaitForAsync(e => e.EventId.Id == 101 && e["Path"] == script, $"the 502's line for {script}");
            Assert.EndsWith("end of script output before headers (no output), " + ending, line["Reason"], StringComparison.Ordinal);
        }
    }
}

/// <summary>A resident worker ends a request at sys.exit and its kin, and stays to serve the next.</summary>
public sealed class WarmExitTests(WarmFixture fixture) : ExitTests(fixture, "warm"), IClassFixture<WarmFixture>;

/// <summary>A forked child that calls sys.exit or its kin ends as a CGI process does: finally blocks first.</summary>
public sealed class ForkExitTests(ForkFixture fixture) : ExitTests(fixture, "fork"), IClassFixture<ForkFixture>;
