using System.Text.RegularExpressions;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// An uncaught exception ends the request as it ends a CGI process: the traceback goes to the
/// log, the buffered output is still flushed, and cgitb's HTML traceback works.
/// </summary>
public sealed partial class ExceptionTests(WarmFixture fixture) : IClassFixture<WarmFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task An_uncaught_exception_after_the_headers_gives_the_partial_document_of_a_CGI_process(string python)
    {
        var warm = await _client.AssertMatchesColdAsync($"{python}/exception.py", "warm");

        Assert.Equal("partial document\n", warm[0].Text);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task The_traceback_is_logged_as_a_CGI_process_writes_it(string python)
    {
        await _client.RunAsync($"/cold/{python}/exception.py");
        await _client.RunAsync($"/warm/{python}/exception.py");

        var cold = await TracebackAsync($"/cold/{python}/exception.py");
        var warm = await TracebackAsync($"/warm/{python}/exception.py");
        Assert.Equal("Traceback (most recent call last):", warm[0]);
        Assert.Equal(cold, warm);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Cgitb_shows_the_HTML_traceback_of_a_CGI_process(string python)
    {
        var cold = await _client.RunAsync($"/cold/{python}/cgitb_error.py");
        var warm = await _client.RunTimesAsync(2, $"/warm/{python}/cgitb_error.py");

        Assert.Contains("ZeroDivisionError", cold.Text, StringComparison.Ordinal);
        Assert.All(warm, run => ScriptRuns.AssertSameOutput(WithoutDate(cold), WithoutDate(run), "cgitb's page"));
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task The_exception_hook_cgitb_set_is_gone_in_the_next_request(string python)
    {
        await _client.RunAsync($"/warm/{python}/cgitb_error.py");

        var next = await _client.RunAsync($"/warm/{python}/exception.py");

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
