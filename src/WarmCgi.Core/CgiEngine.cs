using Microsoft.Extensions.Logging;
using WarmCgi.Cgi;
using WarmCgi.Configuration;
using WarmCgi.Pipeline;
using WarmCgi.Processes;
using WarmCgi.Routing;
using WarmCgi.Workers;

namespace WarmCgi;

/// <summary>
/// Wires validated options into the running parts: the resolver, the environment settings,
/// the cold backend, the warm pools and the dispatcher that ties them together. Owns the pools.
/// </summary>
public sealed class CgiEngine : IAsyncDisposable
{
    /// <summary>The server's name and version: SERVER_SOFTWARE, and the standalone server's Server header.</summary>
    public static string ServerSoftware { get; } = "WarmCgi/" + typeof(CgiEngine).Assembly.GetName().Version?.ToString(3);

    private readonly ColdBackend _cold;
    private readonly WarmBackend _warm;

    public CgiEngine(WarmCgiOptions options, ILoggerFactory loggerFactory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        time ??= TimeProvider.System;
        var settings = new DispatcherSettings
        {
            MaxRequestBodySize = options.MaxRequestBodySize == 0 ? null : options.MaxRequestBodySize,
        };
        Environment = BuildEnvironment(options);
        Resolver = new ScriptResolver(options.Mappings.Select(m => BuildMapping(m, options)));
        _cold = new ColdBackend(options.MaxProcesses, options.QueueLimit, settings.KillGrace, time);
        _warm = new WarmBackend(options.Warm, Environment, settings.KillGrace, time, loggerFactory, _cold);
        Dispatcher = new CgiDispatcher(Resolver, Environment, settings, SelectBackend, time, loggerFactory.CreateLogger("WarmCgi.Script"));
    }

    public CgiDispatcher Dispatcher { get; }

    public ScriptResolver Resolver { get; }

    public CgiEnvironmentSettings Environment { get; }

    public WarmBackend Warm => _warm;

    private ICgiBackend SelectBackend(ScriptTarget target) =>
        target.Mapping.Mode is CgiMode.Warm or CgiMode.Fork ? _warm : _cold;

    internal static ScriptMapping BuildMapping(ScriptMappingOptions m, WarmCgiOptions options)
    {
        string path = Path.GetFullPath(m.Path);
        var interpreters = new Dictionary<string, string>(options.Interpreters, StringComparer.OrdinalIgnoreCase);
        foreach (var (ext, interpreter) in m.Interpreters)
        {
            interpreters[ext] = interpreter;
        }
        return new ScriptMapping
        {
            Prefix = ScriptMapping.NormalizePrefix(m.Prefix),
            Path = Directory.Exists(path) ? path.TrimEnd('/') : path,
            IsDirectory = Directory.Exists(path),
            Mode = m.Mode ?? options.Mode,
            Timeout = TimeSpan.FromSeconds(m.Timeout ?? options.Timeout),
            Environment = new Dictionary<string, string>(m.SetEnv),
            PassAuthorization = m.PassAuth,
            Interpreters = interpreters,
            Python = m.Python ?? options.Python,
            KeepAppModules = m.KeepAppModules,
            Symlinks = m.Symlinks,
            PythonStartupEnvironment = Workers.StartupVariables.Of(m.SetEnv),
        };
    }

    private static CgiEnvironmentSettings BuildEnvironment(WarmCgiOptions options)
    {
        var extra = new Dictionary<string, string>();
        foreach (var name in options.PassEnv)
        {
            string? value = System.Environment.GetEnvironmentVariable(name);
            if (value is not null)
            {
                extra[name] = value;
            }
        }
        foreach (var (name, value) in options.SetEnv)
        {
            extra[name] = value;
        }
        return new CgiEnvironmentSettings
        {
            ServerSoftware = ServerSoftware,
            DocumentRoot = options.DocumentRoot is null ? null : Path.GetFullPath(options.DocumentRoot).TrimEnd('/'),
            Path = System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            Extra = extra,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _warm.DisposeAsync().ConfigureAwait(false);
        _cold.Dispose();
        // The workers just stopped, and scripts the drain cut off, get their SIGKILL before we go.
        await Processes.ProcessGroup.WhenAllTerminatedAsync().ConfigureAwait(false);
    }
}
