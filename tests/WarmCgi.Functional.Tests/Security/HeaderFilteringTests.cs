using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Security;

public sealed class HeaderFilteringTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly TestServer _server = fixture.Server;

    private Task<ScriptView> FetchWithAsync(string url, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value), name);
        }
        return ScriptView.FetchAsync(_server.Client, request);
    }

    [Theory]
    [InlineData("GET /cgi-bin/env.py?a\u0001b HTTP/1.1\r\nHost: t")]
    [InlineData("GET /cgi-bin/env.py/a\u007Fb HTTP/1.1\r\nHost: t")]
    [InlineData("GET /cgi-bin/env.py?a#frag HTTP/1.1\r\nHost: t")]
    [InlineData("GET /cgi-bin/env.py HTTP/1.1\r\nHost: t\r\nX-Log: a\u001B[31mred")]
    public async Task A_control_character_in_the_target_or_a_header_value_is_a_400_as_from_Apache(string head)
    {
        // Raw, it would reach the script in QUERY_STRING, PATH_INFO or HTTP_X_LOG: a terminal escape in a log a script writes.
        var response = await _server.SendRawAsync(head);

        Assert.Equal(400, response.StatusCode);
    }

    [Fact]
    public async Task TRACE_is_a_405_and_runs_no_script_as_under_Debian_s_Apache()
    {
        // TraceEnable Off: a script reflecting its request would echo the client's cookies (cross-site tracing).
        var response = await _server.SendRawAsync("TRACE /cgi-bin/env.py HTTP/1.1\r\nHost: t\r\nCookie: secret=1");

        Assert.Equal(405, response.StatusCode);
        Assert.DoesNotContain("secret", response.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("TRACE", ValuesOf(response, "Allow").Single(), StringComparison.Ordinal);
    }

    private static IEnumerable<string> ValuesOf(RawResponse response, string name) =>
        response.Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    [Fact]
    public async Task A_tab_in_a_header_value_reaches_the_script()
    {
        var view = await FetchWithAsync("/cgi-bin/env.py", ("X-Tabbed", "a\tb"));

        Assert.Equal("a\tb", view["HTTP_X_TABBED"]);
    }

    [Fact]
    public async Task The_Proxy_header_never_becomes_HTTP_PROXY()
    {
        var view = await FetchWithAsync("/cgi-bin/env.py", ("Proxy", "http://evil.example:3128"));

        Assert.False(view.Env.ContainsKey("HTTP_PROXY"));
        Assert.DoesNotContain(view.Env.Values, value => value.Contains("evil.example", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_header_name_with_an_underscore_is_dropped()
    {
        var view = await FetchWithAsync("/cgi-bin/env.py", ("X_Injected", "underscore-value"), ("X-Real-IP", "192.0.2.1"), ("X_Real_IP", "10.6.6.6"));

        Assert.False(view.Env.ContainsKey("HTTP_X_INJECTED"));
        Assert.Equal("192.0.2.1", view["HTTP_X_REAL_IP"]);
        Assert.DoesNotContain(view.Env.Values, value => value.Contains("underscore-value", StringComparison.Ordinal) || value.Contains("10.6.6.6", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_header_name_with_other_odd_characters_is_dropped()
    {
        var response = await _server.SendRawAsync("GET /cgi-bin/env.py HTTP/1.1\r\nHost: localhost\r\nX.Dotted: dotted-value\r\nX~Tilde: tilde-value\r\n\r\n");

        if (response.StatusCode == 200)
        {
            var view = ScriptView.Parse(response.BodyText);
            Assert.DoesNotContain(view.Env.Values, value => value is "dotted-value" or "tilde-value");
        }
        else
        {
            Assert.Equal(400, response.StatusCode);
        }
    }

    [Fact]
    public async Task Authorization_does_not_reach_scripts_by_default()
    {
        var view = await FetchWithAsync("/cgi-bin/env.py", ("Authorization", "Basic YWxpY2U6c2VjcmV0"), ("Proxy-Authorization", "Basic eDp5"));

        Assert.False(view.Env.ContainsKey("HTTP_AUTHORIZATION"));
        Assert.False(view.Env.ContainsKey("HTTP_PROXY_AUTHORIZATION"));
        Assert.DoesNotContain(view.Env.Values, value => value.Contains("YWxpY2U6c2VjcmV0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Authorization_reaches_the_scripts_of_a_mapping_that_opts_in()
    {
        var view = await FetchWithAsync("/auth-cgi/env.py", ("Authorization", "Basic YWxpY2U6c2VjcmV0"));

        Assert.Equal("Basic YWxpY2U6c2VjcmV0", view["HTTP_AUTHORIZATION"]);
    }
}
