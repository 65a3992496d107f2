using Microsoft.Extensions.Logging;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

public sealed class RecycleAfterTwoFixture : WarmFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Warm:MaxRequests"] = "2";
        settings["Warm:MaxRequestsJitter"] = "0";
        return settings;
    }
}

/// <summary>
/// Warm:MaxRequests recycles a worker after that many requests: its replacement starts, the
/// old worker serves on until the new one is ready, and then never again. One worker here, so
/// that a pool running a worker short would show as a wait.
/// </summary>
public sealed class RecyclingTests(RecycleAfterTwoFixture fixture) : IClassFixture<RecycleAfterTwoFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task A_worker_past_its_quota_serves_on_until_its_replacement_is_ready_then_never_again()
    {
        var runs = new List<ScriptRun>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (runs.Select(r => r.Pid).Distinct().Count() < 3 && clock.Elapsed < Timeouts.Request)
        {
            runs.Add(await _client.RunAsync("/warm/py3/pid.py"));
        }

        var pids = runs.Select(r => r.Pid).ToList();
        Assert.All(runs, run => Assert.Equal(200, run.Status));
        var order = pids.Distinct().ToList();
        Assert.True(order.Count >= 3, "no third worker: " + string.Join(", ", pids));
        // Each worker served at least its quota, in one stretch: once replaced, never seen again;
        // and requests kept coming while a replacement started (an interpreter takes far longer
        // to start than a request here takes), so a worker served past its quota.
        Assert.True(order.SkipLast(1).Any(pid => pids.Count(p => p == pid) > 2),
            "no worker served past its quota while its replacement started: " + string.Join(", ", pids));
        for (int i = 0; i < order.Count - 1; i++)
        {
            int first = pids.IndexOf(order[i]), last = pids.LastIndexOf(order[i]);
            Assert.True(last - first + 1 >= 2, $"worker {order[i]} served fewer than its 2 requests: " + string.Join(", ", pids));
            Assert.True(pids.Skip(first).Take(last - first + 1).All(p => p == order[i]), "a replaced worker came back: " + string.Join(", ", pids));
        }
    }
}

public sealed class LeakedFilesFixture : WarmFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["SetEnv:WARMCGI_LEAKED_FDS_MAX"] = "20";   // the default is 256
        return settings;
    }
}

/// <summary>
/// A worker whose scripts leave files open (closed by a CGI process's exit, kept by a resident
/// interpreter) asks for a replacement once they pass a limit, instead of running out of
/// descriptors and failing every later request; it serves on until the replacement is ready.
/// </summary>
public sealed class LeakedFilesTests(LeakedFilesFixture fixture) : IClassFixture<LeakedFilesFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task A_worker_left_holding_too_many_open_files_is_replaced_and_no_request_fails()
    {
        // leak_fds.py leaves 5 files open a request: past the limit of 20 after its 4th, the
        // worker asks for a replacement, and serves on until that one is ready.
        var runs = new List<ScriptRun>();
        while (runs.Select(r => r.Pid).Distinct().Count() < 2 && runs.Count < 200)
        {
            runs.Add(await _client.RunAsync("/warm/py3/leak_fds.py"));
        }

        Assert.All(runs, run => Assert.Equal("leaked 5\n", run.Text));
        var pids = runs.Select(r => r.Pid).ToList();
        Assert.True(pids.Distinct().Count() == 2, "the worker was never replaced: " + string.Join(", ", pids.Distinct()));
        Assert.True(pids.Count(p => p == pids[0]) >= 4, "replaced before it had leaked past the limit: " + string.Join(", ", pids));
        var reason = await _server.Logs.WaitForAsync(e => e.Message.Contains("asks to be replaced", StringComparison.Ordinal), "the worker's reason logged");
        Assert.Equal(LogLevel.Warning, reason.Level);
        Assert.Contains(_server.Logs.Entries, e => e.EventId.Id == 204 && e.Message.Contains("ready: Python", StringComparison.Ordinal) && e.Level == LogLevel.Information);
    }
}
