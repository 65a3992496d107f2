using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// Output streams to the client as the script flushes it, and big outputs pass whole.
/// <paramref name="mode"/> is "warm" or "fork": the same scripts under that mapping's prefix.
/// </summary>
public abstract class OutputTests(WarmFixture fixture, string mode)
{
    private const int Megabytes = 20;

    protected HttpClient Client { get; } = fixture.Client;
    private readonly ScriptSite _site = fixture.Site;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task The_first_bytes_reach_the_client_before_the_script_ends(string python)
    {
        // stream.py flushes its first line, then holds the last one until it is released: the
        // first line can only arrive before that if the worker's output is passed on as it comes.
        string name = python + "-stream";
        using var response = await Client.GetAsync($"/{mode}/{python}/stream.py?{name}", HttpCompletionOption.ResponseHeadersRead).Within();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync().Within());

        string? first = await reader.ReadLineAsync().Within(Timeouts.StreamedLine);
        await File.WriteAllTextAsync(_site.WorkFile(name + ".release"), "").Within();
        string rest = await reader.ReadToEndAsync().Within();

        Assert.Equal("first line", first);
        Assert.Equal("last line\n", rest);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Headers_reach_the_client_before_a_body_the_script_holds_back(string python)
    {
        // head_first.py flushes its head alone, then holds its body until it is released.
        string name = python + "-head-first";
        using var response = await Client.GetAsync($"/{mode}/{python}/head_first.py?{name}", HttpCompletionOption.ResponseHeadersRead)
            .Within(Timeouts.StreamedLine);
        await File.WriteAllTextAsync(_site.WorkFile(name + ".release"), "").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal("first", Assert.Single(response.Headers.GetValues("X-Head")));
        Assert.Equal("body\n", body);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Twenty_megabytes_of_output_pass_whole_request_after_request(string python)
    {
        byte[] block = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("0123456789abcdef", 4096)));

        var runs = await Client.RunTimesAsync(2, $"/{mode}/{python}/big.py?{Megabytes}");

        foreach (var run in runs)
        {
            Assert.Equal(200, run.Status);
            Assert.Equal(Megabytes << 20, run.Body.Length);
            for (int offset = 0; offset < run.Body.Length; offset += block.Length)
            {
                Assert.True(run.Body.AsSpan(offset, block.Length).SequenceEqual(block), $"wrong bytes at offset {offset}");
            }
        }
        ScriptRuns.AssertWorkers(mode, runs);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task An_answer_still_being_written_when_it_starts_is_chunked(string python)
    {
        // The headers come while stream.py still holds its last line: the length is not known yet.
        string name = python + "-chunked";
        using var response = await Client.GetAsync($"/{mode}/{python}/stream.py?{name}", HttpCompletionOption.ResponseHeadersRead).Within();
        bool chunked = response.Headers.TransferEncodingChunked == true;
        long? length = response.Content.Headers.ContentLength;
        await File.WriteAllTextAsync(_site.WorkFile(name + ".release"), "").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.True(chunked, "the streamed answer was not chunked");
        Assert.Null(length);
        Assert.Equal("first line\nlast line\n", body);
    }
}

/// <summary>A resident worker's output is passed on as the script flushes it, request after request.</summary>
public sealed class WarmOutputTests(WarmFixture fixture) : OutputTests(fixture, "warm"), IClassFixture<WarmFixture>
{
    // Warm only: a worker sends a short answer and its END_REQUEST in one write, so the whole
    // answer is there when the server starts it. A forked child's may come in two pieces, and
    // so may a worker's that lost the CPU for longer than its pump's tick (a loaded machine):
    // most answers, not every one, are measured.
    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task An_answer_the_script_wrote_whole_goes_out_with_its_Content_Length(string python)
    {
        int withLength = 0;
        for (int i = 0; i < 5; i++)
        {
            using var response = await Client.GetAsync($"/warm/{python}/pid.py").Within();
            byte[] body = await response.Content.ReadAsByteArrayAsync().Within();

            Assert.Equal(200, (int)response.StatusCode);
            if (response.Content.Headers.ContentLength == body.Length && response.Headers.TransferEncodingChunked != true)
            {
                withLength++;
            }
        }
        Assert.True(withLength >= 3, $"only {withLength} of 5 whole answers had a Content-Length");
    }
}

/// <summary>A forked child's output is passed on as it flushes it, as a CGI process's is.</summary>
public sealed class ForkOutputTests(ForkFixture fixture) : OutputTests(fixture, "fork"), IClassFixture<ForkFixture>;
