using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// A wrapper script that hands its request to another program with os.exec*, as old CGI
/// wrappers do: that program's output (it reads the body too) is the response, what the
/// script printed without flushing is lost, and a failed exec raises in the script -- all
/// as from a CGI process whose image is replaced. <paramref name="mode"/> is "warm" or "fork".
/// </summary>
public abstract class ExecTests(WarmFixture fixture, string mode)
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_script_that_execs_a_program_answers_with_that_program_s_output(string python)
    {
        var before = await _client.RunAsync($"/{mode}/{python}/pid.py");
        var cold = await _client.RunAsync($"/cold/{python}/execs.py?q=1", new StringContent("the body"));
        var handedOver = await _client.RunAsync($"/{mode}/{python}/execs.py?q=1", new StringContent("the body"));
        var after = await _client.RunAsync($"/{mode}/{python}/pid.py");

        ScriptRuns.AssertSameOutput(cold, handedOver, $"{mode} exec of {python}/execs.py");
        Assert.Equal("by the wrapper, query q=1\nthe body", handedOver.Text);
        // Warm: the worker lives on; only a child of it became the program.
        ScriptRuns.AssertWorkers(mode, [before, after]);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task An_exec_that_fails_raises_in_the_script_as_under_CGI(string python)
    {
        var runs = await _client.AssertMatchesColdAsync($"{python}/execs.py?missing", mode, 2);

        Assert.StartsWith("exec failed: ", runs[0].Text, StringComparison.Ordinal);
        Assert.Contains("No such file or directory", runs[0].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Closing_every_fd_above_2_leaves_the_worker_its_own(string python)
    {
        // os.closerange(3, 4096) and a loop of os.close, as wrappers do before an exec.
        var runs = await _client.AssertMatchesColdAsync($"{python}/closes_fds.py", mode, 3);

        Assert.Equal("closed 0\n", runs[0].Text);
    }
}

/// <summary>In a resident worker, a child of the worker becomes the program; the worker serves on.</summary>
public sealed class WarmExecTests(WarmFixture fixture) : ExecTests(fixture, "warm"), IClassFixture<WarmFixture>;

/// <summary>A forked child becomes the program, as a CGI process would.</summary>
public sealed class ForkExecTests(ForkFixture fixture) : ExecTests(fixture, "fork"), IClassFixture<ForkFixture>;
