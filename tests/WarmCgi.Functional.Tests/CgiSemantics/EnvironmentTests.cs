using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.CgiSemantics;

public sealed class EnvironmentTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly TestServer _server = fixture.Server;
    private readonly ScriptSite _site = fixture.Site;

    [Fact]
    public async Task A_script_gets_every_RFC_3875_meta_variable_and_the_ones_apps_read()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/cgi-bin/env.py/extra/info?a=1&b=two%20words");
        request.Headers.UserAgent.ParseAdd("functional-test/1.0");

        var view = await ScriptView.FetchAsync(_server.Client, request);

        Assert.Equal("CGI/1.1", view["GATEWAY_INTERFACE"]);
        Assert.Equal("HTTP/1.1", view["SERVER_PROTOCOL"]);
        Assert.StartsWith("WarmCgi", view["SERVER_SOFTWARE"], StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", view["SERVER_NAME"]);
        Assert.Equal(_server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), view["SERVER_PORT"]);
        Assert.Equal("127.0.0.1", view["SERVER_ADDR"]);
        Assert.Equal("127.0.0.1", view["REMOTE_ADDR"]);
        Assert.Equal("127.0.0.1", view["REMOTE_HOST"]);
        Assert.True(int.Parse(view["REMOTE_PORT"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("GET", view["REQUEST_METHOD"]);
        Assert.Equal("http", view["REQUEST_SCHEME"]);
        Assert.False(view.Env.ContainsKey("HTTPS"));
        Assert.Equal("/cgi-bin/env.py/extra/info?a=1&b=two%20words", view["REQUEST_URI"]);
        Assert.Equal("a=1&b=two%20words", view["QUERY_STRING"]);
        Assert.Equal("/cgi-bin/env.py", view["SCRIPT_NAME"]);
        Assert.Equal(Path.Combine(_site.CgiBin, "env.py"), view["SCRIPT_FILENAME"]);
        Assert.Equal("/extra/info", view["PATH_INFO"]);
        Assert.Equal(_site.Htdocs + "/extra/info", view["PATH_TRANSLATED"]);
        Assert.Equal(_site.Htdocs, view["DOCUMENT_ROOT"]);
        Assert.Equal("/cgi-bin/", view["CONTEXT_PREFIX"]);
        Assert.Equal(_site.CgiBin + "/", view["CONTEXT_DOCUMENT_ROOT"]);
        Assert.Equal($"127.0.0.1:{_server.Port}", view["HTTP_HOST"]);
        Assert.Equal("functional-test/1.0", view["HTTP_USER_AGENT"]);
        Assert.False(string.IsNullOrEmpty(view["PATH"]));
        Assert.False(view.Env.ContainsKey("CONTENT_LENGTH"));
    }

    [Fact]
    public async Task A_POST_gets_CONTENT_LENGTH_and_CONTENT_TYPE()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/env.py")
        {
            Content = new FormUrlEncodedContent([new("name", "value")]),
        };

        var view = await ScriptView.FetchAsync(_server.Client, request);

        Assert.Equal("POST", view["REQUEST_METHOD"]);
        Assert.Equal("10", view["CONTENT_LENGTH"]);
        Assert.Equal("application/x-www-form-urlencoded", view["CONTENT_TYPE"]);
        Assert.False(view.Env.ContainsKey("HTTP_CONTENT_LENGTH"));
        Assert.False(view.Env.ContainsKey("HTTP_CONTENT_TYPE"));
    }

    [Fact]
    public async Task The_environment_holds_only_CGI_variables_PATH_and_what_the_operator_named()
    {
        var allowed = new HashSet<string>
        {
            "GATEWAY_INTERFACE", "SERVER_SOFTWARE", "SERVER_PROTOCOL", "SERVER_NAME", "SERVER_PORT", "SERVER_ADDR",
            "SERVER_ADMIN", "SERVER_SIGNATURE",
            "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_PORT", "REQUEST_METHOD", "REQUEST_SCHEME", "REQUEST_URI",
            "QUERY_STRING", "SCRIPT_NAME", "SCRIPT_FILENAME", "DOCUMENT_ROOT", "CONTEXT_PREFIX", "CONTEXT_DOCUMENT_ROOT",
            "PATH", "WORK_DIR", "APP_GREETING", SiteFixture.PassedVariable,
        };

        using var response = await _server.Client.GetAsync("/cgi-bin/env.pl").Within();
        string text = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var names = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line[..line.IndexOf('=', StringComparison.Ordinal)]).ToList();
        Assert.Contains("GATEWAY_INTERFACE", names);
        Assert.All(names, name => Assert.True(allowed.Contains(name) || name.StartsWith("HTTP_", StringComparison.Ordinal), $"{name} reached the script"));
    }

    [Fact]
    public async Task The_server_s_own_secrets_never_reach_a_script()
    {
        Assert.Equal(SiteFixture.SecretValue, Environment.GetEnvironmentVariable(SiteFixture.SecretVariable));

        var view = await ScriptView.FetchAsync(_server.Client, "/cgi-bin/env.py");

        Assert.False(view.Env.ContainsKey(SiteFixture.SecretVariable));
        Assert.DoesNotContain(view.Env.Values, value => value.Contains(SiteFixture.SecretValue, StringComparison.Ordinal));
        Assert.False(view.Env.ContainsKey("HOME"));
        Assert.False(view.Env.ContainsKey("DOTNET_NOLOGO"));
    }

    [Fact]
    public async Task Set_env_and_pass_env_variables_reach_every_script()
    {
        var view = await ScriptView.FetchAsync(_server.Client, "/cgi-bin/env.py");

        Assert.Equal("hello from set-env", view["APP_GREETING"]);
        Assert.Equal(SiteFixture.PassedValue, view[SiteFixture.PassedVariable]);
        Assert.Equal(_site.Work, view["WORK_DIR"]);
    }

    [Fact]
    public async Task The_working_directory_is_the_script_s_own_folder()
    {
        var view = await ScriptView.FetchAsync(_server.Client, "/cgi-bin/env.py");
        using var response = await _server.Client.GetAsync("/cgi-bin/sub/cwd.sh").Within();
        string nested = (await response.Content.ReadAsStringAsync().Within()).Trim();

        Assert.Equal(_site.CgiBin, view.Cwd);
        Assert.Equal(Path.Combine(_site.CgiBin, "sub"), nested);
    }

    [Fact]
    public async Task An_ISINDEX_query_becomes_argv_words()
    {
        var view = await ScriptView.FetchAsync(_server.Client, "/cgi-bin/env.py?hello+big%20world+caf%C3%A9");

        Assert.Equal(["hello", "big world", "caf\u00e9"], view.Argv);
        Assert.Equal("hello+big%20world+caf%C3%A9", view["QUERY_STRING"]);
    }

    [Fact]
    public async Task ISINDEX_words_get_a_backslash_before_shell_metacharacters_as_from_Apache()
    {
        var view = await ScriptView.FetchAsync(_server.Client, "/cgi-bin/env.py?a;b+%60id%60+%24HOME");

        Assert.Equal(["a\\;b", "\\`id\\`", "\\$HOME"], view.Argv);
    }

    [Fact]
    public async Task A_query_with_an_equals_sign_gives_no_argv()
    {
        var view = await ScriptView.FetchAsync(_server.Client, "/cgi-bin/env.py?a=b+c");

        Assert.Empty(view.Argv);
    }

    [Fact]
    public async Task Repeated_headers_are_joined_with_a_comma_and_cookies_with_a_semicolon()
    {
        var response = await _server.SendRawAsync(
            "GET /cgi-bin/env.py HTTP/1.1\r\nHost: localhost\r\nX-Dup: one\r\nX-Dup: two\r\nCookie: a=1\r\nCookie: b=2\r\n\r\n");

        Assert.Equal(200, response.StatusCode);
        var view = ScriptView.Parse(response.BodyText);
        Assert.Equal("one, two", view["HTTP_X_DUP"]);
        Assert.Equal("a=1; b=2", view["HTTP_COOKIE"]);
        Assert.Equal("localhost", view["SERVER_NAME"]);
    }

    [Fact]
    public async Task An_absolute_form_target_names_the_host_as_RFC_9112_and_Apache_have_it()
    {
        var response = await _server.SendRawAsync(
            $"GET http://www.example.test:{_server.Port}/cgi-bin/env.py?q=1 HTTP/1.1\r\nHost: elsewhere.test\r\n\r\n");

        Assert.Equal(200, response.StatusCode);
        var view = ScriptView.Parse(response.BodyText);
        Assert.Equal("www.example.test", view["SERVER_NAME"]);
        Assert.Equal($"www.example.test:{_server.Port}", view["HTTP_HOST"]);
        Assert.Equal("/cgi-bin/env.py", view["SCRIPT_NAME"]);
        Assert.Equal("q=1", view["QUERY_STRING"]);
    }

    [Fact]
    public async Task A_mapping_whose_scripts_see_Authorization_still_gets_the_same_variables()
    {
        var view = await ScriptView.FetchAsync(_server.Client, "/auth-cgi/env.py");

        Assert.Equal("/auth-cgi/env.py", view["SCRIPT_NAME"]);
        Assert.Equal("/auth-cgi/", view["CONTEXT_PREFIX"]);
    }

    [Fact]
    public async Task A_request_with_Content_Length_0_gets_CONTENT_LENGTH_0_as_in_Apache()
    {
        // Scripts do int(os.environ["CONTENT_LENGTH"]) for any POST, an empty form's too.
        var view = await ScriptView.FetchAsync(_server.Client, new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/env.py")
        {
            Content = new ByteArrayContent([]),
        });

        Assert.Equal("0", view["CONTENT_LENGTH"]);
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    public async Task An_HTTP_1_0_request_without_Content_Length_runs_its_script_with_no_body_as_in_Apache(string method)
    {
        // HTTP/1.0 knows a body only by its length (curl -0 -X POST sends none): Kestrel alone answers 400.
        var response = await _server.SendRawAsync($"{method} /cgi-bin/env.py?q=1 HTTP/1.0\r\nHost: localhost\r\nX-Probe: yes\r\n\r\n");

        Assert.Equal(200, response.StatusCode);
        var view = ScriptView.Parse(response.BodyText);
        Assert.Equal(method, view["REQUEST_METHOD"]);
        Assert.Equal("HTTP/1.0", view["SERVER_PROTOCOL"]);
        Assert.Equal("yes", view["HTTP_X_PROBE"]);
        Assert.False(view.Env.ContainsKey("CONTENT_LENGTH"), "CONTENT_LENGTH=" + view.Env.GetValueOrDefault("CONTENT_LENGTH"));
    }

    [Fact]
    public async Task An_HTTP_1_0_POST_with_its_length_keeps_it()
    {
        var response = await _server.SendRawAsync("POST /cgi-bin/env.py HTTP/1.0\r\nHost: localhost\r\nContent-Length: 3\r\n\r\na=1");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("3", ScriptView.Parse(response.BodyText)["CONTENT_LENGTH"]);
    }

    [Fact]
    public async Task A_target_with_raw_UTF_8_bytes_is_served_with_them_in_REQUEST_URI_and_QUERY_STRING_as_Apache_does()
    {
        // curl 'http://host/cgi-bin/env.py/café?name=café' sends the UTF-8 unencoded (each
        // byte a Latin-1 char of the raw request here).
        var response = await _server.SendRawAsync("GET /cgi-bin/env.py/caf\u00c3\u00a9?name=caf\u00c3\u00a9 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        var view = ScriptView.Parse(System.Text.Encoding.UTF8.GetString(response.Body));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("/caf\u00e9", view["PATH_INFO"]);
        Assert.Equal("name=caf\u00e9", view["QUERY_STRING"]);
        Assert.Equal("/cgi-bin/env.py/caf\u00e9?name=caf\u00e9", view["REQUEST_URI"]);
    }

    [Fact]
    public async Task A_script_whose_file_name_is_Latin_1_runs_at_its_escaped_URL()
    {
        // An old site's file "caf\xE9.sh" (no UTF-8): .NET cannot name it, the shell can.
        using (var make = System.Diagnostics.Process.Start("/bin/sh", ["-c", "printf '#!/bin/sh\\necho Content-Type: text/plain\\necho\\necho latin-1 ran\\n' > \"$1\"$(printf '\\351').sh && chmod +x \"$1\"*.sh", "sh", Path.Combine(_site.CgiBin, "caf")]))
        {
            await make.WaitForExitAsync().Within();
            Assert.Equal(0, make.ExitCode);
        }

        var response = await _server.SendRawAsync("GET /cgi-bin/caf%E9.sh HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("latin-1 ran\n", response.BodyText);
    }

    [Fact]
    public async Task A_UTF_8_header_value_reaches_the_script_as_the_client_sent_its_bytes()
    {
        // "caf\u00e9" as UTF-8 on the wire: each byte a Latin-1 char of the raw request.
        var response = await _server.SendRawAsync("GET /cgi-bin/env.py HTTP/1.1\r\nHost: t\r\nX-Place: caf\u00c3\u00a9");
        var view = ScriptView.Parse(System.Text.Encoding.UTF8.GetString(response.Body));

        Assert.Equal("caf\u00e9", view["HTTP_X_PLACE"]);
    }
}
