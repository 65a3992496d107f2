using System.Net;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.CgiSemantics;

public sealed class ResponseTests(SiteFixture fixture) : IClassFixture<SiteFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task A_document_keeps_the_script_s_headers_and_body()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/hello.sh").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("hello\n", await response.Content.ReadAsStringAsync().Within());
    }

    [Fact]
    public async Task A_Status_header_sets_the_status_code_and_reason()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/status.sh").Within();

        Assert.Equal(418, (int)response.StatusCode);
        Assert.Equal("I am a teapot", response.ReasonPhrase);
        Assert.Equal("kept", response.Headers.GetValues("X-Custom").Single());
        Assert.False(response.Headers.Contains("Status"));
        Assert.Equal("short and stout\n", await response.Content.ReadAsStringAsync().Within());
    }

    [Fact]
    public async Task Date_and_Server_are_the_server_s_own_not_the_script_s_as_in_Apache()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/status.sh").Within();

        var date = Assert.Single(response.Headers.GetValues("Date"));
        Assert.True(response.Headers.Date > DateTimeOffset.UtcNow.AddDays(-1), "the script's Date went out: " + date);
        // One Server header, naming the server as SERVER_SOFTWARE does (Apache: "Apache/2.4.x").
        Assert.StartsWith("WarmCgi/", Assert.Single(response.Headers.GetValues("Server")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_nph_script_s_status_line_and_headers_pass_through()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/nph-raw.sh").Within();

        Assert.Equal(299, (int)response.StatusCode);
        Assert.Equal("Custom Status", response.ReasonPhrase);
        Assert.Equal("yes", response.Headers.GetValues("X-Nph").Single());
        Assert.Equal("nph-script/1.0", response.Headers.GetValues("Server").Single());
        Assert.Equal("raw body\n", await response.Content.ReadAsStringAsync().Within());
    }

    [Theory]
    [InlineData("GET", "nph-http10.sh", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nold client\n")]
    [InlineData("HEAD", "nph-http10.sh", "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nold client\n")]
    [InlineData("GET", "nph-chunked.sh", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n5\r\nhello\r\n0\r\n\r\n")]
    public async Task An_nph_script_s_output_reaches_the_client_byte_for_byte_as_from_Apache(string method, string script, string expected)
    {
        // No Date or Server added, its HTTP/1.0 status line kept, its own chunks not chunked again (RFC 3875 5).
        var response = await _server.SendRawAsync($"{method} /cgi-bin/{script} HTTP/1.1\r\nHost: t");

        Assert.Equal(expected, response.RawText);
    }

    [Theory]
    [InlineData("noheader", "malformed")]
    [InlineData("malformed", "malformed")]
    [InlineData("folded", "folded")]
    [InlineData("badstatus", "Status")]
    [InlineData("nothing", "no output")]
    [InlineData("unfinished", "end of script output")]
    [InlineData("crash", "end of script output")]
    public async Task Bad_script_output_is_a_502_with_the_reason_logged(string kind, string reason)
    {
        using var response = await _server.Client.GetAsync($"/cgi-bin/bad.sh?{kind}").Within();
        string body = await response.Content.ReadAsStringAsync().Within();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.DoesNotContain("body", body, StringComparison.Ordinal);
        Assert.DoesNotContain("hello world", body, StringComparison.Ordinal);
        await _server.Logs.WaitForAsync(
            e => e.EventId.Id == 101 && (e["Path"] ?? "").EndsWith("bad.sh", StringComparison.Ordinal)
                && (e["Reason"] ?? "").Contains(reason, StringComparison.OrdinalIgnoreCase),
            $"a 502 for bad.sh?{kind} logged with '{reason}'");
    }

    [Fact]
    public async Task A_header_with_an_empty_value_passes_as_under_Apache()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/empty_value.sh").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([""], response.Headers.GetValues("X-Empty"));
        Assert.Equal(["yes"], response.Headers.GetValues("X-Full"));
    }

    [Fact]
    public async Task Output_starting_with_a_blank_line_is_a_200_whose_body_is_the_rest_as_under_Apache()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/bad.sh?blankfirst").Within();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentType);
        Assert.Equal("Content-Type: text/plain\n\nbody\n", await response.Content.ReadAsStringAsync().Within());
    }

    [Fact]
    public async Task A_header_value_with_control_characters_is_a_502_not_a_broken_response()
    {
        using var response = await _server.Client.GetAsync("/cgi-bin/bad.sh?controlchar").Within();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
    }

    [Fact]
    public async Task Framing_headers_from_a_script_are_not_passed_on()
    {
        var response = await _server.SendRawAsync("GET /cgi-bin/content_length.sh HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("hello world, longer than five bytes\n", response.BodyText);
        Assert.NotEqual("5", response.Header("Content-Length"));
        Assert.Single(response.Headers, h => h.Key.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
            || h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(response.Headers, h => h.Key.Equals("Connection", StringComparison.OrdinalIgnoreCase) && h.Value != "close");
    }

    [Fact]
    public async Task No_Content_Type_is_guessed_for_a_script_that_sends_none()
    {
        var response = await _server.SendRawAsync("GET /cgi-bin/bare.sh HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("yes", response.Header("X-Only"));
        Assert.Null(response.Header("Content-Type"));
        Assert.Equal("raw bytes\n", response.BodyText);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    public async Task A_status_that_forbids_a_body_is_sent_without_the_script_s_body(int status)
    {
        var response = await _server.SendRawAsync($"GET /cgi-bin/bodiless.sh?{status} HTTP/1.1\r\nHost: localhost\r\n\r\n");

        Assert.Equal(status, response.StatusCode);
        Assert.Empty(response.Body);
        Assert.DoesNotContain("must be dropped", response.RawText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_Content_Type_replaces_the_first_as_in_Apache()
    {
        var response = await _server.SendRawAsync("GET /cgi-bin/two_types.sh HTTP/1.1\r\nHost: t");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(["text/html; charset=utf-8"], ValuesOf(response, "Content-Type"));
    }

    [Fact]
    public async Task A_repeated_header_arrives_as_one_field_and_a_second_Location_replaces_the_first_as_in_Apache()
    {
        var response = await _server.SendRawAsync("GET /cgi-bin/repeated_headers.sh HTTP/1.1\r\nHost: t");

        Assert.Equal(301, response.StatusCode);
        Assert.Equal(["no-cache, private"], ValuesOf(response, "Cache-Control"));
        Assert.Equal(["a, b"], ValuesOf(response, "X-Tag"));
        Assert.Equal(["http://example.com/new"], ValuesOf(response, "Location"));
        Assert.Equal(["a=1", "b=2"], ValuesOf(response, "Set-Cookie"));
    }

    private static IEnumerable<string> ValuesOf(RawResponse response, string name) =>
        response.Headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);

    [Theory]
    [InlineData("If-None-Match: \"v1\"", 304)]
    [InlineData("If-None-Match: \"v0\"", 200)]
    [InlineData("If-Modified-Since: Tue, 02 Jan 2024 00:00:00 GMT", 304)]
    [InlineData("If-Modified-Since: Sun, 31 Dec 2023 00:00:00 GMT", 200)]
    [InlineData("If-Match: \"v0\"", 412)]
    [InlineData("If-Match: \"v1\"", 200)]
    [InlineData("If-Unmodified-Since: Sun, 31 Dec 2023 00:00:00 GMT", 412)]
    [InlineData("If-Modified-Since: Mon, 01 Jan 2035 00:00:00 GMT", 200)]   // a date to come is no date the client saw
    public async Task A_conditional_GET_is_answered_against_the_script_s_own_validators_as_in_Apache(string condition, int expected)
    {
        var response = await _server.SendRawAsync("GET /cgi-bin/validators.sh HTTP/1.1\r\nHost: t\r\n" + condition);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == 200 ? "version 1\n" : "", response.BodyText);
        // A 304 has no body to type (Apache leaves Content-Type out); its validators stay.
        Assert.Equal(expected == 304 ? [] : ["text/plain"], ValuesOf(response, "Content-Type"));
        Assert.Equal(["\"v1\""], ValuesOf(response, "ETag"));
    }

    [Theory]
    [InlineData("If-None-Match: \"v1\"")]
    [InlineData("If-Modified-Since: Tue, 02 Jan 2024 00:00:00 GMT")]
    [InlineData("If-Match: \"v0\"")]
    public async Task A_script_s_own_Status_stands_against_a_conditional_GET_as_in_Apache(string condition)
    {
        var response = await _server.SendRawAsync("GET /cgi-bin/validators.sh?status HTTP/1.1\r\nHost: t\r\n" + condition);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("version 1\n", response.BodyText);
    }

    [Theory]
    [InlineData("rfc850", "Mon, 01 Jan 2024 00:00:00 GMT")]
    [InlineData("asctime", "Mon, 01 Jan 2024 00:00:00 GMT")]
    [InlineData("garbage", null)]
    public async Task A_script_s_Last_Modified_leaves_in_RFC_1123_form_or_not_at_all_as_from_Apache(string form, string? expected)
    {
        var response = await _server.SendRawAsync($"GET /cgi-bin/last_modified.sh?{form} HTTP/1.1\r\nHost: t");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(expected is null ? [] : [expected], ValuesOf(response, "Last-Modified"));
    }

    [Fact]
    public async Task A_Last_Modified_in_the_future_is_lowered_to_now_as_by_Apache()
    {
        var response = await _server.SendRawAsync("GET /cgi-bin/last_modified.sh?future HTTP/1.1\r\nHost: t");

        var sent = DateTimeOffset.Parse(Assert.Single(ValuesOf(response, "Last-Modified")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(sent, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Fact]
    public async Task If_None_Match_star_is_a_304_for_any_answer_even_one_without_an_ETag_as_in_Apache()
    {
        var response = await _server.SendRawAsync("GET /cgi-bin/hello.sh HTTP/1.1\r\nHost: t\r\nIf-None-Match: *");

        Assert.Equal(304, response.StatusCode);
        Assert.Equal("", response.BodyText);
    }
}
