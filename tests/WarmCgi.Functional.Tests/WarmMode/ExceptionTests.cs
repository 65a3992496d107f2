using System.Text.RegularExpressions;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// An uncaught exception ends the request as it ends a CGI process: the traceback goes to the
/// log, the buffered output is still flushed, and cgitb's HTML traceback works.
/// <paramref name="mode"/> is "warm" or "fork": the same scripts under that mapping's prefix.
/// </summary>
public abstract partial class ExceptionTests(WarmFixture fixture, string mode)
{
    private readonly HttpClient _client = fixture.Client;
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task An_uncaught_exception_after_the_headers_gives_the_partial_document_of_a_CGI_process(string python)
    {
        var runs = await _client.AssertMatchesColdAsync($"{python}/exception.py", mode);

        Assert.Equal("partial document\n", runs[0].Text);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task The_traceback_is_logged_as_a_CGI_process_writes_it(string python)
    {
        await _client.RunAsync($"/cold/{python}/exception.py");
        await _client.RunAsync($"/{mode}/{python}/exception.py");

        var cold = await TracebackAsync($"/cold/{python}/exception.py");
        var logged = await TracebackAsync($"/{mode}/{python}/exception.py");
        Assert.Equal("Traceback (most recent call last):", logged[0]);
        Assert.Equal(cold, logged);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Cgitb_shows_the_HTML_traceback_of_a_CGI_process(string python)
    {
        var cold = await _client.RunAsync($"/cold/{python}/cgitb_error.py");
        var runs = await _client.RunTimesAsync(2, $"/{mode}/{python}/cgitb_error.py");

        Assert.Contains("ZeroDivisionError", cold.Text, StringComparison.Ordinal);
        Assert.All(runs, run => ScriptRuns.AssertSameOutput(WithoutDate(cold), WithoutDate(run), "cgitb's page"));
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task The_exception_hook_cgitb_set_is_gone_in_the_next_request(string python)
    {
        await _client.RunAsync($"/{mode}/{python}/cgitb_error.py");

        var next = await _client.RunAsync($"/{mode}/{python}/exception.py");

        Assert.Equal("partial document\n", next.Text);
    }

    /// <summary>The stderr lines of the first request of <paramref name="script"/> that logged a traceback.</summary>
    private async Task<List<string>> TracebackAsync(string script)
    {
        List<string>? lines = null;
        await Eventually.TrueAsync(() =>
        {
            lines = _server.Logs.Entries
                .Where(e => e["Script"] == script && e["Line"] is not null)
                .GroupBy(e => e["RequestId"])
                .Select(g => g.Select(e => e["Line"]!).ToList())
                .FirstOrDefault(g => g.Count > 0 && g[^1].StartsWith("KeyError", StringComparison.Ordinal));
            return lines is not null;
        }, "the traceback of " + script, Timeouts.Request);
        return lines!;
    }

    /// <summary>cgitb's page holds the time it was made.</summary>
    private static ScriptRun WithoutDate(ScriptRun run) =>
        run with { Body = System.Text.Encoding.UTF8.GetBytes(Ctime().Replace(run.Text, "(date)")) };

    [GeneratedRegex(@"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}")]
    private static partial Regex Ctime();
}

/// <summary>A resident worker ends a request that raised as a CGI process ends, and serves the next unchanged.</summary>
public sealed class WarmExceptionTests(WarmFixture fixture) : ExceptionTests(fixture, "warm"), IClassFixture<WarmFixture>;

/// <summary>A forked child that raised ends as a CGI process does: the same partial document, the same traceback.</summary>
public sealed class ForkExceptionTests(ForkFixture fixture) : ExceptionTests(fixture, "fork"), IClassFixture<ForkFixture>;
