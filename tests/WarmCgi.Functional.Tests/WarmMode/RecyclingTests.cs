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

/// <summary>Warm:MaxRequests recycles a worker after that many requests.</summary>
public sealed class RecyclingTests(RecycleAfterTwoFixture fixture) : IClassFixture<RecycleAfterTwoFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task A_worker_is_replaced_after_serving_MaxRequests_requests()
    {
        var runs = await _client.RunTimesAsync(6, "/warm/py3/pid.py");

        var pids = runs.Select(r => r.Pid).ToList();
        Assert.All(runs, run => Assert.Equal(200, run.Status));
        Assert.True(pids[0] == pids[1] && pids[2] == pids[3] && pids[4] == pids[5] && pids.Distinct().Count() == 3,
            "expected three workers, two requests each: " + string.Join(", ", pids));
    }
}
