namespace WarmCgi.Workers;

/// <summary>What one pool's workers are started with; workers of one pool are interchangeable.</summary>
internal sealed record WorkerSpec(
    string Interpreter,
    string WorkerScript,
    IReadOnlyList<string> Environment,
    bool KeepAppModules,
    bool Fork,
    TimeSpan BootTimeout);

/// <summary>
/// A pool is keyed by the interpreter, how app modules are treated, the variables of the
/// mapping's SetEnv that the interpreter reads when it starts (<see cref="StartupVariables"/>),
/// and whether its workers run each script in a forked child (fork mode) or themselves.
/// </summary>
internal readonly record struct PoolKey(string Interpreter, bool KeepAppModules, string StartupEnvironment, bool Fork);

/// <summary>
/// What Python reads from its environment once, at start-up: PYTHONPATH, PYTHONWARNINGS,
/// PYTHONIOENCODING... and the locale; and Mercurial's HGENCODING, read once at import.
/// Under CGI a mapping's SetEnv PYTHONPATH=... reaches every fresh interpreter; in warm mode
/// it must be in the worker's own environment, so mappings that set them differently get
/// pools of their own.
/// </summary>
internal static class StartupVariables
{
    /// <summary>The mapping's start-up variables as "NAME=value" lines, sorted: equal sets share a pool.</summary>
    public static string Of(IReadOnlyDictionary<string, string> mappingEnvironment) =>
        string.Join('\n', mappingEnvironment
            .Where(kv => IsStartupVariable(kv.Key) && !kv.Value.Contains('\n', StringComparison.Ordinal))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key + "=" + kv.Value));

    public static IEnumerable<KeyValuePair<string, string>> Parse(string startupEnvironment) =>
        startupEnvironment.Length == 0
            ? []
            : startupEnvironment.Split('\n').Select(line => line.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], p[1]));

    // HG*: Mercurial reads HGENCODING and its kin once, when mercurial.encoding is imported.
    private static bool IsStartupVariable(string name) =>
        name.StartsWith("PYTHON", StringComparison.Ordinal) || name.StartsWith("HG", StringComparison.Ordinal)
        || name is "LANG" or "LC_ALL" or "LC_CTYPE";
}
