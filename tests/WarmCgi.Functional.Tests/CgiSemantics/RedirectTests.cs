using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.CgiSemantics;

public sealed class RedirectTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task A_local_redirect_is_dispatched_inside_the_server_as_a_GET()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/cgi-bin/redirect.sh?local")
        {
            Content = new StringContent("a body the redirect target must not see"),
        };

        var view = await ScriptView.FetchAsync(_server.Client, request);

        Assert.Equal("GET", view["REQUEST_METHOD"]);
        Assert.Equal("/cgi-bin/env.py", view["SCRIPT_NAME"]);
        Assert.Equal("redirected=1", view["QUERY_STRING"]);
        Assert.Equal("/cgi-bin/env.py?redirected=1", view["REQUEST_URI"]);
        Assert.Equal("200", view["REDIRECT_STATUS"]);
        Assert.False(view.Env.ContainsKey("CONTENT_LENGTH"));
        Assert.False(view.Env.ContainsKey("CONTENT_TYPE"));
    }

    [Fact]
    public async Task A_local_redirect_loop_ends_in_500()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/redirect.sh?loop").Within();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        await _server.Logs.WaitForAsync(e => e.Message.Contains("/cgi-bin/redirect.sh", StringComparison.Ordinal)
            && e.Message.Contains("redirect", StringComparison.OrdinalIgnoreCase) && e.Level >= Microsoft.Extensions.Logging.LogLevel.Error,
            "the redirect loop logged as an error");
    }

    [Fact]
    public async Task A_local_redirect_to_a_missing_script_is_404()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/redirect.sh?missing").Within();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task A_client_redirect_is_a_302_with_the_Location_and_no_script_body()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/redirect.sh?client").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(new Uri("http://example.com/elsewhere"), response.Headers.Location);
        Assert.DoesNotContain("never sent", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_redirect_with_document_keeps_the_script_s_status_headers_and_body()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/redirect.sh?document").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
        Assert.Equal(new Uri("http://example.com/moved"), response.Headers.Location);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<a href=\"http://example.com/moved\">moved</a>", body, StringComparison.Ordinal);
    }
}
