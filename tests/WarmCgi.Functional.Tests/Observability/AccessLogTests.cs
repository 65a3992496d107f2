using System.Text.RegularExpressions;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Observability;

public sealed class AccessLogTests : IAsyncLifetime
{
    // %h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"
    private static readonly Regex Combined = new(
        """^(?<host>\S+) - (?<user>\S+) \[(?<time>\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] "(?<request>[^"]*)" (?<status>\d{3}) (?<bytes>\d+|-) "(?<referer>[^"]*)" "(?<agent>[^"]*)"$""");

    private readonly ScriptSite _site = ScriptSite.Create();
    private TestServer _server = null!;

    private string LogFile => _site.WorkFile("access.log");

    public async Task InitializeAsync()
    {
        var settings = TestServer.DefaultSettings(_site);
        settings["AccessLog"] = LogFile;
        _server = await TestServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _site.Dispose();
    }

    private async Task<Match> LineForAsync(string request)
    {
        Match? found = null;
        await Eventually.TrueAsync(() =>
        {
            if (!File.Exists(LogFile))
            {
                return false;
            }
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            string[] lines = reader.ReadToEnd().Split('\n');
            // The last piece is a line still being written (or the empty rest after the final newline).
            foreach (string line in lines[..^1])
            {
                var match = Combined.Match(line);
                Assert.True(match.Success, $"not in combined format: {line}");
                if (match.Groups["request"].Value == request)
                {
                    found = match;
                    return true;
                }
            }
            return false;
        }, $"an access log line for \"{request}\"", Timeouts.Request);
        return found!;
    }

    [Fact]
    public async Task A_script_request_is_logged_in_combined_format()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/cgi-bin/hello.sh?x=1&y=two");
        request.Headers.Referrer = new Uri("http://referrer.example/page");
        request.Headers.UserAgent.ParseAdd("access-log-test/2.0");
        using var response = await _server.Client.SendAsync(request).Within();
        await response.Content.ReadAsStringAsync().Within();

        var line = await LineForAsync("GET /cgi-bin/hello.sh?x=1&y=two HTTP/1.1");

        Assert.Equal("127.0.0.1", line.Groups["host"].Value);
        Assert.Equal("-", line.Groups["user"].Value);
        Assert.Equal("200", line.Groups["status"].Value);
        Assert.Equal("6", line.Groups["bytes"].Value);
        Assert.Equal("http://referrer.example/page", line.Groups["referer"].Value);
        Assert.Equal("access-log-test/2.0", line.Groups["agent"].Value);
        var time = DateTimeOffset.ParseExact(line.Groups["time"].Value, "dd/MMM/yyyy:HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture);
        Assert.True((DateTimeOffset.Now - time).Duration() < TimeSpan.FromMinutes(5), $"time {time}");
    }

    [Fact]
    public async Task Failures_and_static_files_are_logged_too()
    {
        using (var missing = await _server.Client.GetAsync("/cgi-bin/missing.py").Within())
        using (var bad = await _server.Client.GetAsync("/cgi-bin/bad.sh?folded").Within())
        using (var stylesheet = await _server.Client.GetAsync("/style.css").Within())
        {
            await stylesheet.Content.ReadAsStringAsync().Within();
        }

        Assert.Equal("404", (await LineForAsync("GET /cgi-bin/missing.py HTTP/1.1")).Groups["status"].Value);
        Assert.Equal("502", (await LineForAsync("GET /cgi-bin/bad.sh?folded HTTP/1.1")).Groups["status"].Value);
        var css = await LineForAsync("GET /style.css HTTP/1.1");
        Assert.Equal("200", css.Groups["status"].Value);
        Assert.Equal(new FileInfo(Path.Combine(_site.Htdocs, "style.css")).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), css.Groups["bytes"].Value);
        Assert.Equal("-", css.Groups["referer"].Value);
    }
}
