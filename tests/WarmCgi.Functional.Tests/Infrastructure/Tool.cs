using System.Diagnostics;
using System.Text;

namespace WarmCgi.Functional.Infrastructure;

/// <summary>What a client process printed and how it ended.</summary>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>
/// Runs a real client (git, hg, cgi-fcgi) as its own process with a private HOME, no system config, no
/// proxy, and a timeout after which it is killed. A missing tool fails the test with the apt
/// package to install: nothing is skipped silently.
/// </summary>
public sealed class Tool
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly string[] ProxyVariables = ["http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "no_proxy", "NO_PROXY"];

    private readonly string _path;
    private readonly string _home;
    private readonly Dictionary<string, string> _environment;

    private Tool(string path, string home, Dictionary<string, string> environment)
    {
        _path = path;
        _home = home;
        _environment = environment;
    }

    /// <summary>Fails the test, naming the Debian package, when <paramref name="path"/> is missing.</summary>
    public static void Require(string path, string aptPackage)
    {
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} is missing: install it with `apt-get install -y {aptPackage}`");
        }
    }

    public static Tool Git(string home) => new("/usr/bin/git", home, new()
    {
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GIT_AUTHOR_NAME"] = "WarmCgi Test",
        ["GIT_AUTHOR_EMAIL"] = "test@example.com",
        ["GIT_COMMITTER_NAME"] = "WarmCgi Test",
        ["GIT_COMMITTER_EMAIL"] = "test@example.com",
    });

    public static Tool Hg(string home) => new("/usr/bin/hg", home, new()
    {
        ["HGRCPATH"] = "",
        ["HGPLAIN"] = "1",
        ["HGUSER"] = "WarmCgi Test <test@example.com>",
        ["HGENCODING"] = "utf-8",
    });

    /// <summary>libfcgi's cgi-fcgi: runs one FastCGI request, its environment as PARAMS.</summary>
    public static Tool CgiFcgi(string home) => new("/usr/bin/cgi-fcgi", home, []);

    public Tool With(string name, string value)
    {
        var environment = new Dictionary<string, string>(_environment) { [name] = value };
        return new Tool(_path, _home, environment);
    }

    /// <summary>Runs the tool and asserts it succeeded.</summary>
    public async Task<ToolResult> RunAsync(string workingDirectory, params string[] arguments)
    {
        var result = await TryRunAsync(workingDirectory, arguments);
        Assert.True(result.ExitCode == 0, $"{Path.GetFileName(_path)} {string.Join(' ', arguments)} failed: {result}");
        return result;
    }

    public async Task<ToolResult> TryRunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(_path)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (string name in ProxyVariables)
        {
            start.Environment.Remove(name);
        }
        start.Environment["HOME"] = _home;
        foreach (var (name, value) in _environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(_path)} {string.Join(' ', arguments)} did not finish in {DefaultTimeout.TotalSeconds} s; stderr so far: {Partial(stderr)}");
        }
        return new ToolResult(process.ExitCode, await stdout.Within(), await stderr.Within());
    }

    private static string Partial(Task<string> output) => output.IsCompletedSuccessfully ? output.Result : "(still open)";
}
