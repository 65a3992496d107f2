namespace WarmCgi.Functional.WarmMode;

/// <summary>What interpreter shutdown does happens at the end of each request: non-daemon threads are waited for, atexit handlers run.</summary>
public sealed class ExitHooksTests(WarmFixture fixture) : IClassFixture<WarmFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task An_atexit_handler_runs_at_the_end_of_its_own_request_only(string python)
    {
        var registered = await _client.AssertMatchesColdAsync($"{python}/hooks.py?register", "warm", 1);
        var plain = await _client.AssertMatchesColdAsync($"{python}/hooks.py", "warm", 1);
        var again = await _client.RunAsync($"/warm/{python}/hooks.py?register");

        Assert.Equal("main code done\nthread finished\natexit handler ran\n", registered[0].Text);
        Assert.Equal("main code done\nthread finished\n", plain[0].Text);
        Assert.Equal(registered[0].Text, again.Text);
        ScriptRuns.AssertSameWorker([registered[0], plain[0], again]);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task The_output_of_a_non_daemon_thread_is_part_of_the_response(string python)
    {
        var runs = await _client.RunTimesAsync(3, $"/warm/{python}/hooks.py");

        Assert.All(runs, run => Assert.Equal("main code done\nthread finished\n", run.Text));
        ScriptRuns.AssertSameWorker(runs);
    }
}
