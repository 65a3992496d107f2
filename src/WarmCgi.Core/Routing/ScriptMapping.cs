namespace WarmCgi.Routing;

/// <summary>How the scripts of a mapping run.</summary>
public enum CgiMode
{
    /// <summary>A process per request: RFC 3875 CGI, for any executable.</summary>
    Cold,

    /// <summary>Python scripts run in resident interpreters; anything else runs cold.</summary>
    Warm,

    /// <summary>
    /// Python scripts run in a child forked per request from a resident interpreter: a fresh
    /// process as under CGI, with the interpreter's start-up and imports already done. Anything
    /// else runs cold.
    /// </summary>
    Fork,
}

/// <summary>
/// Which symlinks in a directory mapping lead to a script: Apache's Options for a ScriptAlias
/// directory. A link whose target stays inside the mapping's root is always followed.
/// </summary>
public enum SymlinkPolicy
{
    /// <summary>
    /// Apache's SymLinksIfOwnerMatch, as Debian's /usr/lib/cgi-bin has it (where gitweb.cgi is
    /// a link into /usr/share/gitweb): a link leading out of the root is followed when its
    /// owner also owns what it points to, so a user who may write in the root cannot make a
    /// script of someone else's file.
    /// </summary>
    OwnerMatch,

    /// <summary>Apache's FollowSymLinks: every link is followed.</summary>
    Follow,

    /// <summary>The strictest: a script whose real path leaves the root never runs.</summary>
    Inside,
}

/// <summary>
/// One ScriptAlias: a URL prefix bound to a directory of scripts or to a single script, with
/// the per-mapping settings. Immutable: a config reload builds new mappings.
/// </summary>
public sealed record ScriptMapping
{
    /// <summary>The URL prefix without trailing slash ("" for the root).</summary>
    public required string Prefix { get; init; }

    /// <summary>Absolute path of the directory or the single script.</summary>
    public required string Path { get; init; }

    public required bool IsDirectory { get; init; }

    public CgiMode Mode { get; init; } = CgiMode.Cold;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Extra variables for this mapping's scripts, over the server-wide ones.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Pass Authorization to scripts (Apache's CGIPassAuth). Off by default: credentials are not a script's business unless the operator says so.</summary>
    public bool PassAuthorization { get; init; }

    /// <summary>Extension (".py") to interpreter, for scripts that have no #! line.</summary>
    public IReadOnlyDictionary<string, string> Interpreters { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The Python that runs .py scripts without a #! line naming one, in warm mode.</summary>
    public string? Python { get; init; }

    public SymlinkPolicy Symlinks { get; init; } = SymlinkPolicy.OwnerMatch;

    /// <summary>Warm mode: keep the app's own modules resident, reloaded when edited.</summary>
    public bool KeepAppModules { get; init; }

    /// <summary>Warm mode: the variables of <see cref="Environment"/> a Python reads at start-up, as its workers get them.</summary>
    internal string PythonStartupEnvironment { get; init; } = "";

    /// <summary>Real path of <see cref="Path"/>, resolved once; scripts must stay under it.</summary>
    internal string RealRoot { get; init; } = "";

    public static string NormalizePrefix(string prefix)
    {
        string p = prefix.Trim();
        if (!p.StartsWith('/'))
        {
            p = "/" + p;
        }
        return p.TrimEnd('/');
    }
}
