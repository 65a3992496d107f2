using System.CommandLine;
using WarmCgi.Cli;

// Socket continuations run on the epoll thread instead of hopping to the thread pool. A
// warm request crosses four sockets (client, worker, both ways); on a 2-core box each hop
// is a context switch, and measured side by side this cut the server's CPU per warm request
// by about 10%. Must be set before the first socket exists; an operator's own setting wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

var root = new RootCommand("WarmCgi: legacy CGI applications, fast, without a rewrite.")
{
    ServeCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
