using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// An interpreter that cannot start a worker (here one that exits at once): each request gets
/// a fast 502 with the reason logged, respawning pauses after three failures in a row, and
/// the pool serves again once the interpreter is fixed -- never a request left waiting.
/// </summary>
public sealed class BootFailureTests(WarmFixture fixture) : IClassFixture<WarmFixture>
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly TimeSpan Fast = TimeSpan.FromSeconds(5);

    private readonly HttpClient _client = fixture.Client;
    private readonly ScriptSite _site = fixture.Site;
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task An_interpreter_that_exits_at_once_gets_fast_502s_and_its_pool_serves_once_it_is_fixed()
    {
        string bin = Path.Combine(_site.Work, $"broken-{Guid.NewGuid():N}");
        Directory.CreateDirectory(bin);
        string interpreter = Path.Combine(bin, "python3");
        await File.WriteAllTextAsync(interpreter, "#!/bin/sh\nexit 1\n").Within();
        File.SetUnixFileMode(interpreter, Executable);
        string name = $"boot_{Guid.NewGuid():N}.py";
        string script = Path.Combine(_site["warm"], "py3", name);
        await File.WriteAllTextAsync(script, $"#!{interpreter}\nimport os\nprint(\"Content-Type: text/plain\\nX-Worker-Pid: %d\\n\" % os.getpid())\nprint(\"served\")\n").Within();
        File.SetUnixFileMode(script, Executable);

        for (int i = 0; i < 5; i++)
        {
            var run = await _client.RunAsync($"/warm/py3/{name}").Within(Fast);
            Assert.True(run.Status == 502, $"request {i + 1} to a pool that cannot start: {run}");
        }
        await _server.Logs.WaitForAsync(e => e.EventId.Id == 205 && (e["Interpreter"] ?? "") == interpreter,
            "respawning paused after the failures, with the interpreter named");

        File.Delete(interpreter);
        File.CreateSymbolicLink(interpreter, "/usr/bin/python3");
        // Served once the pause is over (or at once, should the link give it a pool of its own).
        var deadline = DateTime.UtcNow + Timeouts.Request;
        ScriptRun served;
        while ((served = await _client.RunAsync($"/warm/py3/{name}").Within(Fast)).Status != 200 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.True(served.Status == 200, $"the fixed interpreter's pool: {served}");
        Assert.Equal("served\n", served.Text);
    }
}
