using WarmCgi.Cli;
using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.Observability;

public sealed class ConfigurationTests : IDisposable
{
    private readonly ScriptSite _site = ScriptSite.Create();

    public void Dispose() => _site.Dispose();

    [Fact]
    public void A_config_file_with_a_Logging_section_is_accepted()
    {
        // Server.Build reads the Logging section for log levels; Bind must not call it an unknown key.
        string config = _site.WorkFile("warmcgi.json");
        File.WriteAllText(config, $$"""
            {
              "Mappings": [ { "Prefix": "/cgi-bin", "Path": "{{_site.CgiBin}}" } ],
              "Logging": { "LogLevel": { "Default": "Warning" } }
            }
            """);

        var configuration = Server.Load(config, []);
        var options = Server.Bind(configuration);

        Assert.Single(options.Mappings);
    }

    [Fact]
    public void An_unknown_key_fails_start_up_with_its_name()
    {
        var flags = new Dictionary<string, string?> { ["Mappings:1000:Prefix"] = "/cgi-bin", ["Mappings:1000:Path"] = _site.CgiBin, ["Timeuot"] = "5" };

        var error = Assert.ThrowsAny<Exception>(() => Server.Bind(Server.Load(null, flags)));

        Assert.Contains("Timeuot", error.Message, StringComparison.Ordinal);
    }
}
