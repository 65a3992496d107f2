namespace WarmCgi.Functional.WarmMode;

/// <summary>Edits a script or module in place as a site owner does, with its mtime moved on.</summary>
public static class ScriptFiles
{
    /// <summary>
    /// Writes <paramref name="content"/> and sets the mtime a few seconds past the old one:
    /// Python's bytecode cache compares whole seconds, so an edit within the same second
    /// would be missed by a CGI process too.
    /// </summary>
    public static async Task RewriteAsync(string path, string content)
    {
        var before = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.UtcNow;
        await File.WriteAllTextAsync(path, content).WaitAsync(Infrastructure.Timeouts.Request);
        File.SetLastWriteTimeUtc(path, before.AddSeconds(5));
    }
}
