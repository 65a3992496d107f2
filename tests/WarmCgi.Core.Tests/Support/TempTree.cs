namespace WarmCgi.Tests.Support;

/// <summary>A temporary directory tree of real files, executables and symlinks, deleted on dispose.</summary>
internal sealed class TempTree : IDisposable
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode Plain = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public TempTree()
    {
        Root = Directory.CreateTempSubdirectory("warmcgi-test-").FullName;
    }

    public string Root { get; }

    public string this[string relative] => Path.Combine(Root, relative);

    public string Script(string relative, string body = "#!/bin/sh\necho 'Content-Type: text/plain'\necho\necho ok\n") =>
        WriteFile(relative, body, Executable);

    public string File(string relative, string body = "not a script\n") => WriteFile(relative, body, Plain);

    public string Dir(string relative) => Directory.CreateDirectory(this[relative]).FullName;

    public string Symlink(string relative, string target)
    {
        string path = this[relative];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.CreateSymbolicLink(path, target);
        return path;
    }

    private string WriteFile(string relative, string body, UnixFileMode mode)
    {
        string path = this[relative];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, body);
        System.IO.File.SetUnixFileMode(path, mode);
        return path;
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
    }
}
