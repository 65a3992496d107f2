using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using WarmCgi.AspNetCore;
using WarmCgi.Configuration;

namespace WarmCgi.Cli;

/// <summary>Loads the configuration, then hosts the engine on Kestrel until SIGTERM/SIGINT.</summary>
internal static class Server
{
    public static async Task<int> RunAsync(string? configFile, Dictionary<string, string?> flags, CancellationToken cancellationToken)
    {
        IConfiguration configuration;
        WarmCgiOptions options;
        try
        {
            configuration = Load(configFile, flags);
            options = Bind(configuration);
        }
        catch (Exception e) when (e is ConfigurationException or InvalidOperationException or FileNotFoundException or InvalidDataException or FormatException)
        {
            await Console.Error.WriteLineAsync("warmcgi: configuration error: " + e.Message).ConfigureAwait(false);
            return 2;
        }
        var app = Build(configuration, options);
        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    internal static IConfiguration Load(string? configFile, Dictionary<string, string?> flags)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables("WARMCGI__");
        builder.AddInMemoryCollection(flags);
        return builder.Build();
    }

    /// <summary>Binds and validates; throws <see cref="ConfigurationException"/> naming the key at fault.</summary>
    internal static WarmCgiOptions Bind(IConfiguration configuration)
    {
        var options = new WarmCgiOptions();
        // Unknown keys are errors: a typo in a config file must not be silently ignored.
        configuration.Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        if (options.Mappings.Count == 0 && options.DocumentRoot is null)
        {
            SampleApp.Apply(options);
        }
        if (options.Listen.Count == 0)
        {
            options.Listen.Add("127.0.0.1:8080");
        }
        var result = new WarmCgiOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new ConfigurationException(string.Join("; ", result.Failures));
        }
        return options;
    }

    internal static WebApplication Build(IConfiguration configuration, WarmCgiOptions options)
    {
        // The empty builder: no appsettings.json, no file watchers on the working directory
        // (they cost CPU on every change in it), nothing we did not ask for.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        // Requests run on the socket thread that read them, not after a thread-pool hop (the
        // socket completions are inline too, see Program.cs). What holds that thread is
        // short: a posix_spawn until the child execs (~150 us, as in lighttpd's event loop);
        // file I/O goes through the pool. With the worker hand-over inline as well, a warm
        // request costs ~2 thread switches in the server instead of ~12 (measured with
        // hello.py at 16 connections; see bench/README.md).
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = true);
        builder.Services.AddRoutingCore();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        // Console logging is the first thing to go to stderr, away from the access log on stdout.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Configuration.AddConfiguration(configuration);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // A client that half-closes after its request still gets the answer, as from Apache;
            // an HTTP/1.0 POST without Content-Length runs its script with no body, as there;
            // an nph- script's output reaches the client unchanged.
            static void HalfClose(ListenOptions listen) =>
                listen.Use(RawResponseOutput.Middleware).Use(FirstHeadRewriter.Middleware).Use(HalfCloseTolerantConnection.Middleware);
            foreach (var listen in options.Listen)
            {
                _ = ListenAddress.TryParse(listen, out var address); // validated already
                if (address.IsLocalhost)
                {
                    kestrel.ListenLocalhost(address.Port, HalfClose);
                }
                else
                {
                    kestrel.Listen(address.Address!, address.Port, HalfClose);
                }
            }
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodySize == 0 ? null : options.MaxRequestBodySize;
            // Script headers are bytes; Latin-1 passes them through unchanged instead of refusing non-ASCII.
            kestrel.ResponseHeaderEncodingSelector = _ => Encoding.Latin1;
            kestrel.RequestHeaderEncodingSelector = _ => Encoding.Latin1;
            // RFC 9112 3.2.2, and Apache: an absolute-form target (GET http://host/x, as
            // proxies and some old clients send) names the host; a differing Host is ignored.
            kestrel.AllowHostHeaderOverride = true;
            kestrel.AddServerHeader = false; // WarmCgi names itself, as SERVER_SOFTWARE does
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(Math.Min(options.Timeout, 30)));
        // The options as validated here (sample app and defaults applied) are the ones the engine runs with.
        builder.Services.AddWarmCgi(o => Copy(options, o));

        var app = builder.Build();
        app.Use((context, next) =>
        {
            context.Response.Headers.Server = CgiEngine.ServerSoftware;
            return next(context);
        });
        if (!string.Equals(options.AccessLog, "off", StringComparison.OrdinalIgnoreCase))
        {
            var accessLog = new AccessLog(options.AccessLog);
            app.Lifetime.ApplicationStopped.Register(() => accessLog.DisposeAsync().AsTask().GetAwaiter().GetResult());
            app.Use(accessLog.InvokeAsync);
        }
        app.UseWarmCgi();
        if (options.DocumentRoot is not null)
        {
            var engine = app.Services.GetRequiredService<CgiEngine>();
            var files = new ScriptHidingFileProvider(Path.GetFullPath(options.DocumentRoot), engine.Resolver.Mappings);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            // Every file is served, as Apache does, whatever its extension: a dumb git
            // repository (HEAD, info/refs, objects/...) or a README. Scripts and their sources
            // stay hidden by the provider.
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files, ServeUnknownFileTypes = true });
        }
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("WarmCgi");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var mapping in options.Mappings)
            {
                LogMessages.Mapping(log, mapping.Prefix, mapping.Path, (mapping.Mode ?? options.Mode).ToString().ToLowerInvariant());
            }
            LogMessages.Listening(log, string.Join(", ", options.Listen));
        });
        return app;
    }

    private static void Copy(WarmCgiOptions from, WarmCgiOptions to)
    {
        to.Listen = from.Listen;
        to.DocumentRoot = from.DocumentRoot;
        to.Mappings = from.Mappings;
        to.SetEnv = from.SetEnv;
        to.PassEnv = from.PassEnv;
        to.Mode = from.Mode;
        to.Timeout = from.Timeout;
        to.MaxProcesses = from.MaxProcesses;
        to.QueueLimit = from.QueueLimit;
        to.Interpreters = from.Interpreters;
        to.Python = from.Python;
        to.MaxRequestBodySize = from.MaxRequestBodySize;
        to.AccessLog = from.AccessLog;
        to.Warm = from.Warm;
    }
}

internal static partial class LogMessages
{
    [LoggerMessage(EventId = Diagnostics.EventIds.Listening, Level = LogLevel.Information, Message = "WarmCgi listening on {Addresses}")]
    public static partial void Listening(ILogger logger, string addresses);

    [LoggerMessage(EventId = Diagnostics.EventIds.MappingConfigured, Level = LogLevel.Information, Message = "{Prefix} -> {Path} ({Mode})")]
    public static partial void Mapping(ILogger logger, string prefix, string path, string mode);
}
