using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace WarmCgi.AspNetCore;

public static class WarmCgiApplicationBuilderExtensions
{
    /// <summary>
    /// Serves every path under a configured script mapping as CGI; other paths go on down the
    /// pipeline (to static files, say). The cheapest way in: no endpoint routing on the hot path.
    /// </summary>
    public static IApplicationBuilder UseWarmCgi(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var handler = app.ApplicationServices.GetRequiredService<CgiRequestHandler>();
        return app.Use(next => context => handler.Owns(context.Request.Path) ? handler.HandleAsync(context, next) : next(context));
    }
}

public static class WarmCgiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps each configured script prefix (and everything below it) to the CGI handler, so an
    /// existing ASP.NET Core app can host its legacy scripts beside its own endpoints.
    /// </summary>
    public static IEndpointConventionBuilder MapCgi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var handler = endpoints.ServiceProvider.GetRequiredService<CgiRequestHandler>();
        var engine = endpoints.ServiceProvider.GetRequiredService<CgiEngine>();
        var group = endpoints.MapGroup("");
        foreach (var mapping in engine.Resolver.Mappings)
        {
            string prefix = mapping.Prefix.Length == 0 ? "" : mapping.Prefix;
            group.Map(prefix + "/{**cgiPath}", handler.HandleAsync);
            if (prefix.Length > 0)
            {
                group.Map(prefix, handler.HandleAsync);
            }
        }
        return group;
    }
}
