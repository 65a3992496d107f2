using WarmCgi.Routing;

namespace WarmCgi.Configuration;

/// <summary>
/// Everything `warmcgi serve` can be told, by flags, a JSON config file or WARMCGI__ variables.
/// Bound from configuration, validated once (<see cref="WarmCgiOptionsValidator"/>), then turned
/// into immutable mappings and settings.
/// </summary>
public sealed class WarmCgiOptions
{
    /// <summary>ADDR:PORT to listen on. Default 127.0.0.1:8080: loopback until the operator says otherwise.</summary>
    public List<string> Listen { get; set; } = [];

    /// <summary>Static files (CSS, images) beside the scripts; never a script's source.</summary>
    public string? DocumentRoot { get; set; }

    public List<ScriptMappingOptions> Mappings { get; set; } = [];

    /// <summary>Default mode of every mapping. Cold: works for every script on day one.</summary>
    public CgiMode Mode { get; set; } = CgiMode.Cold;

    /// <summary>Seconds a script may go without output or request body reaching it before its tree is killed (counted again at each). 60, Apache's Timeout.</summary>
    public double Timeout { get; set; } = 60;

    /// <summary>Variables every script gets (--set-env NAME=VALUE).</summary>
    public Dictionary<string, string> SetEnv { get; set; } = [];

    /// <summary>Variables of the server's own environment passed on to scripts (--pass-env NAME).</summary>
    public List<string> PassEnv { get; set; } = [];

    /// <summary>Concurrent cold scripts. 64: enough for a 2-core box to stay busy while scripts wait on I/O.</summary>
    public int MaxProcesses { get; set; } = 64;

    /// <summary>Requests that wait for a free slot before the fast 503. 256: a burst, not a backlog.</summary>
    public int QueueLimit { get; set; } = 256;

    /// <summary>Extension to interpreter for scripts without a #! line, e.g. ".py": "/usr/bin/python3".</summary>
    public Dictionary<string, string> Interpreters { get; set; } = [];

    /// <summary>Warm mode: the Python for .py scripts whose #! names none. Default: the first python3 on PATH.</summary>
    public string? Python { get; set; }

    /// <summary>Largest request body in bytes; 0 for unlimited. 1 GiB, Apache's LimitRequestBody.</summary>
    public long MaxRequestBodySize { get; set; } = 1L << 30;

    /// <summary>Where the access log (Apache combined format) goes: "-" for stdout, a file path, or "off".</summary>
    public string AccessLog { get; set; } = "-";

    public WarmPoolOptions Warm { get; set; } = new();

    /// <summary>Log levels by category, as in any .NET app: "Logging": { "LogLevel": { "WarmCgi": "Debug" } }.</summary>
    public LoggingOptions Logging { get; set; } = new();
}

/// <summary>Microsoft.Extensions.Logging's own section, listed so that it is a known key.</summary>
public sealed class LoggingOptions
{
    public Dictionary<string, string> LogLevel { get; set; } = [];
}

/// <summary>One --script-alias, with what may differ per mapping.</summary>
public sealed class ScriptMappingOptions
{
    public string Prefix { get; set; } = "";

    /// <summary>A directory of scripts, or a single script.</summary>
    public string Path { get; set; } = "";

    public CgiMode? Mode { get; set; }

    public double? Timeout { get; set; }

    public Dictionary<string, string> SetEnv { get; set; } = [];

    /// <summary>Let scripts see the Authorization header (Apache's CGIPassAuth).</summary>
    public bool PassAuth { get; set; }

    public Dictionary<string, string> Interpreters { get; set; } = [];

    public string? Python { get; set; }

    /// <summary>Which symlinks out of the mapping's root lead to a script: OwnerMatch (Apache's SymLinksIfOwnerMatch), Follow or Inside.</summary>
    public SymlinkPolicy Symlinks { get; set; } = SymlinkPolicy.OwnerMatch;

    /// <summary>Warm mode: keep the app's own modules resident (reloaded when edited) instead of importing them per request.</summary>
    public bool KeepAppModules { get; set; }
}

/// <summary>The resident interpreter pools of warm mode, sized like php-fpm's dynamic manager.</summary>
public sealed class WarmPoolOptions
{
    /// <summary>Workers kept alive when idle. Default 1.</summary>
    public int MinWorkers { get; set; } = 1;

    /// <summary>Workers per interpreter. Default: the core count, as scripts are CPU-bound in the interpreter.</summary>
    public int MaxWorkers { get; set; } = Environment.ProcessorCount;

    /// <summary>Requests that wait for a worker before the fast 503.</summary>
    public int QueueLimit { get; set; } = 256;

    /// <summary>
    /// Recycle a worker after this many requests (plus jitter), like gunicorn's max_requests;
    /// 0 never. Default 100,000: a new worker pays the interpreter's start and the script's
    /// imports again, and the pool runs a worker short meanwhile (measured, hello.py at 16
    /// connections: 7.8-8.5k requests/s recycling every 10,000, 11.0k every 100,000). Leaks
    /// are bounded by <see cref="MaxMemoryMb"/> as well.
    /// </summary>
    public int MaxRequests { get; set; } = 100_000;

    /// <summary>Plus a random 0..jitter requests, so that workers do not all recycle at once.</summary>
    public int MaxRequestsJitter { get; set; } = 10_000;

    /// <summary>Recycle a worker whose resident memory passes this many MiB; 0 never.</summary>
    public int MaxMemoryMb { get; set; } = 512;

    /// <summary>Seconds an extra worker may stay idle before it is stopped.</summary>
    public double IdleTimeout { get; set; } = 30;
}
