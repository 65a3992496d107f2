using System.Collections.Concurrent;
using WarmCgi.Processes;
using WarmCgi.Routing;

namespace WarmCgi.Workers;

/// <summary>
/// Which Python, if any, a script belongs to in warm mode: the one its #! line names
/// (directly or through /usr/bin/env), else — for a .py file without such a line — the
/// mapping's configured Python, else python3 on PATH. A script whose #! names anything else
/// (perl, sh, a Python with an unusual name) keeps running cold.
/// </summary>
internal static class PythonInterpreter
{
    // Per script, until the file changes (the resolver's stat of it tells): no open+read+PATH
    // search per request.
    private static readonly ConcurrentDictionary<(string Script, string? Configured), (FileStatus Stamp, string? Python)> ByScript = new();
    private static readonly ConcurrentDictionary<string, string?> ByProgram = new();

    public static string? ForScript(ScriptTarget target)
    {
        var stamp = target.File;
        if (stamp == default)
        {
            _ = FileStatus.TryGet(target.ScriptFilename, followLinks: true, out stamp);
        }
        var key = (target.ScriptFilename, ConfiguredPython(target));
        if (ByScript.TryGetValue(key, out var cached) && cached.Stamp == stamp)
        {
            return cached.Python;
        }
        string? python = Detect(target);
        ByScript[key] = (stamp, python);
        return python;
    }

    private static string? Detect(ScriptTarget target)
    {
        string? line = Shebang.ReadLine(target.ScriptFilename);
        if (line is not null)
        {
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                return null;
            }
            int at = 0;
            if (Path.GetFileName(words[0]) == "env")
            {
                at = Array.FindIndex(words, 1, w => !w.StartsWith('-'));
                if (at < 0)
                {
                    return null;
                }
            }
            string program = words[at];
            // Interpreter options change how the whole interpreter runs (-O, -S, -E, -B...):
            // a resident worker cannot honour them per script, so such scripts stay cold.
            // -u only changes stdout buffering, which the worker applies per request.
            bool plainOptions = words.Skip(at + 1).All(w => w == "-u");
            return plainOptions && IsPythonName(Path.GetFileName(program)) ? Locate(program) : null;
        }
        if (!target.ScriptFilename.EndsWith(".py", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return Locate(ConfiguredPython(target) ?? "python3");
    }

    private static string? ConfiguredPython(ScriptTarget target) =>
        target.Mapping.Python ?? target.Mapping.Interpreters.GetValueOrDefault(".py");

    /// <summary>python, python3, python3.11, python2.7, pypy3...</summary>
    internal static bool IsPythonName(string name)
    {
        string rest = name.StartsWith("python", StringComparison.Ordinal) ? name[6..]
            : name.StartsWith("pypy", StringComparison.Ordinal) ? name[4..]
            : "-";
        return rest.All(c => char.IsAsciiDigit(c) || c == '.');
    }

    /// <summary>An absolute path as is (when it exists); a bare name through PATH.</summary>
    internal static string? Locate(string program) => ByProgram.GetOrAdd(program, Search);

    private static string? Search(string program)
    {
        if (program.Contains('/'))
        {
            return File.Exists(program) ? program : null;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':'))
        {
            string candidate = Path.Combine(dir, program);
            if (File.Exists(candidate) && Spawner.IsExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
