using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.CgiSemantics;

public sealed class BodyLimitFixture : SiteFixture
{
    public const int Limit = 64 * 1024;

    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["MaxRequestBodySize"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return settings;
    }
}

public sealed class BodyLimitTests(BodyLimitFixture fixture) : IClassFixture<BodyLimitFixture>
{
    private readonly TestServer _server = fixture.Server;
    private readonly ScriptSite _site = fixture.Site;

    [Fact]
    public async Task A_body_of_exactly_the_limit_is_accepted()
    {
        byte[] body = Bodies.Random(BodyLimitFixture.Limit);

        using var response = await _server.Client.PostAsync("/cgi-bin/echo_body.pl", new ByteArrayContent(body)).Within();
        var report = Bodies.ParseReport(await response.Content.ReadAsStringAsync().Within());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Bodies.Sha256(body), report["sha256"]);
    }

    [Fact]
    public async Task A_declared_length_over_the_limit_gets_413_before_the_script_runs()
    {
        string marker = _site.WorkFile("limit-declared");

        using var response = await _server.Client.PostAsync("/cgi-bin/touch.sh?limit-declared", new ByteArrayContent(Bodies.Random(BodyLimitFixture.Limit + 1))).Within();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.False(File.Exists(marker), "the script ran");
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_gets_413_and_the_script_never_runs()
    {
        string marker = _site.WorkFile("limit-chunked");

        using var response = await _server.Client.PostAsync("/cgi-bin/touch.sh?limit-chunked", new ChunkedContent(Bodies.Random(BodyLimitFixture.Limit * 2), chunkSize: 10_000)).Within();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.False(File.Exists(marker), "the script ran");
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_in_one_chunk_gets_413()
    {
        using var response = await _server.Client.PostAsync("/cgi-bin/echo_body.pl", new ChunkedContent(Bodies.Random(BodyLimitFixture.Limit + 1000), chunkSize: 1 << 20)).Within();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }
}
