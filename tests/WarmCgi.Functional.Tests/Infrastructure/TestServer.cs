using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WarmCgi.Cli;

namespace WarmCgi.Functional.Infrastructure;

/// <summary>
/// The real `warmcgi serve` (the Cli's own Load, Bind and Build) on 127.0.0.1 and a free port,
/// with an HttpClient that follows no redirect and uses no proxy, and every log event captured.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri baseAddress, CapturingLoggerProvider logs)
    {
        _app = app;
        BaseAddress = baseAddress;
        Logs = logs;
        Client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    public HttpClient Client { get; }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Starts a server. <paramref name="settings"/> are configuration keys as the flags give them
    /// ("Mappings:1000:Prefix", "Timeout", "SetEnv:NAME"...); "Listen:0" defaults to 127.0.0.1:0
    /// and "AccessLog" to off.
    /// </summary>
    public static async Task<TestServer> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Listen:0"] = "127.0.0.1:0",
            ["AccessLog"] = "off",
        };
        foreach (var (key, value) in settings)
        {
            flags[key] = value;
        }
        var configuration = Server.Load(null, flags);
        var options = Server.Bind(configuration);
        // Bind refuses keys it does not know, so the console's silence is asked for on Build only.
        var quiet = new Dictionary<string, string?>(flags) { ["Logging:Console:LogLevel:Default"] = "None" };
        var app = Server.Build(Server.Load(null, quiet), options);
        var logs = new CapturingLoggerProvider();
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(logs);
        await app.StartAsync().WaitAsync(StartTimeout);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = new Uri(addresses.First());
        if (address.Host is "[::]" or "0.0.0.0")
        {
            address = new UriBuilder(address) { Host = "127.0.0.1" }.Uri;
        }
        return new TestServer(app, address, logs);
    }

    /// <summary>Settings for a directory of scripts at /cgi-bin, docroot htdocs, WORK_DIR for scripts.</summary>
    public static Dictionary<string, string?> DefaultSettings(ScriptSite site) => new()
    {
        ["Mappings:1000:Prefix"] = "/cgi-bin",
        ["Mappings:1000:Path"] = site.CgiBin,
        ["DocumentRoot"] = site.Htdocs,
        ["SetEnv:WORK_DIR"] = site.Work,
    };

    public Task<RawResponse> SendRawAsync(string request, bool halfClose = false) => RawHttp.SendAsync(Port, request, halfClose);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _app.StopAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        await _app.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
    }
}
