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
        var warm = await _client.AssertMatchesColdAsync($"{python}/state.py", "warm", 3);

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
        await _client.AssertMatchesColdAsync($"{python}/warning_filters.py", "warm", 3);
    }

    [Fact]
    public async Task Finalizers_a_timezone_and_reference_cycles_of_a_request_end_with_it_in_Python_3()
    {
        var warm = await _client.AssertMatchesColdAsync("py3/leftovers.py", "warm", 3);

        Assert.All(warm, run =>
        {
            Assert.Equal("('UTC', 'UTC') timezone=0", run["tzname"]);
            Assert.Equal("ran when its object went", run["finalizer"]);
            Assert.Equal("ran at exit", run["exit finalizer"]);
            Assert.Equal("printed by a cycle's __del__ at teardown", run["footer"]);
        });
    }

    [Fact]
    public async Task A_timezone_a_teardown_del_and_a_pending_print_comma_end_with_their_request_in_Python_2()
    {
        var warm = await _client.AssertMatchesColdAsync("py2/leftovers.py", "warm", 3);

        Assert.All(warm, run =>
        {
            Assert.Equal("('UTC', 'UTC') timezone=0", run["tzname"]);
            Assert.Contains("last words\n", run.Text, StringComparison.Ordinal);
        });
    }
}
