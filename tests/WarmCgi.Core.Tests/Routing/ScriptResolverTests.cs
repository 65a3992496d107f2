using WarmCgi.Cgi;
using WarmCgi.Routing;
using WarmCgi.Tests.Support;

namespace WarmCgi.Tests.Routing;

public sealed class ScriptResolverTests : IDisposable
{
    private readonly TempTree _tree = new();
    private readonly ScriptResolver _resolver;

    public ScriptResolverTests()
    {
        _tree.Script("cgi-bin/app.py");
        _tree.Script("cgi-bin/sub/deep.pl");
        _tree.Script("cgi-bin/special/inner.sh");
        _tree.File("cgi-bin/readme.txt");
        _tree.Dir("cgi-bin/empty");
        _tree.Script("outside/evil.sh");
        _tree.File("outside/secret.txt", "password=hunter2\n");
        _tree.Symlink("cgi-bin/link-out.sh", _tree["outside/evil.sh"]);
        _tree.Symlink("cgi-bin/link-out-dir", _tree["outside"]);
        _tree.Symlink("cgi-bin/link-in.py", _tree["cgi-bin/app.py"]);
        _tree.Symlink("cgi-bin/link-relative.py", "sub/deep.pl");
        _tree.Symlink("cgi-bin/dangling.sh", _tree["nowhere/missing.sh"]);
        _tree.Script("special/only.sh");
        _tree.Script("bin/git-backend");
        _tree.Script("bin/gitweb.cgi");
        _resolver = new ScriptResolver(
        [
            Directory("/cgi-bin", "cgi-bin"),
            Directory("/cgi-bin/special", "special"),
            File("/git", "bin/git-backend"),
            File("/gitweb", "bin/gitweb.cgi"),
        ]);
    }

    public void Dispose() => _tree.Dispose();

    private ScriptMapping Directory(string prefix, string relative) =>
        new() { Prefix = prefix, Path = _tree[relative], IsDirectory = true };

    private ScriptMapping File(string prefix, string relative) =>
        new() { Prefix = prefix, Path = _tree[relative], IsDirectory = false };

    private ScriptTarget Resolves(string path)
    {
        var result = _resolver.Resolve(path);
        Assert.True(result.Target is not null, $"{path}: {result.Error} ({result.Reason})");
        Assert.Equal(CgiError.None, result.Error);
        return result.Target;
    }

    private void Refuses(string path, CgiError expected)
    {
        var result = _resolver.Resolve(path);
        Assert.True(result.Target is null, $"{path} resolved to {result.Target?.ScriptFilename}");
        Assert.Equal(expected, result.Error);
        Assert.False(string.IsNullOrEmpty(result.Reason));
    }

    [Fact]
    public void A_script_in_a_directory_mapping_resolves_with_its_name_and_file()
    {
        var target = Resolves("/cgi-bin/app.py");

        Assert.Equal(_tree["cgi-bin/app.py"], target.ScriptFilename);
        Assert.Equal("/cgi-bin/app.py", target.ScriptName);
        Assert.Equal("", target.PathInfo);
    }

    [Fact]
    public void What_follows_the_script_is_PATH_INFO()
    {
        var target = Resolves("/cgi-bin/sub/deep.pl/extra/path.html");

        Assert.Equal(_tree["cgi-bin/sub/deep.pl"], target.ScriptFilename);
        Assert.Equal("/cgi-bin/sub/deep.pl", target.ScriptName);
        Assert.Equal("/extra/path.html", target.PathInfo);
    }

    [Theory]
    [InlineData("/cgi-bin/sub//deep.pl//extra//path.html")]
    [InlineData("//cgi-bin/sub/deep.pl/extra/path.html")]
    public void Runs_of_slashes_are_one_as_with_Apache_s_MergeSlashes(string path)
    {
        var target = Resolves(path);

        Assert.Equal("/cgi-bin/sub/deep.pl", target.ScriptName);
        Assert.Equal("/extra/path.html", target.PathInfo);
    }

    [Fact]
    public void A_trailing_slash_after_the_script_is_PATH_INFO()
    {
        var target = Resolves("/cgi-bin/app.py/");

        Assert.Equal("/", target.PathInfo);
    }

    [Fact]
    public void A_file_mapping_gives_everything_after_its_prefix_as_PATH_INFO()
    {
        var target = Resolves("/git/project.git/info/refs");

        Assert.Equal(_tree["bin/git-backend"], target.ScriptFilename);
        Assert.Equal("/git", target.ScriptName);
        Assert.Equal("/project.git/info/refs", target.PathInfo);
    }

    [Fact]
    public void A_file_mapping_resolves_its_bare_prefix_with_empty_PATH_INFO()
    {
        var target = Resolves("/git");

        Assert.Equal("", target.PathInfo);
    }

    [Fact]
    public void The_git_prefix_never_matches_gitweb()
    {
        var target = Resolves("/gitweb/project.git");

        Assert.Equal(_tree["bin/gitweb.cgi"], target.ScriptFilename);
        Assert.Equal("/gitweb", target.ScriptName);
        Assert.Equal("/project.git", target.PathInfo);
    }

    [Fact]
    public void A_prefix_only_matches_whole_path_segments()
    {
        Assert.Null(_resolver.MatchMapping("/gitx"));
        Assert.Null(_resolver.MatchMapping("/cgi-binary/app.py"));
        Assert.Null(_resolver.MatchMapping("/"));
        Refuses("/gitlab/x", CgiError.NotFound);
    }

    [Fact]
    public void The_longest_matching_prefix_wins()
    {
        var target = Resolves("/cgi-bin/special/only.sh");

        Assert.Equal(_tree["special/only.sh"], target.ScriptFilename);
        Assert.Equal("/cgi-bin/special/only.sh", target.ScriptName);
        Refuses("/cgi-bin/special/inner.sh", CgiError.NotFound);
    }

    [Fact]
    public void The_longest_prefix_wins_whatever_order_the_mappings_were_given_in()
    {
        var reversed = new ScriptResolver([Directory("/cgi-bin/special", "special"), Directory("/cgi-bin", "cgi-bin")]);
        var forward = new ScriptResolver([Directory("/cgi-bin", "cgi-bin"), Directory("/cgi-bin/special", "special")]);

        Assert.Equal("/cgi-bin/special", reversed.MatchMapping("/cgi-bin/special/only.sh")!.Prefix);
        Assert.Equal("/cgi-bin/special", forward.MatchMapping("/cgi-bin/special/only.sh")!.Prefix);
    }

    [Fact]
    public void A_missing_script_is_not_found()
    {
        Refuses("/cgi-bin/missing.py", CgiError.NotFound);
        Refuses("/cgi-bin/sub/missing.pl/extra", CgiError.NotFound);
    }

    [Theory]
    [InlineData("/cgi-bin/../outside/evil.sh")]
    [InlineData("/cgi-bin/sub/../../outside/evil.sh")]
    [InlineData("/cgi-bin/sub/../app.py")]
    [InlineData("/cgi-bin/./app.py")]
    [InlineData("/cgi-bin/..")]
    [InlineData("/cgi-bin/app.py/../../outside/evil.sh")]
    [InlineData("/git/../outside/evil.sh")]
    public void A_dot_segment_never_resolves(string path)
    {
        Refuses(path, CgiError.NotFound);
    }

    [Theory]
    [InlineData("/cgi-bin/%2e%2e/outside/evil.sh")]
    [InlineData("/cgi-bin/%2E%2E/outside/evil.sh")]
    [InlineData("/cgi-bin/.%2e/outside/evil.sh")]
    [InlineData("/cgi-bin/%2e/app.py")]
    [InlineData("/cgi-bin/..%2foutside%2fevil.sh")]
    [InlineData("/cgi-bin/..%2Foutside/evil.sh")]
    [InlineData("/cgi-bin/sub%2fdeep.pl")]
    [InlineData("/cgi-bin/..%5coutside%5cevil.sh")]
    [InlineData("/cgi-bin/..%5Coutside/evil.sh")]
    public void An_encoded_dot_slash_or_backslash_never_resolves(string path)
    {
        Refuses(path, CgiError.NotFound);
    }

    [Theory]
    [InlineData("/cgi-bin/app.py\0")]
    [InlineData("/cgi-bin/app.py\0.txt")]
    [InlineData("/cgi-bin/..\\outside\\evil.sh")]
    [InlineData("/cgi-bin/sub\\deep.pl")]
    public void A_NUL_or_backslash_never_resolves(string path)
    {
        Refuses(path, CgiError.NotFound);
    }

    [Fact]
    public void A_symlink_out_of_the_root_runs_when_its_owner_owns_the_target_as_under_SymLinksIfOwnerMatch()
    {
        // Debian's own /usr/lib/cgi-bin/gitweb.cgi -> ../../share/gitweb/gitweb.cgi, both root's.
        var target = Resolves("/cgi-bin/link-out.sh/info");

        Assert.Equal(_tree["cgi-bin/link-out.sh"], target.ScriptFilename);
        Assert.Equal("/cgi-bin/link-out.sh", target.ScriptName);
        Assert.Equal("/info", target.PathInfo);
        Resolves("/cgi-bin/link-out-dir/evil.sh");
    }

    [Fact]
    public void A_symlink_out_of_the_root_to_someone_elses_file_is_forbidden()
    {
        Chown("outside/evil.sh");

        Refuses("/cgi-bin/link-out.sh", CgiError.Forbidden);
    }

    [Fact]
    public void A_symlink_someone_else_made_to_the_owners_file_is_forbidden()
    {
        Chown("cgi-bin/link-out.sh");   // the link itself (chown -h), its target stays root's

        Refuses("/cgi-bin/link-out.sh", CgiError.Forbidden);
    }

    [Fact]
    public void A_symlinked_directory_out_of_the_root_owned_by_someone_else_is_forbidden()
    {
        Chown("cgi-bin/link-out-dir");

        Refuses("/cgi-bin/link-out-dir/evil.sh", CgiError.Forbidden);
        Refuses("/cgi-bin/link-out-dir/secret.txt", CgiError.Forbidden);
    }

    [Fact]
    public void Symlinks_Follow_follows_any_link()
    {
        Chown("outside/evil.sh");
        var resolver = new ScriptResolver([Directory("/cgi-bin", "cgi-bin") with { Symlinks = SymlinkPolicy.Follow }]);

        Assert.NotNull(resolver.Resolve("/cgi-bin/link-out.sh").Target);
    }

    [Fact]
    public void Symlinks_Inside_keeps_every_script_under_the_root()
    {
        var resolver = new ScriptResolver([Directory("/cgi-bin", "cgi-bin") with { Symlinks = SymlinkPolicy.Inside }]);

        Assert.Equal(CgiError.Forbidden, resolver.Resolve("/cgi-bin/link-out.sh").Error);
        Assert.Equal(CgiError.Forbidden, resolver.Resolve("/cgi-bin/link-out-dir/evil.sh").Error);
        Assert.Equal(CgiError.Forbidden, resolver.Resolve("/cgi-bin/link-out-dir/secret.txt").Error);
        Assert.NotNull(resolver.Resolve("/cgi-bin/link-in.py").Target);
    }

    /// <summary>Gives the file (the link itself, for a link) to nobody: the tests run as root, as CI does.</summary>
    private void Chown(string relative)
    {
        using var chown = System.Diagnostics.Process.Start("chown", ["-h", "65534", _tree[relative]]);
        chown.WaitForExit();
        Assert.True(chown.ExitCode == 0, "chown needs root: the resolver's owner checks are tested as root");
    }

    [Fact]
    public void A_symlink_to_a_script_inside_the_root_runs_under_the_name_requested()
    {
        var target = Resolves("/cgi-bin/link-in.py/info");

        Assert.Equal(_tree["cgi-bin/link-in.py"], target.ScriptFilename);
        Assert.Equal("/cgi-bin/link-in.py", target.ScriptName);
        Assert.Equal("/info", target.PathInfo);
    }

    [Fact]
    public void A_relative_symlink_inside_the_root_resolves()
    {
        Resolves("/cgi-bin/link-relative.py");
    }

    [Fact]
    public void A_symlinked_directory_inside_the_root_serves_its_scripts()
    {
        _tree.Symlink("cgi-bin/sub-link", _tree["cgi-bin/sub"]);

        var target = Resolves("/cgi-bin/sub-link/deep.pl/more");

        Assert.Equal("/cgi-bin/sub-link/deep.pl", target.ScriptName);
        Assert.Equal("/more", target.PathInfo);
    }

    [Fact]
    public void A_script_replaced_by_a_symlink_to_someone_elses_file_is_forbidden_on_the_next_request()
    {
        _tree.Script("cgi-bin/swapped.sh");
        Resolves("/cgi-bin/swapped.sh");

        System.IO.File.Delete(_tree["cgi-bin/swapped.sh"]);
        _tree.Symlink("cgi-bin/swapped.sh", _tree["outside/evil.sh"]);
        Chown("outside/evil.sh");

        Refuses("/cgi-bin/swapped.sh", CgiError.Forbidden);
    }

    [Fact]
    public void An_executable_FIFO_is_forbidden_never_opened()
    {
        string fifo = _tree["cgi-bin/fifo.sh"];
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
        }
        System.IO.File.SetUnixFileMode(fifo, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        Refuses("/cgi-bin/fifo.sh", CgiError.Forbidden);
    }

    [Fact]
    public void A_dangling_symlink_is_not_found()
    {
        Refuses("/cgi-bin/dangling.sh", CgiError.NotFound);
    }

    [Fact]
    public void A_mapping_whose_root_is_itself_a_symlink_serves_its_scripts()
    {
        _tree.Symlink("linked-cgi-bin", _tree["cgi-bin"]);
        var resolver = new ScriptResolver([Directory("/linked", "linked-cgi-bin")]);

        var result = resolver.Resolve("/linked/app.py");

        Assert.NotNull(result.Target);
    }

    [Fact]
    public void A_file_mapping_to_a_symlink_serves_the_script_it_points_to()
    {
        _tree.Symlink("bin/backend-link", _tree["bin/git-backend"]);
        var resolver = new ScriptResolver([File("/linked", "bin/backend-link")]);

        var result = resolver.Resolve("/linked/repo.git/info/refs");

        Assert.NotNull(result.Target);
        Assert.Equal("/repo.git/info/refs", result.Target.PathInfo);
    }

    [Fact]
    public void A_non_executable_file_fails_as_its_exec_would_under_Apache_2_4()
    {
        Refuses("/cgi-bin/readme.txt", CgiError.SpawnFailed);
        Refuses("/cgi-bin/readme.txt/extra", CgiError.SpawnFailed);
    }

    [Fact]
    public void A_non_executable_single_script_mapping_fails_as_its_exec_would()
    {
        _tree.File("bin/plain");
        var resolver = new ScriptResolver([File("/plain", "bin/plain")]);

        Assert.Equal(CgiError.SpawnFailed, resolver.Resolve("/plain").Error);
    }

    [Theory]
    [InlineData("/cgi-bin")]
    [InlineData("/cgi-bin/")]
    [InlineData("/cgi-bin/sub/")]
    [InlineData("/cgi-bin/empty/")]
    [InlineData("/cgi-bin//sub//")]
    public void A_directory_is_forbidden_never_listed(string path)
    {
        Refuses(path, CgiError.Forbidden);
    }

    [Theory]
    [InlineData("/cgi-bin/sub")]
    [InlineData("/cgi-bin/empty")]
    [InlineData("/cgi-bin//sub")]
    public void A_directory_named_without_its_slash_is_sent_to_the_URL_with_it(string path)
    {
        Refuses(path, CgiError.DirectoryWithoutSlash);
    }

    [Fact]
    public void Empty_segments_are_skipped_like_Apache_does()
    {
        var target = Resolves("/cgi-bin//sub//deep.pl");

        Assert.Equal(_tree["cgi-bin/sub/deep.pl"], target.ScriptFilename);
    }

    [Fact]
    public void A_path_with_no_mapping_is_not_found()
    {
        Refuses("/index.html", CgiError.NotFound);
    }
}
