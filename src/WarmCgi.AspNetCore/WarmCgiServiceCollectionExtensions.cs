using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WarmCgi.Configuration;

namespace WarmCgi.AspNetCore;

public static class WarmCgiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the CGI engine. Options come from <paramref name="configure"/> and anything else
    /// bound to <see cref="WarmCgiOptions"/>; they are validated when the host starts, and a bad
    /// value stops the start with a message naming its key.
    /// </summary>
    public static IServiceCollection AddWarmCgi(this IServiceCollection services, Action<WarmCgiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<WarmCgiOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        builder.ValidateOnStart();
        services.AddSingleton<IValidateOptions<WarmCgiOptions>, WarmCgiOptionsValidator>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new CgiEngine(
            sp.GetRequiredService<IOptions<WarmCgiOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<CgiRequestHandler>();
        return services;
    }
}
