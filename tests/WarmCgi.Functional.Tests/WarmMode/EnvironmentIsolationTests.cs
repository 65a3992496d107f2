using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// os.environ (and the environment children inherit) holds exactly the request's variables.
/// <paramref name="mode"/> is "warm" or "fork": the same scripts under that mapping's prefix.
/// </summary>
public abstract class EnvironmentIsolationTests(WarmFixture fixture, string mode)
{
    private readonly HttpClient _client = fixture.Client;
    private readonly TestServer _server = fixture.Server;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_cookie_or_variable_of_one_request_is_never_in_the_next_one_s_environment(string python)
    {
        var first = await _client.RunAsync($"/{mode}/{python}/environ.py?first", cookie: "session=one");
        var second = await _client.RunAsync($"/{mode}/{python}/environ.py?second");
        var third = await _client.RunAsync($"/{mode}/{python}/environ.py?third", cookie: "session=three");

        ScriptRuns.AssertWorkers(mode, [first, second, third]);
        Assert.Equal("session=one", first["cookie"]);
        Assert.Equal("no cookie", second["cookie"]);
        Assert.Equal("session=three", third["cookie"]);
        Assert.Equal("second", second["query"]);
        Assert.All(new[] { first, second, third }, run => Assert.Equal("unset", run["leftover"]));
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_WSGI_app_run_by_wsgiref_s_BaseCGIHandler_never_sees_an_earlier_request_s_cookie(string python)
    {
        // wsgiref copies os.environ once, at import: under CGI that is each request's own.
        var first = await _client.RunAsync($"/{mode}/{python}/wsgi_base_handler.py", cookie: "session=alice");
        var second = await _client.RunAsync($"/{mode}/{python}/wsgi_base_handler.py");
        var third = await _client.RunAsync($"/{mode}/{python}/wsgi_base_handler.py", cookie: "session=bob");

        ScriptRuns.AssertWorkers(mode, [first, second, third]);
        Assert.Equal("cookie=session=alice\n", first.Text);
        Assert.Equal("cookie=none\n", second.Text);
        Assert.Equal("cookie=session=bob\n", third.Text);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_child_process_inherits_exactly_the_request_s_variables(string python)
    {
        await _client.RunAsync($"/{mode}/{python}/environ.py?earlier", cookie: "session=earlier");

        var run = await _client.RunAsync($"/{mode}/{python}/environ.py?later");

        Assert.Equal("later|no cookie|unset", run["child"]);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task What_a_script_set_or_unset_with_os_putenv_or_os_unsetenv_is_gone_for_the_next_request_s_children(string python)
    {
        // Each run's "before" is what a fresh CGI process's children see, although the run
        // before it set WARMCGI_PUTENV and unset SERVER_NAME behind os.environ's back.
        var runs = await _client.AssertMatchesColdAsync($"{python}/putenv.py?x", mode);

        Assert.Equal("unset|127.0.0.1", runs[^1]["before"]);
        Assert.Equal("left by x|unset", runs[^1]["after"]);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Os_environ_has_the_same_variable_names_as_in_a_CGI_process(string python)
    {
        var cold = await _client.RunAsync($"/cold/{python}/environ.py?names", cookie: "session=1");
        var run = await _client.RunAsync($"/{mode}/{python}/environ.py?names", cookie: "session=1");

        Assert.Equal(cold["names"], run["names"]);
    }

    [Theory]
    [InlineData("py3", "path_info=b'/caf\\xe9/%E9'\nas_str='/caf\\udce9/%E9'")]
    [InlineData("py2", "path_info='/caf\\xe9/%E9'")]
    public async Task A_Latin_1_escape_in_PATH_INFO_reaches_the_script_as_its_byte_as_under_CGI(string python, string expected)
    {
        // An old site's Latin-1 link (%E9 is no UTF-8), beside a %25 that stays a literal "%E9".
        var runs = await _client.AssertMatchesColdAsync($"{python}/raw_path.py/caf%E9/%25E9", mode);

        Assert.Contains(expected, runs[^1].Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("py3", "place=b'caf\\xe9'")]
    [InlineData("py2", "place='caf\\xe9'")]
    public async Task A_header_that_is_not_UTF_8_reaches_the_script_byte_for_byte(string python, string expected)
    {
        // "caf\u00e9": one Latin-1 byte 0xE9 on the wire, as an old client sends it.
        foreach (string prefix in new[] { "cold", mode, mode })
        {
            var response = await _server.SendRawAsync($"GET /{prefix}/{python}/raw_path.py HTTP/1.1\r\nHost: t\r\nX-Place: caf\u00e9\r\nConnection: close\r\n\r\n");

            Assert.Contains(expected, response.BodyText, StringComparison.Ordinal);
        }
    }
}

/// <summary>A resident worker gives each request the environment of its own, none of the last one's.</summary>
public sealed class WarmEnvironmentIsolationTests(WarmFixture fixture) : EnvironmentIsolationTests(fixture, "warm"), IClassFixture<WarmFixture>;

/// <summary>A forked child's environment is its request's, although the interpreter it came from set the last one's.</summary>
public sealed class ForkEnvironmentIsolationTests(ForkFixture fixture) : EnvironmentIsolationTests(fixture, "fork"), IClassFixture<ForkFixture>;
