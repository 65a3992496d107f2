using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Applications;

/// <summary>Bare repositories with a known history, for gitweb and cgit to show.</summary>
public static class GitRepository
{
    public const string CommitSubject = "Add the WarmCgi test readme";

    /// <summary>Creates <paramref name="bare"/> holding one commit with a README.</summary>
    public static async Task CreateAsync(Tool git, string bare, string scratch)
    {
        string work = Path.Combine(scratch, Path.GetFileName(bare) + "-work");
        Directory.CreateDirectory(work);
        await git.RunAsync(scratch, "init", "--quiet", "--bare", "--initial-branch=main", bare);
        await git.RunAsync(work, "init", "--quiet", "--initial-branch=main");
        await File.WriteAllTextAsync(Path.Combine(work, "README"), "WarmCgi functional test repository\n").Within();
        await git.RunAsync(work, "add", "README");
        await git.RunAsync(work, "commit", "--quiet", "-m", CommitSubject);
        await git.RunAsync(work, "push", "--quiet", bare, "main");
    }
}
