using WarmCgi.Functional.Applications;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// The real apps in one server in warm or fork mode: Mercurial's hgweb.cgi (Python) runs in a
/// resident worker (or in children it forks), while git-http-backend (C) and gitweb (Perl)
/// keep running cold beside it.
/// </summary>
public abstract class MercurialModeTests(string mode) : IAsyncLifetime
{
    private const string GitBackend = "/usr/lib/git-core/git-http-backend";
    private const string Gitweb = "/usr/lib/cgi-bin/gitweb.cgi";

    private readonly ScriptSite _site = ScriptSite.Create();
    private TestServer _server = null!;
    private Tool _hg = null!;
    private Tool _git = null!;

    private string HgRepository => _site.WorkFile("repo");

    private string GitRepos => _site.WorkFile("repos");

    public async Task InitializeAsync()
    {
        Tool.Require("/usr/bin/hg", "mercurial");
        Tool.Require("/usr/bin/git", "git");
        Tool.Require(GitBackend, "git");
        Tool.Require(Gitweb, "gitweb");
        string home = _site.WorkFile("home");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(GitRepos);
        _hg = Tool.Hg(home);
        _git = Tool.Git(home);
        await _hg.RunAsync(_site.Work, "init", HgRepository);
        await File.WriteAllTextAsync(Path.Combine(HgRepository, "README"), "hgweb in warm mode\n").Within();
        await _hg.RunAsync(HgRepository, "commit", "--addremove", "-m", "first commit");
        await GitRepository.CreateAsync(_git, Path.Combine(GitRepos, "project.git"), _site.Work);
        string hgweb = _site.WorkFile("hgweb.config");
        await File.WriteAllTextAsync(hgweb, $"""
            [paths]
            repo = {HgRepository}

            [web]
            allow_push = *
            push_ssl = false
            """).Within();
        string gitweb = _site.WorkFile("gitweb.conf");
        await File.WriteAllTextAsync(gitweb, $"""
            $projectroot = "{GitRepos}";
            $GIT = "/usr/bin/git";
            $site_name = "WarmCgi gitweb";
            1;
            """).Within();
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Mode"] = mode,
            ["Warm:MaxWorkers"] = "1",
            ["Mappings:1000:Prefix"] = "/hg",
            ["Mappings:1000:Path"] = Path.Combine(_site.Apps, "hgweb.cgi"),
            ["Mappings:1000:SetEnv:HGWEB_CONFIG"] = hgweb,
            ["Mappings:1000:SetEnv:HGENCODING"] = "utf-8",
            ["Mappings:1001:Prefix"] = "/git",
            ["Mappings:1001:Path"] = GitBackend,
            ["Mappings:1001:SetEnv:GIT_PROJECT_ROOT"] = GitRepos,
            ["Mappings:1001:SetEnv:GIT_HTTP_EXPORT_ALL"] = "1",
            ["Mappings:1002:Prefix"] = "/gitweb",
            ["Mappings:1002:Path"] = Gitweb,
            ["Mappings:1002:SetEnv:GITWEB_CONFIG"] = gitweb,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _site.Dispose();
    }

    [Fact]
    public async Task Hg_clone_pull_and_push_go_through_one_resident_worker_while_git_runs_cold_beside_it()
    {
        string hgUrl = new Uri(_server.BaseAddress, "/hg/repo").ToString();
        string gitUrl = new Uri(_server.BaseAddress, "/git/project.git").ToString();
        string hgClone = _site.WorkFile("hg-clone");
        string gitClone = _site.WorkFile("git-clone");

        await _hg.RunAsync(_site.Work, "clone", hgUrl, hgClone);
        await _git.RunAsync(_site.Work, "clone", "--quiet", gitUrl, gitClone);
        await File.WriteAllTextAsync(Path.Combine(HgRepository, "SERVER"), "committed on the server\n").Within();
        await _hg.RunAsync(HgRepository, "commit", "--addremove", "-m", "server commit");
        await _hg.RunAsync(hgClone, "pull", "--update", hgUrl);
        using var gitwebPage = await _server.Client.GetAsync("/gitweb/?p=project.git;a=summary").Within();
        await File.WriteAllBytesAsync(Path.Combine(hgClone, "data.bin"), Bodies.Random(256 * 1024)).Within();
        await _hg.RunAsync(hgClone, "commit", "--addremove", "-m", "pushed over http");
        await _hg.RunAsync(hgClone, "push", hgUrl);

        Assert.Equal("hgweb in warm mode\n", await File.ReadAllTextAsync(Path.Combine(hgClone, "README")).Within());
        Assert.Equal("committed on the server\n", await File.ReadAllTextAsync(Path.Combine(hgClone, "SERVER")).Within());
        var log = await _hg.RunAsync(HgRepository, "log", "--template", "{desc}\n");
        Assert.Equal(["pushed over http", "server commit", "first commit"], log.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("WarmCgi functional test repository\n", await File.ReadAllTextAsync(Path.Combine(gitClone, "README")).Within());
        Assert.Equal(System.Net.HttpStatusCode.OK, gitwebPage.StatusCode);
        Assert.Contains(GitRepository.CommitSubject, await gitwebPage.Content.ReadAsStringAsync().Within(), StringComparison.Ordinal);
        // Every hgweb request was served by one Python worker; git and gitweb started none.
        var started = _server.Logs.Entries.Where(e => e.EventId.Id == 200).ToList();
        Assert.True(started.Count == 1, "workers started: " + string.Join("; ", started.Select(e => e.Message)));
        Assert.Equal("/usr/bin/python3", started[0]["Interpreter"]);
    }
}

/// <summary>hgweb.cgi warm: one resident worker runs every request.</summary>
public sealed class MercurialWarmModeTests() : MercurialModeTests("warm");

/// <summary>hgweb.cgi in fork mode: every request runs in a child of one resident worker.</summary>
public sealed class MercurialForkModeTests() : MercurialModeTests("fork");
