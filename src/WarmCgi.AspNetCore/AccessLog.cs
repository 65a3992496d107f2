using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace WarmCgi.AspNetCore;

/// <summary>
/// Apache's combined log format, so existing log tools (goaccess, awstats, fail2ban) work:
/// %h %l %u %t "%r" %&gt;s %b "%{Referer}i" "%{User-agent}i". Lines go through a channel to one
/// writer, so a slow disk never holds a request.
/// </summary>
public sealed class AccessLog : IAsyncDisposable
{
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(8192)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });
    private readonly TextWriter _writer;
    private readonly Task _pump;

    /// <param name="destination">"-" for stdout, or a file to append to.</param>
    public AccessLog(string destination)
    {
        _writer = destination == "-"
            ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false }
            : new StreamWriter(new FileStream(destination, FileMode.Append, FileAccess.Write, FileShare.ReadWrite), new UTF8Encoding(false));
        _pump = Task.Run(PumpAsync);
    }

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var start = DateTimeOffset.Now;
        try
        {
            await next().ConfigureAwait(false);
        }
        finally
        {
            _lines.Writer.TryWrite(Format(context, start));
        }
    }

    internal static string Format(HttpContext context, DateTimeOffset start)
    {
        var request = context.Request;
        var response = context.Response;
        long? bytes = context.Features.Get<ResponseBytesFeature>()?.Bytes ?? response.ContentLength;
        string target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var sb = new StringBuilder(160);
        sb.Append(Cgi.CgiEnvironment.PlainAddress(context.Connection.RemoteIpAddress ?? System.Net.IPAddress.None));
        sb.Append(" - ");
        sb.Append(context.User?.Identity?.IsAuthenticated == true ? context.User.Identity.Name : "-");
        sb.Append(" [").Append(start.ToString("dd/MMM/yyyy:HH:mm:ss ", CultureInfo.InvariantCulture));
        sb.Append(start.ToString("zzz", CultureInfo.InvariantCulture).Replace(":", "", StringComparison.Ordinal)).Append("] \"");
        sb.Append(request.Method).Append(' ').Append(target).Append(' ').Append(request.Protocol).Append("\" ");
        sb.Append(response.StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ');
        sb.Append(bytes is > 0 ? bytes.Value.ToString(CultureInfo.InvariantCulture) : "-");
        sb.Append(" \"").Append(Quote(request.Headers.Referer)).Append("\" \"").Append(Quote(request.Headers.UserAgent)).Append('"');
        return sb.ToString();
    }

    private static string Quote(string? value) =>
        string.IsNullOrEmpty(value) ? "-" : value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private async Task PumpAsync()
    {
        var reader = _lines.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var line))
            {
                await _writer.WriteLineAsync(line).ConfigureAwait(false);
            }
            await _writer.FlushAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
    }
}
