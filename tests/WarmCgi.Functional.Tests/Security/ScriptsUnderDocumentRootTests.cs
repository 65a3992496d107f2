using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Security;

/// <summary>A legacy layout: cgi-bin inside the document root, served under another prefix.</summary>
public sealed class ScriptsUnderDocumentRootTests : IAsyncLifetime
{
    private readonly ScriptSite _site = ScriptSite.Create();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        var settings = TestServer.DefaultSettings(_site);
        settings["Mappings:1000:Prefix"] = "/run";
        settings["DocumentRoot"] = _site.Root;
        _server = await TestServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _site.Dispose();
    }

    [Fact]
    public async Task The_scripts_run_under_their_prefix()
    {
        using var response = await _server.Client.GetAsync("/run/hello.sh").Within();

        Assert.Equal("hello\n", await response.Content.ReadAsStringAsync().Within());
    }

    [Theory]
    [InlineData("/cgi-bin/env.py", "json.dump")]
    [InlineData("/cgi-bin/hello.sh", "printf")]
    [InlineData("/cgi-bin/config.txt", "CONFIG-SECRET-MARKER")]
    [InlineData("/cgi-bin/noexec.sh", "NOEXEC-SOURCE-MARKER")]
    [InlineData("/apps/hgweb.cgi", "hgweb")]
    [InlineData("/htdocs/leak.py", "PY-SOURCE-MARKER")]
    [InlineData("/outside/secret.sh", "TOP-SECRET")]
    public async Task A_script_or_a_file_of_the_script_folder_is_never_served_as_a_static_file(string path, string marker)
    {
        using var response = await _server.Client.GetAsync(path).Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(marker, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Static_files_beside_the_scripts_are_still_served()
    {
        using var response = await _server.Client.GetAsync("/htdocs/style.css").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
