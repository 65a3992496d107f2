namespace WarmCgi.Functional.Infrastructure;

/// <summary>
/// A script site and a server with the default settings, one per test class (so classes run in
/// parallel without sharing a server's limits or logs).
/// </summary>
public class SiteFixture : IAsyncLifetime
{
    /// <summary>A variable of the server's own environment that must never reach a script.</summary>
    public const string SecretVariable = "WARMCGI_FUNCTIONAL_SECRET";

    public const string SecretValue = "hunter2-never-leaks";

    /// <summary>A variable of the server's own environment that --pass-env names.</summary>
    public const string PassedVariable = "WARMCGI_FUNCTIONAL_PASSED";

    public const string PassedValue = "passed-through";

    public ScriptSite Site { get; } = ScriptSite.Create();

    public TestServer Server { get; private set; } = null!;

    public HttpClient Client => Server.Client;

    /// <summary>The configuration keys of this fixture's server (a test may start another server like it).</summary>
    public virtual Dictionary<string, string?> Settings()
    {
        var settings = TestServer.DefaultSettings(Site);
        settings["SetEnv:APP_GREETING"] = "hello from set-env";
        settings["PassEnv:1000"] = PassedVariable;
        settings["Mappings:1001:Prefix"] = "/auth-cgi";
        settings["Mappings:1001:Path"] = Site.CgiBin;
        settings["Mappings:1001:PassAuth"] = "true";
        return settings;
    }

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(SecretVariable, SecretValue);
        Environment.SetEnvironmentVariable(PassedVariable, PassedValue);
        Server = await TestServer.StartAsync(Settings());
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Site.Dispose();
    }
}

/// <summary>Classes in this collection run alone, after the parallel ones: they measure the process as a whole.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (measures the whole process)";
}
