using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;
using WarmCgi.Routing;

namespace WarmCgi.AspNetCore;

/// <summary>
/// The document root as the static file middleware sees it, minus anything that is or may be
/// a script: files inside a script mapping, executable files, and script source extensions.
/// A legacy site often keeps cgi-bin under its docroot; its source must never be downloadable.
/// </summary>
internal sealed class ScriptHidingFileProvider : IFileProvider, IDisposable
{
    private static readonly HashSet<string> ScriptExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".py", ".pyc", ".pl", ".pm", ".cgi", ".sh", ".php", ".rb", ".fcgi", ".wsgi",
    };

    private readonly PhysicalFileProvider _inner;
    private readonly IReadOnlyList<ScriptMapping> _mappings;

    public ScriptHidingFileProvider(string root, IReadOnlyList<ScriptMapping> mappings)
    {
        _inner = new PhysicalFileProvider(root);
        _mappings = mappings;
    }

    public IFileInfo GetFileInfo(string subpath)
    {
        var info = _inner.GetFileInfo(subpath);
        return info.Exists && info.PhysicalPath is { } path && IsScript(path) ? new NotFoundFileInfo(subpath) : info;
    }

    // Only the default-files middleware asks (to find index.html); no directory browser is ever installed.
    public IDirectoryContents GetDirectoryContents(string subpath) => _inner.GetDirectoryContents(subpath);

    public IChangeToken Watch(string filter) => _inner.Watch(filter);

    public void Dispose() => _inner.Dispose();

    private bool IsScript(string path)
    {
        if (ScriptExtensions.Contains(Path.GetExtension(path)))
        {
            return true;
        }
        if ((File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
        {
            return true;
        }
        string real = Processes.Spawner.RealPath(path) ?? path;
        foreach (var mapping in _mappings)
        {
            if (real == mapping.RealRoot || real.StartsWith(mapping.RealRoot + "/", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
