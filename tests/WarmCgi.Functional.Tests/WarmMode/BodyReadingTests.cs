using System.Text;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// The request body is fd 0: sys.stdin, os.read(0, n), cgi.FieldStorage and a child process
/// all read it, small (in a pipe) or past 64 KiB (spooled). Each script echoes what it read.
/// <paramref name="mode"/> is "warm" or "fork": the same scripts under that mapping's prefix.
/// </summary>
public abstract class BodyReadingTests(WarmFixture fixture, string mode)
{
    private readonly HttpClient _client = fixture.Client;

    public static TheoryData<string, string, int> Readers()
    {
        var data = new TheoryData<string, string, int>();
        foreach (string python in new[] { "py3", "py2" })
        {
            foreach (string script in new[] { "body_stdin_read.py", "body_os_read.py", "body_cat.py" })
            {
                data.Add(python, script, 20);
                data.Add(python, script, 200_000);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public async Task The_body_reaches_the_script_on_fd_0_in_every_request(string python, string script, int size)
    {
        for (int i = 0; i < 3; i++)
        {
            string body = Text(size, seed: i);
            var run = await _client.RunAsync($"/{mode}/{python}/{script}", new StringContent(body, Encoding.ASCII));

            Assert.Equal(200, run.Status);
            Assert.True(body == run.Text, $"run {i}: {run.Body.Length} bytes echoed for {size} sent");
        }
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Cgi_FieldStorage_reads_a_multipart_upload_in_every_request(string python)
    {
        for (int i = 0; i < 3; i++)
        {
            string file = Text(200_000, seed: i);
            using var form = new MultipartFormDataContent
            {
                { new StringContent($"note {i}"), "note" },
                { new ByteArrayContent(Encoding.ASCII.GetBytes(file)), "upload", "upload.txt" },
            };

            var run = await _client.RunAsync($"/{mode}/{python}/body_fieldstorage.py", form);

            Assert.Equal(200, run.Status);
            Assert.True($"note=note {i}\n" + file == run.Text, $"run {i}: {run.Body.Length} bytes echoed: {run.Text[..Math.Min(200, run.Text.Length)]}");
        }
    }

    /// <summary>Numbered lines of ASCII, cut to <paramref name="size"/> bytes; a different text per seed.</summary>
    private static string Text(int size, int seed)
    {
        var text = new StringBuilder(size + 40);
        for (int line = 0; text.Length < size; line++)
        {
            text.Append("request ").Append(seed).Append(", line ").Append(line).Append('\n');
        }
        return text.ToString(0, size);
    }

    [Fact]
    public async Task Python_2s_own_stdin_that_reload_sys_brings_back_holds_nothing_of_an_earlier_body()
    {
        var first = await _client.RunAsync($"/{mode}/py2/reload_sys_stdin.py", new StringContent("first\nsecond\nthird\n"));
        var next = await _client.RunAsync($"/{mode}/py2/reload_sys_stdin.py", new StringContent("new body\n"));

        ScriptRuns.AssertWorkers(mode, [first, next]);
        Assert.Equal("'first\\n'", first["first line"]);
        Assert.Equal("'new body\\n'", next["first line"]);
    }
}

/// <summary>A resident worker hands each request's body to the script on fd 0, whatever the last request read.</summary>
public sealed class WarmBodyReadingTests(WarmFixture fixture) : BodyReadingTests(fixture, "warm"), IClassFixture<WarmFixture>;

/// <summary>A forked child reads its own request's body on fd 0, as a CGI process does.</summary>
public sealed class ForkBodyReadingTests(ForkFixture fixture) : BodyReadingTests(fixture, "fork"), IClassFixture<ForkFixture>;
