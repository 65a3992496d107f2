using System.Runtime.CompilerServices;

namespace WarmCgi.Functional.Infrastructure;

/// <summary>
/// A private copy of the test scripts (tests/WarmCgi.Functional.Tests/scripts) in a temp
/// directory: cgi-bin/, htdocs/, outside/ (what a traversal would reach), apps/ and work/
/// (where scripts leave pid and marker files). Modes are set here, not trusted from the copy;
/// the symlinks the traversal tests need are made here too.
/// </summary>
public sealed class ScriptSite : IDisposable
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode Plain = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private static readonly string[] ScriptExtensions = [".py", ".pl", ".sh", ".cgi"];

    private ScriptSite(string root)
    {
        Root = root;
    }

    /// <summary>The real path of the copy (temp directories can sit behind symlinks).</summary>
    public string Root { get; }

    public string CgiBin => Path.Combine(Root, "cgi-bin");

    public string Htdocs => Path.Combine(Root, "htdocs");

    public string Outside => Path.Combine(Root, "outside");

    public string Apps => Path.Combine(Root, "apps");

    /// <summary>Handed to scripts as WORK_DIR.</summary>
    public string Work => Path.Combine(Root, "work");

    public string this[string relative] => Path.Combine(Root, relative);

    public static ScriptSite Create()
    {
        var temp = Directory.CreateTempSubdirectory("warmcgi-site-");
        string root = new DirectoryInfo(temp.FullName).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? temp.FullName;
        var site = new ScriptSite(root);
        CopyTree(SourceDirectory(), root);
        Directory.CreateDirectory(site.Work);
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            bool script = ScriptExtensions.Contains(Path.GetExtension(file))
                && !Path.GetFileName(file).StartsWith("noexec", StringComparison.Ordinal)
                && !file.StartsWith(site.Htdocs + "/", StringComparison.Ordinal);
            File.SetUnixFileMode(file, script ? Executable : Plain);
        }
        File.CreateSymbolicLink(Path.Combine(site.CgiBin, "link-out.sh"), Path.Combine(site.Outside, "secret.sh"));
        File.CreateSymbolicLink(Path.Combine(site.CgiBin, "link-in.sh"), Path.Combine(site.CgiBin, "hello.sh"));
        Directory.CreateSymbolicLink(Path.Combine(site.CgiBin, "link-out-dir"), site.Outside);
        GiveToNobody(site.Outside);   // else a link to it would be followed (SymLinksIfOwnerMatch)
        return site;
    }

    public string WorkFile(string name) => Path.Combine(Work, name);

    /// <summary>chown -R nobody: the tests run as root, as CI does.</summary>
    private static void GiveToNobody(string path)
    {
        using var chown = System.Diagnostics.Process.Start("chown", ["-R", "65534", path])!;
        chown.WaitForExit();
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException("chown needs root: the functional tests run as root");
        }
    }

    private static string SourceDirectory([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(thisFile)!)!, "scripts");

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
