namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// state.py reports signal handlers, the recursion limit, umask, the socket default timeout,
/// logging configuration, the decimal context, sys.path, sys.modules, os.environ,
/// sys.excepthook, a sys attribute a fresh process lacks, a monkey-patched socket.socket and
/// an added builtin, then changes every one of them; warning_filters.py does the same with the
/// warnings filters. Run again and again by the same worker, each must report what a fresh
/// CGI process reports.
/// </summary>
public sealed class ProcessStateTests(WarmFixture fixture) : IClassFixture<WarmFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task What_a_request_changes_in_the_process_is_undone_before_the_next_one(string python)
    {
        var warm = await _client.AssertWarmMatchesColdAsync($"{python}/state.py", times: 3);

        Assert.Equal("1000", warm[^1]["recursion limit"]);
        Assert.Equal("None", warm[^1]["socket default timeout"]);
        Assert.Equal("unset", warm[^1]["WARMCGI_PROBE"]);
        Assert.Equal("False", warm[^1]["module added to sys.modules"]);
        Assert.Equal("True", warm[^1]["excepthook is the default"]);
        Assert.Equal("False", warm[^1]["sys.tracebacklimit set"]);
        Assert.Equal("False", warm[^1]["socket.socket patched"]);
        Assert.Equal("False", warm[^1]["builtins has _"]);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Warnings_filters_changed_by_a_request_are_those_of_a_fresh_process_in_the_next(string python)
    {
        await _client.AssertWarmMatchesColdAsync($"{python}/warning_filters.py", times: 3);
    }
}
