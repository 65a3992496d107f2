using System.CommandLine;
using Microsoft.Extensions.Configuration;
using WarmCgi.Configuration;

namespace WarmCgi.Cli;

/// <summary>
/// `warmcgi serve`: its flags are a contract (scripts outside the project call them). Flags
/// override WARMCGI__ environment variables, which override the config file.
/// </summary>
internal static class ServeCommand
{
    private static readonly Option<string[]> Listen = new("--listen") { Description = "ADDR:PORT to listen on (repeatable). Default 127.0.0.1:8080.", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string[]> ScriptAlias = new("--script-alias") { Description = "PREFIX=PATH: a directory of CGI scripts, or one script, under a URL prefix (repeatable), like Apache's ScriptAlias.", Arity = ArgumentArity.ZeroOrMore };
    private static readonly Option<string?> DocRoot = new("--docroot") { Description = "Directory of static files (CSS, images) served beside the scripts." };
    private static readonly Option<string?> Mode = new("--mode") { Description = "cold: a process per request (any executable). warm: Python scripts run in resident interpreters. fork: in a child forked per request from one." };
    private static readonly Option<double?> Timeout = new("--timeout") { Description = "Seconds a script may go without output or request body reaching it (since it started or the last of either) before its process tree is killed and the client gets 504. Default 60." };
    private static readonly Option<string[]> SetEnv = new("--set-env") { Description = "NAME=VALUE given to every script (repeatable).", Arity = ArgumentArity.ZeroOrMore };
    private static readonly Option<string[]> PassEnv = new("--pass-env") { Description = "NAME of a server environment variable passed on to scripts (repeatable).", Arity = ArgumentArity.ZeroOrMore };
    private static readonly Option<int?> MaxProcesses = new("--max-processes") { Description = "Concurrent cold scripts; past it requests queue, past the queue they get 503. Default 64." };
    private static readonly Option<string?> Config = new("--config") { Description = "A JSON file saying anything the flags say, plus per-mapping settings." };
    private static readonly Option<string?> Python = new("--python") { Description = "Warm mode: the Python for .py scripts whose #! line names none." };
    private static readonly Option<string?> AccessLog = new("--access-log") { Description = "Access log (Apache combined format): - for stdout (default), a file, or off." };

    public static Command Create()
    {
        Mode.AcceptOnlyFromAmong("cold", "warm", "fork");
        var command = new Command("serve", "Serve CGI scripts over HTTP. With no arguments, serves the bundled sample app on 127.0.0.1:8080.")
        {
            Listen, ScriptAlias, DocRoot, Mode, Timeout, SetEnv, PassEnv, MaxProcesses, Config, Python, AccessLog,
        };
        command.SetAction((result, cancellationToken) => Server.RunAsync(result.GetValue(Config), ToConfiguration(result), cancellationToken));
        return command;
    }

    /// <summary>The flags as configuration keys, the highest-priority layer.</summary>
    private static Dictionary<string, string?> ToConfiguration(ParseResult result)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var listen = result.GetValue(Listen) ?? [];
        for (int i = 0; i < listen.Length; i++)
        {
            values[$"Listen:{i}"] = listen[i];
        }
        var aliases = result.GetValue(ScriptAlias) ?? [];
        for (int i = 0; i < aliases.Length; i++)
        {
            var (prefix, path) = SplitPair(aliases[i], "--script-alias");
            // Flag mappings come after the config file's (a high index), so both apply.
            values[$"Mappings:{1000 + i}:Prefix"] = prefix;
            values[$"Mappings:{1000 + i}:Path"] = path;
        }
        foreach (var pair in result.GetValue(SetEnv) ?? [])
        {
            var (name, value) = SplitPair(pair, "--set-env");
            values[$"SetEnv:{name}"] = value;
        }
        var passEnv = result.GetValue(PassEnv) ?? [];
        for (int i = 0; i < passEnv.Length; i++)
        {
            values[$"PassEnv:{1000 + i}"] = passEnv[i];
        }
        Set(values, "DocumentRoot", result.GetValue(DocRoot));
        Set(values, "Mode", result.GetValue(Mode));
        Set(values, "Timeout", result.GetValue(Timeout)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set(values, "MaxProcesses", result.GetValue(MaxProcesses)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Set(values, "Python", result.GetValue(Python));
        Set(values, "AccessLog", result.GetValue(AccessLog));
        return values;
    }

    private static void Set(Dictionary<string, string?> values, string key, string? value)
    {
        if (value is not null)
        {
            values[key] = value;
        }
    }

    private static (string, string) SplitPair(string text, string flag)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new ConfigurationException($"{flag}: '{text}' is not NAME=VALUE");
        }
        return (text[..eq], text[(eq + 1)..]);
    }
}

/// <summary>A configuration error: printed as is, and the server does not start.</summary>
internal sealed class ConfigurationException(string message) : Exception(message);
