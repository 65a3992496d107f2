using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Applications;

/// <summary>Debian's gitweb.cgi (Perl), configured through GITWEB_CONFIG like Apache's SetEnv does.</summary>
public sealed class GitwebTests : IAsyncLifetime
{
    private const string Gitweb = "/usr/lib/cgi-bin/gitweb.cgi";

    private readonly ScriptSite _site = ScriptSite.Create();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        Tool.Require("/usr/bin/git", "git");
        Tool.Require(Gitweb, "gitweb");
        string home = _site.WorkFile("home");
        string repos = _site.WorkFile("repos");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(repos);
        await GitRepository.CreateAsync(Tool.Git(home), Path.Combine(repos, "project.git"), _site.Work);
        string config = _site.WorkFile("gitweb.conf");
        await File.WriteAllTextAsync(config, $"""
            $projectroot = "{repos}";
            $GIT = "/usr/bin/git";
            $site_name = "WarmCgi gitweb";
            1;
            """).Within();
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Mappings:1000:Prefix"] = "/gitweb",
            ["Mappings:1000:Path"] = Gitweb,
            ["Mappings:1001:Prefix"] = "/cgi-bin",
            ["Mappings:1001:Path"] = "/usr/lib/cgi-bin",
            ["SetEnv:GITWEB_CONFIG"] = config,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _site.Dispose();
    }

    [Fact]
    public async Task The_project_list_shows_the_repository()
    {
        using var response = await _server.Client.GetAsync("/gitweb/").Within();
        string page = await response.Content.ReadAsStringAsync().Within();

        Assert.True(response.StatusCode == HttpStatusCode.OK, page);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("project.git", page, StringComparison.Ordinal);
        Assert.Contains("WarmCgi gitweb", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debians_cgi_bin_serves_it_through_its_symlink_into_usr_share()
    {
        // /usr/lib/cgi-bin/gitweb.cgi -> ../../share/gitweb/gitweb.cgi: both root's, so
        // followed as by Apache's SymLinksIfOwnerMatch on Debian's cgi-bin.
        using var response = await _server.Client.GetAsync("/cgi-bin/gitweb.cgi").Within();
        string page = await response.Content.ReadAsStringAsync().Within();

        Assert.True(response.StatusCode == HttpStatusCode.OK, page);
        Assert.Contains("project.git", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_project_summary_shows_the_last_commit()
    {
        using var response = await _server.Client.GetAsync("/gitweb/?p=project.git;a=summary").Within();
        string page = await response.Content.ReadAsStringAsync().Within();

        Assert.True(response.StatusCode == HttpStatusCode.OK, page);
        Assert.Contains(GitRepository.CommitSubject, page, StringComparison.Ordinal);
    }
}
