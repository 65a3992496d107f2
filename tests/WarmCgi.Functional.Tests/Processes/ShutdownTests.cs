using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Processes;

/// <summary>
/// Stopping the server (what SIGTERM and SIGINT do) drains for at most the script timeout,
/// then stops what still runs: SIGTERM, and SIGKILL after the grace. The server waits for the
/// SIGKILL before it exits, or a script that ignores SIGTERM would outlive it for good.
/// </summary>
public sealed class ShutdownTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly ScriptSite _site = fixture.Site;

    [Theory]
    [InlineData("/cgi-bin/sleepy.sh?{0}+stubborn", ".grandchild")]
    [InlineData("/warm/py3/stubborn.py?{0}", ".child")]
    public async Task A_script_that_ignores_SIGTERM_is_gone_with_its_children_when_the_server_has_stopped(string url, string child)
    {
        var settings = fixture.Settings();
        settings["Timeout"] = "1";
        settings["Mappings:1900:Prefix"] = "/warm";
        settings["Mappings:1900:Path"] = _site["warm"];
        settings["Mappings:1900:Mode"] = "warm";
        var server = await TestServer.StartAsync(settings);
        // A worker's start counts against the 1 s timeout: on a busy machine the first
        // request may time out waiting for one, so the pool is warmed first.
        var deadline = DateTime.UtcNow + Timeouts.Request;
        while ((await server.Client.GetAsync("/warm/py3/pid.py").Within()).StatusCode != System.Net.HttpStatusCode.OK && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        string name = $"shutdown-{Guid.NewGuid():N}";
        var request = server.Client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, url, name));
        int[] pids =
        [
            ProcessState.ReadPid(await Eventually.FileAsync(_site.WorkFile(name + ".pid"), Timeouts.Request)),
            ProcessState.ReadPid(await Eventually.FileAsync(_site.WorkFile(name + child), Timeouts.Request)),
        ];

        await server.DisposeAsync();   // the host's stop, as on SIGTERM

        // A moment for the SIGKILL to land: its grace (2-3 s) must not still be running.
        await ProcessState.AllGoneAsync(pids, TimeSpan.FromSeconds(0.5));
        await Record.ExceptionAsync(() => request);
    }
}
