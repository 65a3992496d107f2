using System.Diagnostics;
using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.CgiSemantics;

public sealed class StreamingTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task The_first_bytes_reach_the_client_before_the_script_ends()
    {
        // stream.py flushes its first line, then sleeps 3 s before the last one.
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2.5));
        using var response = await _client.GetAsync("/cgi-bin/stream.py", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));

        string? first = await reader.ReadLineAsync(deadline.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("first line", first);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"the first line took {clock.Elapsed}");
    }
}
