using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Applications;

/// <summary>Debian's cgit.cgi (C), configured through CGIT_CONFIG with a virtual root.</summary>
public sealed class CgitTests : IAsyncLifetime
{
    private const string Cgit = "/usr/lib/cgit/cgit.cgi";

    private readonly ScriptSite _site = ScriptSite.Create();
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        Tool.Require("/usr/bin/git", "git");
        Tool.Require(Cgit, "cgit");
        string home = _site.WorkFile("home");
        string repos = _site.WorkFile("repos");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(repos);
        string repository = Path.Combine(repos, "project.git");
        await GitRepository.CreateAsync(Tool.Git(home), repository, _site.Work);
        string config = _site.WorkFile("cgitrc");
        await File.WriteAllTextAsync(config, $"""
            virtual-root=/cgit/
            cache-size=0
            root-title=WarmCgi cgit
            repo.url=project
            repo.path={repository}
            repo.desc=the WarmCgi test project
            """).Within();
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Mappings:1000:Prefix"] = "/cgit",
            ["Mappings:1000:Path"] = Cgit,
            ["SetEnv:CGIT_CONFIG"] = config,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _site.Dispose();
    }

    [Fact]
    public async Task The_index_lists_the_repository()
    {
        using var response = await _server.Client.GetAsync("/cgit/").Within();
        string page = await response.Content.ReadAsStringAsync().Within();

        Assert.True(response.StatusCode == HttpStatusCode.OK, page);
        Assert.Contains("WarmCgi cgit", page, StringComparison.Ordinal);
        Assert.Contains("the WarmCgi test project", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_repository_page_shows_the_last_commit()
    {
        using var response = await _server.Client.GetAsync("/cgit/project/").Within();
        string page = await response.Content.ReadAsStringAsync().Within();

        Assert.True(response.StatusCode == HttpStatusCode.OK, page);
        Assert.Contains(GitRepository.CommitSubject, page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_of_the_repository_is_shown_as_plain_text()
    {
        using var response = await _server.Client.GetAsync("/cgit/project/plain/README").Within();
        string text = await response.Content.ReadAsStringAsync().Within();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal("WarmCgi functional test repository\n", text);
    }
}
