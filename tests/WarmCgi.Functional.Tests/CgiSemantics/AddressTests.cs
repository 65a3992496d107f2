using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.CgiSemantics;

/// <summary>A dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; scripts must see a.b.c.d.</summary>
public sealed class AddressTests : IDisposable
{
    private readonly ScriptSite _site = ScriptSite.Create();

    public void Dispose() => _site.Dispose();

    [Fact]
    public async Task An_IPv4_client_of_a_dual_stack_listener_is_seen_in_plain_IPv4_form()
    {
        var settings = TestServer.DefaultSettings(_site);
        settings["Listen:0"] = "[::]:0";
        await using var server = await TestServer.StartAsync(settings);

        var view = await ScriptView.FetchAsync(server.Client, "/cgi-bin/env.py");

        Assert.Equal("127.0.0.1", view["REMOTE_ADDR"]);
        Assert.Equal("127.0.0.1", view["SERVER_ADDR"]);
        Assert.Equal(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), view["SERVER_PORT"]);
    }
}
