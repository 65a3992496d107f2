namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// Interpreter options on the #! line (-O, -S, -E...) change the whole interpreter, which a
/// resident worker cannot do per script (nor can a child forked from one): such scripts run
/// cold even in a warm or fork mapping, so they behave exactly as under CGI. (-u is applied
/// per request by the worker: see StdioTests.) <paramref name="mode"/> is "warm" or "fork":
/// the same scripts under that mapping's prefix.
/// </summary>
public abstract class ShebangOptionsTests(WarmFixture fixture, string mode)
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task With_O_on_the_shebang_line_the_script_runs_cold_and_asserts_are_skipped_as_under_CGI(string python)
    {
        var cold = await _client.RunAsync($"/cold/{python}/optimized.py");
        var runs = await _client.RunTimesAsync(2, $"/{mode}/{python}/optimized.py");

        Assert.Equal("__debug__=False\nassert skipped\n", cold.Text);
        Assert.All(runs, run => ScriptRuns.AssertSameOutput(cold, run, $"a {mode}-mapping run of a -O script"));
        // A fresh process each time: in warm mode that shows it ran cold. A forked run would have
        // a pid of its own too, so there the output (no -O in the interpreter it came from) tells.
        Assert.NotEqual(runs[0].Pid, runs[1].Pid);
    }
}

/// <summary>A warm mapping runs a script with interpreter options cold, not in a resident worker.</summary>
public sealed class WarmShebangOptionsTests(WarmFixture fixture) : ShebangOptionsTests(fixture, "warm"), IClassFixture<WarmFixture>;

/// <summary>A fork mapping runs a script with interpreter options cold, not in a child of the resident interpreter.</summary>
public sealed class ForkShebangOptionsTests(ForkFixture fixture) : ShebangOptionsTests(fixture, "fork"), IClassFixture<ForkFixture>;
