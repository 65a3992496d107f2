using WarmCgi.Cgi;
using WarmCgi.Processes;

namespace WarmCgi.Routing;

/// <summary>The script a URL names: what SCRIPT_NAME, SCRIPT_FILENAME and PATH_INFO are made of.</summary>
public sealed record ScriptTarget(ScriptMapping Mapping, string ScriptFilename, string ScriptName, string PathInfo)
{
    /// <summary>The script file as the resolver saw it: what tells an edited script apart.</summary>
    internal FileStatus File { get; init; }
}

public readonly record struct ResolveResult(ScriptTarget? Target, CgiError Error, string? Reason)
{
    public static ResolveResult Fail(CgiError error, string reason) => new(null, error, reason);
}

/// <summary>
/// URL -> script, like Apache's ScriptAlias: prefixes match whole path segments, longest
/// first; in a directory mapping the first segment that is a file is the script and the rest
/// is PATH_INFO. Dot segments, encoded slashes, NULs, directories and non-executable files
/// never run, nor does a symlink out of the mapping's root that its <see cref="SymlinkPolicy"/>
/// does not follow.
/// </summary>
public sealed class ScriptResolver
{
    private readonly ScriptMapping[] _mappings;

    public ScriptResolver(IEnumerable<ScriptMapping> mappings)
    {
        _mappings = mappings
            .Select(m => m with { RealRoot = Spawner.RealPath(m.Path) ?? m.Path })
            .OrderByDescending(m => m.Prefix.Length)
            .ToArray();
    }

    public IReadOnlyList<ScriptMapping> Mappings => _mappings;

    /// <summary>The mapping whose prefix owns this path, or null when no mapping does.</summary>
    public ScriptMapping? MatchMapping(string path)
    {
        foreach (var mapping in _mappings)
        {
            if (path.StartsWith(mapping.Prefix, StringComparison.Ordinal)
                && (path.Length == mapping.Prefix.Length || path[mapping.Prefix.Length] == '/'))
            {
                return mapping;
            }
        }
        return null;
    }

    /// <summary>Whether a script mapping owns this request path (slashes merged, as <see cref="Resolve"/> sees it).</summary>
    public bool Owns(string path) => MatchMapping(MergeSlashes(path)) is not null;

    /// <summary>Apache's MergeSlashes (on by default): a run of slashes in the path is one.</summary>
    private static string MergeSlashes(string path)
    {
        if (!path.Contains("//", StringComparison.Ordinal))
        {
            return path;
        }
        var merged = new System.Text.StringBuilder(path.Length);
        foreach (char c in path)
        {
            if (c != '/' || merged.Length == 0 || merged[^1] != '/')
            {
                merged.Append(c);
            }
        }
        return merged.ToString();
    }

    public ResolveResult Resolve(string path)
    {
        path = MergeSlashes(path);
        var mapping = MatchMapping(path);
        if (mapping is null)
        {
            return ResolveResult.Fail(CgiError.NotFound, "no script mapping for this path");
        }
        string rest = path[mapping.Prefix.Length..];
        if (!IsSafe(rest))
        {
            return ResolveResult.Fail(CgiError.NotFound, "unsafe path segment");
        }
        return mapping.IsDirectory ? ResolveInDirectory(mapping, rest) : ResolveFile(mapping, rest);
    }

    private static ResolveResult ResolveFile(ScriptMapping mapping, string rest)
    {
        if (!FileStatus.TryGet(mapping.Path, followLinks: true, out var file))
        {
            return ResolveResult.Fail(CgiError.NotFound, "no such script");
        }
        if (!file.IsRegularFile)
        {
            return ResolveResult.Fail(CgiError.Forbidden, "not a regular file (a FIFO, socket or device never runs)");
        }
        var check = CheckScript(mapping, mapping.Path, Spawner.RealPath(mapping.Path), foreignLink: false);
        return check ?? new ResolveResult(new ScriptTarget(mapping, mapping.Path, mapping.Prefix, rest) { File = file }, CgiError.None, null);
    }

    /// <summary>
    /// One lstat per segment. While no segment is a symlink, the script's real path is the
    /// root's (resolved at start-up) plus the segments, and realpath() -- a readlink per
    /// component -- is left out.
    /// </summary>
    private static ResolveResult ResolveInDirectory(ScriptMapping mapping, string rest)
    {
        string current = mapping.Path;
        string? real = mapping.RealRoot;
        bool foreignLink = false; // a link whose owner does not own its target
        int position = 0;
        while (position < rest.Length)
        {
            // rest looks like "/sub/x.py/more"; empty segments ("//") are skipped like Apache does.
            int start = position + 1;
            int end = rest.IndexOf('/', start);
            if (end < 0)
            {
                end = rest.Length;
            }
            position = end;
            if (end == start)
            {
                continue;
            }
            var segment = rest.AsSpan(start, end - start);
            current = System.IO.Path.Join(current, segment);
            if (!FileStatus.TryGet(current, followLinks: false, out var status))
            {
                return ResolveResult.Fail(CgiError.NotFound, "no such script");
            }
            if (status.IsSymbolicLink)
            {
                real = null; // checked with realpath() below
                uint linkOwner = status.Owner;
                if (!FileStatus.TryGet(current, followLinks: true, out status))
                {
                    return ResolveResult.Fail(CgiError.NotFound, "no such script");
                }
                foreignLink |= status.Owner != linkOwner;
            }
            else if (real is not null)
            {
                real = string.Concat(real, "/", segment);
            }
            if (status.IsDirectory)
            {
                continue;
            }
            if (!status.IsRegularFile)
            {
                return ResolveResult.Fail(CgiError.Forbidden, "not a regular file (a FIFO, socket or device never runs)");
            }
            string scriptName = mapping.Prefix + rest[..end];
            var check = CheckScript(mapping, current, real ?? Spawner.RealPath(current), foreignLink);
            return check ?? new ResolveResult(new ScriptTarget(mapping, current, scriptName, rest[end..]) { File = status }, CgiError.None, null);
        }
        // Apache: "attempt to invoke directory as script". Never a listing; but mod_dir first
        // sends a client that left out the slash to the URL with it.
        return rest.Length > 0 && !rest.EndsWith('/')
            ? ResolveResult.Fail(CgiError.DirectoryWithoutSlash, "a directory: redirected to its URL with a slash")
            : ResolveResult.Fail(CgiError.Forbidden, "attempt to invoke directory as script");
    }

    private static ResolveResult? CheckScript(ScriptMapping mapping, string file, string? real, bool foreignLink)
    {
        if (real is null)
        {
            return ResolveResult.Fail(CgiError.NotFound, "no such script");
        }
        bool inside = mapping.IsDirectory
            ? real.StartsWith(mapping.RealRoot + "/", StringComparison.Ordinal)
            : real == mapping.RealRoot;
        if (!inside && mapping.Symlinks != SymlinkPolicy.Follow)
        {
            if (mapping.Symlinks == SymlinkPolicy.Inside || !mapping.IsDirectory)
            {
                return ResolveResult.Fail(CgiError.Forbidden, "script resolves outside its mapping (symlink)");
            }
            if (foreignLink)
            {
                return ResolveResult.Fail(CgiError.Forbidden, "symlink out of the mapping whose owner does not own its target (SymLinksIfOwnerMatch)");
            }
        }
        if (!Spawner.IsExecutable(file))
        {
            // Apache 2.4 tries the exec and answers its failure with a 500 (1.3 and 2.0 said 403).
            return ResolveResult.Fail(CgiError.SpawnFailed, "file permissions deny server execution (no exec bit)");
        }
        return null;
    }

    /// <summary>No "." or ".." segment, no NUL or backslash, no still-encoded slash or dot.</summary>
    internal static bool IsSafe(string rest)
    {
        if (rest.Contains('\0') || rest.Contains('\\') || rest.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || rest.Contains("%5c", StringComparison.OrdinalIgnoreCase) || rest.Contains("%2e", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        foreach (var segment in rest.Split('/'))
        {
            if (segment is "." or "..")
            {
                return false;
            }
        }
        return true;
    }
}
