namespace WarmCgi.Functional.WarmMode;

public sealed class TwoWorkersFixture : WarmFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Warm:MaxWorkers"] = "2";
        return settings;
    }
}

/// <summary>The fork fixture with two resident interpreters to fork from (Warm:MaxWorkers 2).</summary>
public sealed class ForkTwoWorkersFixture : ForkFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Warm:MaxWorkers"] = "2";
        return settings;
    }
}

/// <summary>
/// Many requests at once over two workers: each answer holds its own request's data only.
/// <paramref name="mode"/> is "warm" or "fork": the same scripts under that mapping's prefix.
/// </summary>
public abstract class ConcurrentRequestsTests(WarmFixture fixture, string mode)
{
    private const int Requests = 40;

    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Parallel_requests_each_see_only_their_own_query_cookie_and_body(string python)
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, Requests).Select(i =>
            _client.RunAsync($"/{mode}/{python}/environ.py?id={i}", new StringContent($"body of request {i}"), cookie: $"session={i}")));

        for (int i = 0; i < Requests; i++)
        {
            var run = runs[i];
            Assert.Equal(200, run.Status);
            Assert.Equal($"id={i}", run["query"]);
            Assert.Equal($"session={i}", run["cookie"]);
            Assert.Equal($"body of request {i}", run["body"]);
            Assert.Equal($"id={i}|session={i}|unset", run["child"]);
            Assert.Equal("unset", run["leftover"]);
        }
        // A forked script reports its child's pid, not the interpreter's: the two resident
        // interpreters cannot be counted from it, only told to have forked a child per request.
        if (mode == "fork")
        {
            ScriptRuns.AssertWorkers(mode, runs);
            return;
        }
        var pids = runs.Select(r => r.Pid).Distinct().ToList();
        Assert.True(pids.Count <= 2, "more workers than Warm:MaxWorkers: " + string.Join(", ", pids));
    }
}

/// <summary>Two resident workers serve forty requests at once, none seeing another's data.</summary>
public sealed class WarmConcurrentRequestsTests(TwoWorkersFixture fixture) : ConcurrentRequestsTests(fixture, "warm"), IClassFixture<TwoWorkersFixture>;

/// <summary>Children forked from two interpreters serve forty requests at once, none seeing another's data.</summary>
public sealed class ForkConcurrentRequestsTests(ForkTwoWorkersFixture fixture) : ConcurrentRequestsTests(fixture, "fork"), IClassFixture<ForkTwoWorkersFixture>;
