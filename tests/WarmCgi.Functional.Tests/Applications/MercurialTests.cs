using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Applications;

/// <summary>Mercurial's hgweb.cgi (Python) serving a repository that `hg clone` and `hg push` use.</summary>
public sealed class MercurialTests : IAsyncLifetime
{
    private readonly ScriptSite _site = ScriptSite.Create();
    private TestServer _server = null!;
    private Tool _hg = null!;

    private string Repository => _site.WorkFile("repo");

    public async Task InitializeAsync()
    {
        Tool.Require("/usr/bin/hg", "mercurial");
        string home = _site.WorkFile("home");
        Directory.CreateDirectory(home);
        _hg = Tool.Hg(home);
        await _hg.RunAsync(_site.Work, "init", Repository);
        await File.WriteAllTextAsync(Path.Combine(Repository, "README"), "hgweb under WarmCgi\n").Within();
        await _hg.RunAsync(Repository, "commit", "--addremove", "-m", "first commit");
        string config = _site.WorkFile("hgweb.config");
        await File.WriteAllTextAsync(config, $"""
            [paths]
            repo = {Repository}

            [web]
            allow_push = *
            push_ssl = false
            """).Within();
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Mappings:1000:Prefix"] = "/hg",
            ["Mappings:1000:Path"] = Path.Combine(_site.Apps, "hgweb.cgi"),
            ["SetEnv:HGWEB_CONFIG"] = config,
            ["SetEnv:HGENCODING"] = "utf-8",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _site.Dispose();
    }

    [Fact]
    public async Task Hg_clone_and_hg_push_work_through_hgweb_cgi()
    {
        string url = new Uri(_server.BaseAddress, "/hg/repo").ToString();
        string clone = _site.WorkFile("clone");

        await _hg.RunAsync(_site.Work, "clone", url, clone);
        Assert.Equal("hgweb under WarmCgi\n", await File.ReadAllTextAsync(Path.Combine(clone, "README")).Within());
        await File.WriteAllBytesAsync(Path.Combine(clone, "data.bin"), Bodies.Random(512 * 1024)).Within();
        await _hg.RunAsync(clone, "commit", "--addremove", "-m", "pushed over http");
        await _hg.RunAsync(clone, "push", url);

        var log = await _hg.RunAsync(Repository, "log", "--template", "{desc}\n");
        Assert.Equal(["pushed over http", "first commit"], log.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(clone, "data.bin")).Within(), await CatAsync("data.bin"));
    }

    [Fact]
    public async Task The_hgweb_page_lists_the_repository()
    {
        using var response = await _server.Client.GetAsync("/hg/").Within();
        string page = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("repo", page, StringComparison.Ordinal);
        Assert.Contains("Mercurial", page, StringComparison.Ordinal);
    }

    private async Task<byte[]> CatAsync(string file)
    {
        string output = _site.WorkFile("cat-" + file);
        await _hg.RunAsync(Repository, "cat", "-r", "tip", "-o", output, file);
        return await File.ReadAllBytesAsync(output).Within();
    }
}
