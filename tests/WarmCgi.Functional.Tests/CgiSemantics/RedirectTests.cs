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
        // As in Apache: REQUEST_URI is the client's, REDIRECT_* the redirecting script's variables.
        Assert.Equal("/cgi-bin/redirect.sh?local", view["REQUEST_URI"]);
        Assert.Equal("200", view["REDIRECT_STATUS"]);
        Assert.Equal("/cgi-bin/redirect.sh", view["REDIRECT_URL"]);
        Assert.Equal("local", view["REDIRECT_QUERY_STRING"]);
        Assert.Equal("POST", view["REDIRECT_REQUEST_METHOD"]);
        Assert.Equal("/cgi-bin/redirect.sh", view["REDIRECT_SCRIPT_NAME"]);
        Assert.False(view.Env.ContainsKey("CONTENT_LENGTH"));
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
    public async Task A_client_redirect_is_a_302_with_the_Location_and_Apache_s_page_in_place_of_the_script_body()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/redirect.sh?client").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(new Uri("http://example.com/elsewhere"), response.Headers.Location);
        Assert.Equal(["yes"], response.Headers.GetValues("X-Kept"));
        Assert.Equal("text/html; charset=iso-8859-1", response.Content.Headers.ContentType?.ToString());
        // What Apache's mod_cgi sends, byte for byte.
        Assert.Equal("<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\" \"http://www.w3.org/TR/html4/strict.dtd\">\n" +
            "<html><head>\n<title>302 Found</title>\n</head><body>\n<h1>Found</h1>\n" +
            "<p>The document has moved <a href=\"http://example.com/elsewhere\">here</a>.</p>\n</body></html>\n", body);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task The_redirect_page_escapes_the_Location_as_Apache_does()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/redirect.sh?client_query").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Contains("<a href=\"http://example.com/q?a=&quot;1&quot;&amp;b=&lt;x&gt;\">here</a>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_HEAD_of_a_client_redirect_has_no_body()
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, "/cgi-bin/redirect.sh?client");
        using var response = await _server.Client.SendAsync(request).Within();

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync().Within());
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

    [Fact]
    public async Task A_local_redirect_keeps_the_cookie_the_redirecting_script_set()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/redirect.sh?cookie").Within();
        var view = ScriptView.Parse(await response.Content.ReadAsStringAsync().Within());

        Assert.Equal("after=cookie", view["QUERY_STRING"]);
        Assert.Equal(["sid=2; Path=/"], response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task A_local_redirect_keeps_the_other_headers_of_the_redirecting_script_as_Apache_does()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/redirect.sh?headers").Within();
        var view = ScriptView.Parse(await response.Content.ReadAsStringAsync().Within());

        Assert.Equal("after=headers", view["QUERY_STRING"]);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store kept");
        Assert.Equal(["yes"], response.Headers.GetValues("X-Kept"));
        Assert.NotEqual("text/x-dropped", response.Content.Headers.ContentType?.MediaType);   // the target's own
        Assert.Null(response.Headers.ETag);   // a validator is the target's own too
    }

    [Fact]
    public async Task A_local_redirect_to_a_file_with_a_header_Kestrel_refuses_is_a_502()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/redirect.sh?badheader").Within();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task A_local_redirect_of_a_POST_keeps_CONTENT_TYPE_but_not_the_body_as_Apache_does()
    {
        using var form = new StringContent("a=1", System.Text.Encoding.ASCII, "application/x-www-form-urlencoded");
        using var response = await _server.Client.PostAsync("/cgi-bin/redirect.sh?local", form).Within();
        var view = ScriptView.Parse(await response.Content.ReadAsStringAsync().Within());

        Assert.Equal("GET", view["REQUEST_METHOD"]);
        Assert.StartsWith("application/x-www-form-urlencoded", view["CONTENT_TYPE"], StringComparison.Ordinal);
        Assert.False(view.Env.ContainsKey("CONTENT_LENGTH"), "the body is not the target's");
    }

    [Fact]
    public async Task A_local_redirect_to_a_static_file_serves_the_file()
    {
        // RFC 3875 6.2.2: the server answers as it would a GET of the new URL.
        using var response = await _server.Client.GetAsync("/cgi-bin/redirect.sh?static").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("static index page", body, StringComparison.Ordinal);
        Assert.Equal(["seen=1"], response.Headers.GetValues("Set-Cookie"));
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store kept");
    }

    [Fact]
    public async Task A_local_redirect_drops_the_fragment_of_its_Location()
    {
        var view = await ScriptView.FetchAsync(_server.Client, "/cgi-bin/redirect.sh?fragment");

        Assert.Equal("frag=1", view["QUERY_STRING"]);
    }

    [Fact]
    public async Task Status_200_beside_an_absolute_Location_is_still_a_302_as_in_Apache()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/redirect.sh?status200").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(new Uri("http://example.com/elsewhere"), response.Headers.Location);
        Assert.DoesNotContain("never sent", body, StringComparison.Ordinal);
    }
}
