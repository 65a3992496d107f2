using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Applications;

/// <summary>git's own smart HTTP server, git-http-backend, mapped as a single script at /git.</summary>
public sealed class GitHttpBackendTests : IAsyncLifetime
{
    private const string Backend = "/usr/lib/git-core/git-http-backend";

    private readonly ScriptSite _site = ScriptSite.Create();
    private TestServer _server = null!;
    private Tool _git = null!;

    private string Repos => _site.WorkFile("repos");

    public async Task InitializeAsync()
    {
        Tool.Require("/usr/bin/git", "git");
        Tool.Require(Backend, "git");
        Directory.CreateDirectory(Repos);
        _git = Tool.Git(_site.WorkFile("home"));
        Directory.CreateDirectory(_site.WorkFile("home"));
        await _git.RunAsync(Repos, "init", "--quiet", "--bare", "--initial-branch=main", "project.git");
        await _git.RunAsync(Path.Combine(Repos, "project.git"), "config", "http.receivepack", "true");
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Mappings:1000:Prefix"] = "/git",
            ["Mappings:1000:Path"] = Backend,
            ["SetEnv:GIT_PROJECT_ROOT"] = Repos,
            ["SetEnv:GIT_HTTP_EXPORT_ALL"] = "1",
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _site.Dispose();
    }

    [Fact]
    public async Task A_push_large_enough_to_be_chunked_and_a_clone_round_trip_through_git_http_backend()
    {
        string url = new Uri(_server.BaseAddress, "/git/project.git").ToString();
        string work = _site.WorkFile("work");
        string clone = _site.WorkFile("clone");
        string trace = _site.WorkFile("push-trace.txt");
        Directory.CreateDirectory(work);
        byte[] payload = Bodies.Random(6 * 1024 * 1024); // random: the pack stays ~6 MB, past http.postBuffer (1 MiB)
        await File.WriteAllBytesAsync(Path.Combine(work, "payload.bin"), payload).Within();
        await _git.RunAsync(work, "init", "--quiet", "--initial-branch=main");
        await _git.RunAsync(work, "add", "payload.bin");
        await _git.RunAsync(work, "commit", "--quiet", "-m", "six megabytes of noise");

        await _git.With("GIT_TRACE_CURL", trace).With("GIT_TRACE_CURL_NO_DATA", "1").RunAsync(work, "push", url, "main");
        await _git.RunAsync(_site.Work, "clone", "--quiet", url, clone);

        string curl = await File.ReadAllTextAsync(trace).Within();
        Assert.Contains("Transfer-Encoding: chunked", curl, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(payload, await File.ReadAllBytesAsync(Path.Combine(clone, "payload.bin")).Within());
        var log = await _git.RunAsync(clone, "log", "--format=%s");
        Assert.Equal("six megabytes of noise", log.Stdout.Trim());
    }

    [Fact]
    public async Task The_info_refs_advertisement_is_served_to_a_smart_client()
    {
        using var response = await _server.Client.GetAsync("/git/project.git/info/refs?service=git-upload-pack").Within();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-git-upload-pack-advertisement", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_repository_that_does_not_exist_is_404()
    {
        using var response = await _server.Client.GetAsync("/git/nothing.git/info/refs?service=git-upload-pack").Within();

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
