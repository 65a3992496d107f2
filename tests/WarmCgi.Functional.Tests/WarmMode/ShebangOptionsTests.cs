namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// Interpreter options on the #! line (-O, -S, -E...) change the whole interpreter, which a
/// resident worker cannot do per script: such scripts run cold even in a warm mapping, so they
/// behave exactly as under CGI. (-u is applied per request by the worker: see StdioTests.)
/// </summary>
public sealed class ShebangOptionsTests(WarmFixture fixture) : IClassFixture<WarmFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task With_O_on_the_shebang_line_the_script_runs_cold_and_asserts_are_skipped_as_under_CGI(string python)
    {
        var cold = await _client.RunAsync($"/cold/{python}/optimized.py");
        var warm = await _client.RunTimesAsync(2, $"/warm/{python}/optimized.py");

        Assert.Equal("__debug__=False\nassert skipped\n", cold.Text);
        Assert.All(warm, run => ScriptRuns.AssertSameOutput(cold, run, "a warm-mapping run of a -O script"));
        Assert.NotEqual(warm[0].Pid, warm[1].Pid); // a fresh process each time: it ran cold
    }
}
