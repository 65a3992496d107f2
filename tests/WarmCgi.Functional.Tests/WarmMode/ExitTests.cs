using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>sys.exit, exit, quit and SystemExit end the request normally: finally blocks run, and the worker stays.</summary>
public sealed class ExitTests(WarmFixture fixture) : IClassFixture<WarmFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly TestServer _server = fixture.Server;

    public static TheoryData<string, string> Exits()
    {
        var data = new TheoryData<string, string>();
        foreach (string python in new[] { "py3", "py2" })
        {
            foreach (string how in new[] { "sys.exit", "exit", "quit", "SystemExit" })
            {
                data.Add(python, how);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Exits))]
    public async Task An_exit_inside_try_finally_ends_the_request_as_it_ends_a_CGI_process(string python, string how)
    {
        var warm = await _client.AssertMatchesColdAsync($"{python}/exits.py?{how}", "warm");

        Assert.Equal($"before {how}\nfinally ran\n", warm[0].Text);
        var next = await _client.RunAsync($"/warm/{python}/main.py");
        Assert.Equal(200, next.Status);
        Assert.Equal(warm[0].Pid, next.Pid);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_SystemExit_message_goes_to_the_log(string python)
    {
        await _client.RunAsync($"/warm/{python}/exits.py?SystemExit");

        await _server.Logs.WaitForAsync(e => e["Script"] == $"/warm/{python}/exits.py" && e["Line"] == "exits.py: a message for stderr",
            "the SystemExit message, logged");
    }
}
