using System.Net;
using WarmCgi.Cgi;
using WarmCgi.Routing;

namespace WarmCgi.Tests.Cgi;

public sealed class CgiEnvironmentTests
{
    private static readonly ScriptMapping CgiBin = new() { Prefix = "/cgi-bin", Path = "/srv/cgi-bin", IsDirectory = true };

    private static readonly ScriptTarget Target = new(CgiBin, "/srv/cgi-bin/app.py", "/cgi-bin/app.py", "/extra/path");

    private static readonly CgiEnvironmentSettings Settings = new()
    {
        ServerSoftware = "WarmCgi/0.1.0",
        DocumentRoot = "/srv/htdocs",
        Path = "/usr/bin:/bin",
    };

    private static CgiRequest Request(params (string Name, string Value)[] headers) => new()
    {
        Method = "POST",
        Scheme = "http",
        Protocol = "HTTP/1.1",
        Path = "/cgi-bin/app.py/extra/path",
        QueryString = "a=1&b=%20",
        RawTarget = "/cgi-bin/app.py/extra/path?a=1&b=%20",
        Headers = [new("Host", "www.example.com:8080"), .. headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value))],
        RemoteAddress = IPAddress.Parse("192.0.2.7"),
        RemotePort = 50123,
        LocalAddress = IPAddress.Parse("192.0.2.1"),
        LocalPort = 8080,
        ContentLength = 11,
        HasBody = true,
    };

    private static Dictionary<string, string> Build(CgiRequest request, ScriptTarget? target = null, CgiEnvironmentSettings? settings = null, long? contentLength = 11)
    {
        var env = CgiEnvironment.Build(request, target ?? Target, settings ?? Settings, contentLength);
        var names = env.Select(kv => kv.Key).ToList();
        Assert.Equal(names.Distinct().Count(), names.Count); // one value per name: execve keeps the first, getenv may see either
        return env.ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    [Fact]
    public void Every_meta_variable_of_RFC_3875_section_4_1_is_set()
    {
        var request = Request(("Content-Type", "application/x-www-form-urlencoded")) with { RemoteUser = "alice", AuthType = "Digest" };

        var env = Build(request);

        Assert.Equal("Digest", env["AUTH_TYPE"]);
        Assert.Equal("11", env["CONTENT_LENGTH"]);
        Assert.Equal("application/x-www-form-urlencoded", env["CONTENT_TYPE"]);
        Assert.Equal("CGI/1.1", env["GATEWAY_INTERFACE"]);
        Assert.Equal("/extra/path", env["PATH_INFO"]);
        Assert.Equal("/srv/htdocs/extra/path", env["PATH_TRANSLATED"]);
        Assert.Equal("a=1&b=%20", env["QUERY_STRING"]);
        Assert.Equal("192.0.2.7", env["REMOTE_ADDR"]);
        // 4.1.9: SHOULD be set; with no name lookup the server MAY substitute REMOTE_ADDR.
        Assert.Equal("192.0.2.7", env["REMOTE_HOST"]);
        Assert.Equal("alice", env["REMOTE_USER"]);
        Assert.Equal("POST", env["REQUEST_METHOD"]);
        Assert.Equal("/cgi-bin/app.py", env["SCRIPT_NAME"]);
        Assert.Equal("www.example.com", env["SERVER_NAME"]);
        Assert.Equal("8080", env["SERVER_PORT"]);
        Assert.Equal("HTTP/1.1", env["SERVER_PROTOCOL"]);
        Assert.Equal("WarmCgi/0.1.0", env["SERVER_SOFTWARE"]);
    }

    [Fact]
    public void The_variables_real_applications_read_are_set_like_Apache_sets_them()
    {
        var env = Build(Request());

        Assert.Equal("/cgi-bin/app.py/extra/path?a=1&b=%20", env["REQUEST_URI"]);
        Assert.Equal("/srv/cgi-bin/app.py", env["SCRIPT_FILENAME"]);
        Assert.Equal("/srv/htdocs", env["DOCUMENT_ROOT"]);
        Assert.Equal("http", env["REQUEST_SCHEME"]);
        Assert.Equal("192.0.2.1", env["SERVER_ADDR"]);
        Assert.Equal("50123", env["REMOTE_PORT"]);
        Assert.Equal("/cgi-bin/", env["CONTEXT_PREFIX"]);
        Assert.Equal("/srv/cgi-bin/", env["CONTEXT_DOCUMENT_ROOT"]);
        Assert.Equal("[no address given]", env["SERVER_ADMIN"]);
        Assert.Equal("", env["SERVER_SIGNATURE"]);
        Assert.Equal("/usr/bin:/bin", env["PATH"]);
        Assert.False(env.ContainsKey("HTTPS"));
    }

    [Fact]
    public void An_https_request_sets_HTTPS_on()
    {
        var env = Build(Request() with { Scheme = "https" });

        Assert.Equal("https", env["REQUEST_SCHEME"]);
        Assert.Equal("on", env["HTTPS"]);
    }

    [Fact]
    public void A_single_script_mapping_has_its_file_as_context_document_root()
    {
        var mapping = new ScriptMapping { Prefix = "/git", Path = "/usr/lib/git-core/git-http-backend", IsDirectory = false };
        var target = new ScriptTarget(mapping, mapping.Path, "/git", "/repo.git/info/refs");

        var env = Build(Request(), target);

        Assert.Equal("/git", env["SCRIPT_NAME"]);
        Assert.Equal("/repo.git/info/refs", env["PATH_INFO"]);
        Assert.Equal("/usr/lib/git-core/git-http-backend", env["CONTEXT_DOCUMENT_ROOT"]);
        Assert.StartsWith("/git", env["CONTEXT_PREFIX"], StringComparison.Ordinal);
    }

    [Fact]
    public void Without_path_info_neither_PATH_INFO_nor_PATH_TRANSLATED_is_set()
    {
        var env = Build(Request(), Target with { PathInfo = "" });

        Assert.False(env.ContainsKey("PATH_INFO"));
        Assert.False(env.ContainsKey("PATH_TRANSLATED"));
    }

    [Fact]
    public void Without_a_document_root_DOCUMENT_ROOT_is_empty_and_PATH_TRANSLATED_unset()
    {
        var env = Build(Request(), settings: Settings with { DocumentRoot = null });

        Assert.Equal("", env["DOCUMENT_ROOT"]);
        Assert.False(env.ContainsKey("PATH_TRANSLATED"));
    }

    [Fact]
    public void Without_a_body_there_is_no_CONTENT_LENGTH()
    {
        var env = Build(Request() with { Method = "GET", HasBody = false, ContentLength = null }, contentLength: null);

        Assert.False(env.ContainsKey("CONTENT_LENGTH"));
        Assert.False(env.ContainsKey("CONTENT_TYPE"));
    }

    [Fact]
    public void Without_an_authenticated_user_there_is_no_REMOTE_USER_or_AUTH_TYPE()
    {
        var env = Build(Request());

        Assert.False(env.ContainsKey("REMOTE_USER"));
        Assert.False(env.ContainsKey("AUTH_TYPE"));
    }

    [Fact]
    public void IPv4_mapped_addresses_are_printed_in_plain_IPv4_form()
    {
        var request = Request() with
        {
            RemoteAddress = IPAddress.Parse("::ffff:127.0.0.1"),
            LocalAddress = IPAddress.Parse("::ffff:10.0.0.2"),
            Headers = [],
        };

        var env = Build(request);

        Assert.Equal("127.0.0.1", env["REMOTE_ADDR"]);
        Assert.Equal("10.0.0.2", env["SERVER_ADDR"]);
        Assert.Equal("10.0.0.2", env["SERVER_NAME"]);
    }

    [Fact]
    public void IPv6_addresses_stay_IPv6()
    {
        var env = Build(Request() with { RemoteAddress = IPAddress.IPv6Loopback });

        Assert.Equal("::1", env["REMOTE_ADDR"]);
    }

    [Theory]
    [InlineData("www.example.com", "www.example.com")]
    [InlineData("www.example.com:8080", "www.example.com")]
    [InlineData("[::1]:8080", "[::1]")]
    [InlineData("[::1]", "[::1]")]
    [InlineData("127.0.0.1:80", "127.0.0.1")]
    [InlineData("Example.COM:8080", "example.com")]
    [InlineData("example.com.", "example.com")]
    public void SERVER_NAME_comes_from_the_Host_header_without_its_port_as_Apache_normalises_it(string host, string expected)
    {
        var env = Build(Request() with { Headers = [new("Host", host)] });

        Assert.Equal(expected, env["SERVER_NAME"]);
    }

    [Theory]
    [InlineData("www.example.com:8080", "http", "8080")]
    [InlineData("www.example.com", "http", "80")]          // behind a proxy: the port the client used
    [InlineData("www.example.com", "https", "443")]
    [InlineData("[::1]:8443", "https", "8443")]
    [InlineData("[::1]", "http", "80")]
    [InlineData("", "http", "8080")]                       // no Host (HTTP/1.0): the socket's port
    public void SERVER_PORT_is_the_port_the_Host_header_names_as_Apache_has_it(string host, string scheme, string expected)
    {
        var request = Request() with { Scheme = scheme, Headers = host.Length > 0 ? [new("Host", host)] : [] };

        Assert.Equal(expected, Build(request)["SERVER_PORT"]);
    }

    [Fact]
    public void Every_request_header_becomes_an_HTTP_variable()
    {
        var env = Build(Request(("User-Agent", "curl/8.0"), ("X-Forwarded-For", "198.51.100.1"), ("accept-language", "fr")));

        Assert.Equal("www.example.com:8080", env["HTTP_HOST"]);
        Assert.Equal("curl/8.0", env["HTTP_USER_AGENT"]);
        Assert.Equal("198.51.100.1", env["HTTP_X_FORWARDED_FOR"]);
        Assert.Equal("fr", env["HTTP_ACCEPT_LANGUAGE"]);
    }

    [Fact]
    public void Content_type_and_length_headers_are_not_duplicated_as_HTTP_variables()
    {
        var env = Build(Request(("Content-Type", "text/plain"), ("Content-Length", "11")));

        Assert.False(env.ContainsKey("HTTP_CONTENT_TYPE"));
        Assert.False(env.ContainsKey("HTTP_CONTENT_LENGTH"));
    }

    [Fact]
    public void Repeated_headers_are_joined_with_a_comma_as_RFC_9110_says()
    {
        var env = Build(Request(("Accept", "text/html"), ("X-Trace", "a"), ("Accept", "application/json"), ("x-trace", "b")));

        Assert.Equal("text/html, application/json", env["HTTP_ACCEPT"]);
        Assert.Equal("a, b", env["HTTP_X_TRACE"]);
    }

    [Fact]
    public void Repeated_Cookie_headers_are_joined_with_a_semicolon()
    {
        var env = Build(Request(("Cookie", "a=1"), ("Cookie", "b=2; c=3")));

        Assert.Equal("a=1; b=2; c=3", env["HTTP_COOKIE"]);
    }

    [Fact]
    public void The_Proxy_header_never_becomes_HTTP_PROXY()
    {
        var env = Build(Request(("Proxy", "http://evil.example:3128"), ("proxy", "http://evil2.example")));

        Assert.False(env.ContainsKey("HTTP_PROXY"));
        Assert.DoesNotContain(env.Values, v => v.Contains("evil", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("X_Forwarded_For")]
    [InlineData("X.Dotted")]
    [InlineData("X Space")]
    [InlineData("X:Colon")]
    [InlineData("X=Equals")]
    [InlineData("Caf\u00e9")]
    [InlineData("")]
    public void A_header_name_with_characters_outside_letters_digits_and_dash_is_dropped(string name)
    {
        var env = Build(Request((name, "injected-value")));

        Assert.DoesNotContain(env.Values, v => v == "injected-value");
    }

    [Fact]
    public void An_underscore_header_cannot_override_its_dashed_twin()
    {
        var env = Build(Request(("X-Real-IP", "192.0.2.7"), ("X_Real_IP", "10.6.6.6")));

        Assert.Equal("192.0.2.7", env["HTTP_X_REAL_IP"]);
    }

    [Fact]
    public void Authorization_does_not_reach_scripts_by_default()
    {
        var env = Build(Request(("Authorization", "Basic YWxpY2U6c2VjcmV0"), ("Proxy-Authorization", "Basic eA==")));

        Assert.False(env.ContainsKey("HTTP_AUTHORIZATION"));
        Assert.False(env.ContainsKey("HTTP_PROXY_AUTHORIZATION"));
    }

    [Fact]
    public void Authorization_reaches_scripts_of_a_mapping_that_opts_in()
    {
        var target = Target with { Mapping = CgiBin with { PassAuthorization = true } };

        var env = Build(Request(("Authorization", "Basic YWxpY2U6c2VjcmV0")), target);

        Assert.Equal("Basic YWxpY2U6c2VjcmV0", env["HTTP_AUTHORIZATION"]);
    }

    [Fact]
    public void Operator_variables_are_added_and_override_the_server_s_own()
    {
        var settings = Settings with
        {
            Extra = new Dictionary<string, string> { ["GIT_PROJECT_ROOT"] = "/srv/git", ["SERVER_SOFTWARE"] = "Apache", ["PATH"] = "/opt/bin" },
        };

        var env = Build(Request(), settings: settings);

        Assert.Equal("/srv/git", env["GIT_PROJECT_ROOT"]);
        Assert.Equal("Apache", env["SERVER_SOFTWARE"]);
        Assert.Equal("/opt/bin", env["PATH"]);
    }

    [Fact]
    public void A_mapping_s_variables_override_the_server_wide_ones()
    {
        var settings = Settings with { Extra = new Dictionary<string, string> { ["APP_ENV"] = "server" } };
        var target = Target with { Mapping = CgiBin with { Environment = new Dictionary<string, string> { ["APP_ENV"] = "mapping" } } };

        var env = Build(Request(), target, settings);

        Assert.Equal("mapping", env["APP_ENV"]);
    }

    [Fact]
    public void Nothing_of_the_server_s_own_environment_leaks_in()
    {
        string name = "WARMCGI_UNIT_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "hunter2");
        try
        {
            var env = Build(Request());

            Assert.False(env.ContainsKey(name));
            Assert.DoesNotContain(env.Values, v => v == "hunter2");
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Theory]
    [InlineData("word", new[] { "word" })]
    [InlineData("two+words", new[] { "two", "words" })]
    [InlineData("caf%C3%A9+a%20b", new[] { "caf\u00e9", "a b" })]
    [InlineData("a=b", new string[0])]
    [InlineData("word+x%3Dy", new[] { "word", "x=y" })]
    [InlineData("", new string[0])]
    [InlineData("a;b+%60id%60+%24HOME+%26+%5C", new[] { "a\\;b", "\\`id\\`", "\\$HOME", "\\&", "\\\\" })]   // ap_escape_shell_cmd, as Apache
    public void An_ISINDEX_query_becomes_argv_words(string query, string[] expected)
    {
        Assert.Equal(expected, CgiEnvironment.IsIndexWords(query));
    }

    [Fact]
    public void An_ISINDEX_word_s_escapes_become_its_bytes_and_a_NUL_ends_it_as_it_ends_a_C_string()
    {
        var words = CgiEnvironment.IsIndexWords("caf%E9+%25E9+ab%00cd");

        Assert.Equal(["caf\uDCE9", "%E9", "ab"], words);   // 0xE9 as CgiText carries a byte
    }
}
