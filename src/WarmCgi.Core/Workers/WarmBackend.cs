using Microsoft.Extensions.Logging;
using WarmCgi.Cgi;
using WarmCgi.Configuration;
using WarmCgi.Pipeline;
using WarmCgi.Processes;

namespace WarmCgi.Workers;

/// <summary>Warm mode: Python scripts go to resident interpreter pools; anything else runs cold.</summary>
public sealed class WarmBackend : ICgiBackend, IAsyncDisposable
{
    private readonly ColdBackend _cold;

    internal WarmBackend(WarmPoolOptions options, CgiEnvironmentSettings environment, TimeSpan killGrace, TimeProvider time, ILoggerFactory loggerFactory, ColdBackend cold)
    {
        _cold = cold;
    }

    ValueTask<BackendStart> ICgiBackend.StartAsync(CgiInvocation invocation, CancellationToken cancellationToken) =>
        _cold.StartAsync(invocation, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
