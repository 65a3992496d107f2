using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Security;

/// <summary>
/// Every way out of the script root, sent byte for byte (HttpClient would normalise them). The
/// site's outside/ folder holds secret.sh, which leaves a marker file if it ever runs, and
/// secret.txt; neither may run nor leak, whatever the status.
/// </summary>
public sealed class TraversalTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private static readonly string[] Secrets = ["TOP-SECRET", "NOEXEC-SOURCE-MARKER", "touch \"$WORK_DIR", "#!/bin/sh"];

    private readonly TestServer _server = fixture.Server;
    private readonly ScriptSite _site = fixture.Site;

    private async Task<RawResponse> RefusedAsync(string target)
    {
        var response = await _server.SendRawAsync($"GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.True(response.StatusCode is 400 or 403 or 404 or 500, $"{target}: {response.StatusLine}\n{response.BodyText}");
        foreach (string secret in Secrets)
        {
            Assert.DoesNotContain(secret, response.RawText, StringComparison.Ordinal);
        }
        Assert.False(File.Exists(_site.WorkFile("secret-ran")), $"{target} ran outside/secret.sh");
        Assert.False(File.Exists(_site.WorkFile("noexec-ran")), $"{target} ran cgi-bin/noexec.sh");
        return response;
    }

    [Theory]
    [InlineData("/cgi-bin/../outside/secret.sh")]
    [InlineData("/cgi-bin/../outside/secret.txt")]
    [InlineData("/cgi-bin/sub/../../outside/secret.sh")]
    [InlineData("/../outside/secret.sh")]
    [InlineData("/cgi-bin/%2e%2e/outside/secret.sh")]
    [InlineData("/cgi-bin/%2E%2E/outside/secret.sh")]
    [InlineData("/cgi-bin/.%2e/outside/secret.sh")]
    [InlineData("/cgi-bin/%2e%2e%2foutside%2fsecret.sh")]
    [InlineData("/cgi-bin/..%2foutside%2fsecret.sh")]
    [InlineData("/cgi-bin/..%2Foutside/secret.sh")]
    [InlineData("/cgi-bin/..%5coutside%5csecret.sh")]
    [InlineData("/cgi-bin/..\\outside\\secret.sh")]
    [InlineData("/cgi-bin/%252e%252e/outside/secret.sh")]
    [InlineData("/cgi-bin/hello.sh%00")]
    [InlineData("/cgi-bin/hello.sh%00.txt")]
    [InlineData("/cgi-bin/env.py/../../outside/secret.sh")]
    [InlineData("/htdocs/../outside/secret.txt")]
    [InlineData("/cgi-bin/link-out-dir/secret.sh")]
    [InlineData("/cgi-bin/link-out-dir/secret.txt")]
    public async Task A_path_out_of_the_script_root_never_runs_or_leaks(string target)
    {
        await RefusedAsync(target);
    }

    [Fact]
    public async Task A_symlink_to_someone_elses_script_outside_the_root_is_refused()
    {
        var response = await RefusedAsync("/cgi-bin/link-out.sh");

        Assert.Equal(403, response.StatusCode);
    }

    [Fact]
    public async Task A_symlink_to_a_script_inside_the_root_runs()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/link-in.sh").Within();

        Assert.Equal("hello\n", await response.Content.ReadAsStringAsync().Within());
    }

    [Fact]
    public async Task A_non_executable_file_never_runs_and_its_source_is_not_served()
    {
        var response = await RefusedAsync("/cgi-bin/noexec.sh");

        Assert.Equal(500, response.StatusCode);   // Apache 2.4's answer: its exec fails
    }

    [Fact]
    public async Task A_data_file_in_the_script_folder_is_not_served()
    {
        var response = await RefusedAsync("/cgi-bin/config.txt");

        Assert.DoesNotContain("CONFIG-SECRET-MARKER", response.RawText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/cgi-bin")]
    [InlineData("/cgi-bin/")]
    [InlineData("/cgi-bin/subdir/")]
    public async Task A_script_directory_is_never_listed(string target)
    {
        var response = await RefusedAsync(target);

        Assert.Equal(403, response.StatusCode);
        Assert.DoesNotContain("inner.sh", response.RawText, StringComparison.Ordinal);
        Assert.DoesNotContain("hello.sh", response.RawText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/cgi-bin/subdir", "http://example.test:8080/cgi-bin/subdir/")]
    [InlineData("/cgi-bin/subdir?a=1&b", "http://example.test:8080/cgi-bin/subdir/?a=1&b")]
    public async Task A_script_directory_named_without_its_slash_is_sent_to_it_as_Apache_s_mod_dir_does(string target, string location)
    {
        var response = await _server.SendRawAsync($"GET {target} HTTP/1.1\r\nHost: example.test:8080\r\n\r\n");

        Assert.Equal(301, response.StatusCode);
        Assert.Equal(location, response.Header("Location"));
        Assert.Equal("text/html; charset=iso-8859-1", response.Header("Content-Type"));
        Assert.Contains("<title>301 Moved Permanently</title>", response.BodyText, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{location.Replace("&", "&amp;", StringComparison.Ordinal)}\">here</a>", response.BodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("inner.sh", response.RawText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_slash_redirect_of_a_client_that_sent_no_Host_names_the_address_it_reached()
    {
        var response = await _server.SendRawAsync("GET /cgi-bin/subdir HTTP/1.0\r\n\r\n");

        Assert.Equal(301, response.StatusCode);
        Assert.Equal($"http://127.0.0.1:{_server.Port}/cgi-bin/subdir/", response.Header("Location"));
    }
}
