using System.CommandLine;
using WarmCgi.Cli;

var root = new RootCommand("WarmCgi: legacy CGI applications, fast, without a rewrite.")
{
    ServeCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
