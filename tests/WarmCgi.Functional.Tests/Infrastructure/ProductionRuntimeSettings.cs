using System.Runtime.CompilerServices;

namespace WarmCgi.Functional.Infrastructure;

/// <summary>
/// The in-process server must run as `warmcgi` does: Program.cs turns on inline socket
/// completions before the first socket exists, so this test assembly does the same.
/// </summary>
internal static class ProductionRuntimeSettings
{
    [ModuleInitializer]
    internal static void Apply()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
        {
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        }
    }
}
