using System.Diagnostics;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>Output streams to the client as the script flushes it, and big outputs pass whole.</summary>
public sealed class WarmOutputTests(WarmFixture fixture) : IClassFixture<WarmFixture>
{
    private const int Megabytes = 20;

    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task The_first_bytes_reach_the_client_before_the_script_ends(string python)
    {
        // stream.py flushes its first line, then sleeps 2 s before the last one.
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await _client.GetAsync($"/warm/{python}/stream.py", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));

        string? first = await reader.ReadLineAsync(deadline.Token);
        var firstAfter = clock.Elapsed;
        string rest = await reader.ReadToEndAsync(deadline.Token);

        Assert.Equal("first line", first);
        Assert.True(firstAfter < TimeSpan.FromSeconds(1.5), $"the first line took {firstAfter}");
        Assert.Equal("last line\n", rest);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Twenty_megabytes_of_output_pass_whole_request_after_request(string python)
    {
        byte[] block = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789abcdef", 4096)));

        var runs = await _client.RunTimesAsync(2, $"/warm/{python}/big.py?{Megabytes}");

        foreach (var run in runs)
        {
            Assert.Equal(200, run.Status);
            Assert.Equal(Megabytes << 20, run.Body.Length);
            for (int offset = 0; offset < run.Body.Length; offset += block.Length)
            {
                Assert.True(run.Body.AsSpan(offset, block.Length).SequenceEqual(block), $"wrong bytes at offset {offset}");
            }
        }
        ScriptRuns.AssertSameWorker(runs);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task An_answer_the_script_wrote_whole_goes_out_with_its_Content_Length(string python)
    {
        for (int i = 0; i < 3; i++)
        {
            using var response = await _client.GetAsync($"/warm/{python}/pid.py").Within();
            byte[] body = await response.Content.ReadAsByteArrayAsync().Within();

            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        }
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task An_answer_still_being_written_when_it_starts_is_chunked(string python)
    {
        using var response = await _client.GetAsync($"/warm/{python}/stream.py", HttpCompletionOption.ResponseHeadersRead).Within();
        bool chunked = response.Headers.TransferEncodingChunked == true;
        long? length = response.Content.Headers.ContentLength;
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.True(chunked, "the streamed answer was not chunked");
        Assert.Null(length);
        Assert.Equal("first line\nlast line\n", body);
    }
}
