namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// What interpreter shutdown does happens at the end of each request: non-daemon threads are
/// waited for, atexit handlers run. <paramref name="mode"/> is "warm" or "fork": the same
/// scripts under that mapping's prefix.
/// </summary>
public abstract class ExitHooksTests(WarmFixture fixture, string mode)
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task An_atexit_handler_runs_at_the_end_of_its_own_request_only(string python)
    {
        var registered = await _client.AssertMatchesColdAsync($"{python}/hooks.py?register", mode, 1);
        var plain = await _client.AssertMatchesColdAsync($"{python}/hooks.py", mode, 1);
        var again = await _client.RunAsync($"/{mode}/{python}/hooks.py?register");

        Assert.Equal("main code done\nthread finished\natexit handler ran\n", registered[0].Text);
        Assert.Equal("main code done\nthread finished\n", plain[0].Text);
        Assert.Equal(registered[0].Text, again.Text);
        ScriptRuns.AssertWorkers(mode, [registered[0], plain[0], again]);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task The_output_of_a_non_daemon_thread_is_part_of_the_response(string python)
    {
        var runs = await _client.RunTimesAsync(3, $"/{mode}/{python}/hooks.py");

        Assert.All(runs, run => Assert.Equal("main code done\nthread finished\n", run.Text));
        ScriptRuns.AssertWorkers(mode, runs);
    }
}

/// <summary>A resident worker runs a request's atexit handlers and waits for its threads, then forgets them.</summary>
public sealed class WarmExitHooksTests(WarmFixture fixture) : ExitHooksTests(fixture, "warm"), IClassFixture<WarmFixture>;

/// <summary>A forked child runs its atexit handlers and waits for its threads before it ends, as a CGI process does.</summary>
public sealed class ForkExitHooksTests(ForkFixture fixture) : ExitHooksTests(fixture, "fork"), IClassFixture<ForkFixture>;
