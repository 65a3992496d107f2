using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

public sealed class ThreeSecondWarmFixture : WarmTimeoutFixture
{
    protected override string Seconds => "3";
}

/// <summary>In warm mode too, a script that keeps printing or an upload that keeps coming runs past the timeout (4 s against 3 s).</summary>
public sealed class WarmSilenceTimeoutTests(ThreeSecondWarmFixture fixture) : IClassFixture<ThreeSecondWarmFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task A_script_that_keeps_printing_runs_past_its_timeout_as_under_Apache()
    {
        var run = await _client.RunAsync("/warm/py3/report.py");

        Assert.Equal(200, run.Status);
        Assert.EndsWith("row 15\ndone\n", run.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_that_keeps_coming_runs_past_the_timeout_as_under_Apache()
    {
        string response = await SlowUpload.PostAsync(fixture.Server.Port, "/warm/py3/body_cat.py", 8, 1000, TimeSpan.FromSeconds(0.5));

        Assert.StartsWith("HTTP/1.1 200 ", response, StringComparison.Ordinal);
        Assert.Contains(new string('x', 8000), response, StringComparison.Ordinal);
    }
}
