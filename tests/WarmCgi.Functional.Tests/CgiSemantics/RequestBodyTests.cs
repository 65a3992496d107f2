using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.CgiSemantics;

public sealed class RequestBodyTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private async Task<Dictionary<string, string>> PostAsync(HttpContent content)
    {
        using var response = await _client.PostAsync("/cgi-bin/echo_body.pl", content).Within();
        string text = await response.Content.ReadAsStringAsync().Within();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return Bodies.ParseReport(text);
    }

    [Fact]
    public async Task A_POST_body_streams_to_stdin_with_CONTENT_LENGTH()
    {
        byte[] body = Bodies.Random(300 * 1024);

        var report = await PostAsync(new ByteArrayContent(body));

        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), report["content_length"]);
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), report["read"]);
        Assert.Equal(Bodies.Sha256(body), report["sha256"]);
        Assert.Equal("POST", report["method"]);
    }

    [Fact]
    public async Task A_request_without_a_body_gives_the_script_an_empty_stdin()
    {
        using var response = await _client.GetAsync("/cgi-bin/echo_body.pl").Within();
        var report = Bodies.ParseReport(await response.Content.ReadAsStringAsync().Within());

        Assert.Equal("unset", report["content_length"]);
        Assert.Equal("0", report["read"]);
    }

    [Fact]
    public async Task A_small_chunked_body_is_spooled_and_CONTENT_LENGTH_set()
    {
        byte[] body = Bodies.Random(40 * 1024);

        var report = await PostAsync(new ChunkedContent(body, chunkSize: 5000));

        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), report["content_length"]);
        Assert.Equal(Bodies.Sha256(body), report["sha256"]);
    }

    [Fact]
    public async Task A_chunked_body_past_the_memory_threshold_is_spooled_to_a_file_and_CONTENT_LENGTH_set()
    {
        byte[] body = Bodies.Random(3 * 1024 * 1024 + 17);

        var report = await PostAsync(new ChunkedContent(body));

        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), report["content_length"]);
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), report["read"]);
        Assert.Equal(Bodies.Sha256(body), report["sha256"]);
    }

    [Fact]
    public async Task An_empty_chunked_body_gives_CONTENT_LENGTH_zero()
    {
        var report = await PostAsync(new ChunkedContent([]));

        Assert.Equal("0", report["read"]);
        Assert.Contains(report["content_length"], new[] { "0", "unset" });
    }

    [Fact]
    public async Task A_script_that_writes_a_megabyte_before_reading_a_megabyte_body_does_not_deadlock()
    {
        byte[] body = Bodies.Random(1 << 20);

        using var response = await _client.PostAsync("/cgi-bin/write_then_read.py", new ByteArrayContent(body)).Within();
        byte[] output = await response.Content.ReadAsByteArrayAsync().Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal((1 << 20) + "\nread=1048576\n".Length, output.Length);
        Assert.EndsWith("\nread=1048576\n", System.Text.Encoding.ASCII.GetString(output, output.Length - 20, 20), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_script_that_writes_a_megabyte_before_reading_a_chunked_body_does_not_deadlock()
    {
        byte[] body = Bodies.Random(1 << 20);

        using var response = await _client.PostAsync("/cgi-bin/write_then_read.py", new ChunkedContent(body)).Within();
        byte[] output = await response.Content.ReadAsByteArrayAsync().Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.EndsWith("\nread=1048576\n", System.Text.Encoding.ASCII.GetString(output, output.Length - 20, 20), StringComparison.Ordinal);
    }
}
