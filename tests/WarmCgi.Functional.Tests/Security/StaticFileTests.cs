using System.Net;
using System.Net.Http.Headers;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Security;

public sealed class StaticFileTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly TestServer _server = fixture.Server;
    private readonly ScriptSite _site = fixture.Site;

    [Fact]
    public async Task A_stylesheet_is_served_with_its_type_and_an_ETag()
    {
        using var response = await _server.Client.GetAsync("/style.css").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(_site.Htdocs, "style.css")).Within(), await response.Content.ReadAsStringAsync().Within());
    }

    [Fact]
    public async Task A_conditional_request_with_the_ETag_gets_304()
    {
        using var first = await _server.Client.GetAsync("/style.css").Within();
        var request = new HttpRequestMessage(HttpMethod.Get, "/style.css");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);

        using var response = await _server.Client.SendAsync(request).Within();

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task A_range_request_gets_206_with_just_that_range()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/style.css");
        request.Headers.Range = new RangeHeaderValue(3, 12);

        using var response = await _server.Client.SendAsync(request).Within();
        string full = await File.ReadAllTextAsync(Path.Combine(_site.Htdocs, "style.css")).Within();

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 3-12/{full.Length}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(full[3..13], await response.Content.ReadAsStringAsync().Within());
    }

    [Fact]
    public async Task The_index_page_of_the_document_root_is_served()
    {
        using var response = await _server.Client.GetAsync("/").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("static index page", await response.Content.ReadAsStringAsync().Within(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Script_source_under_the_document_root_is_never_served()
    {
        using var response = await _server.Client.GetAsync("/leak.py").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("PY-SOURCE-MARKER", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/sub/")]
    [InlineData("/sub")]
    public async Task A_directory_without_an_index_is_never_listed(string path)
    {
        using var response = await _server.Client.GetAsync(path).Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("listed.txt", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_without_a_known_extension_is_served_as_Apache_serves_it()
    {
        // A dumb git repository under the document root is HEAD, info/refs, objects/...
        using var response = await _server.Client.GetAsync("/HEAD").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ref: refs/heads/main\n", await response.Content.ReadAsStringAsync().Within());
    }
}
