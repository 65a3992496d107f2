using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

public sealed class KeepAppModulesFixture : WarmFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Mappings:1001:KeepAppModules"] = "true";
        return settings;
    }
}

/// <summary>With the mapping's KeepAppModules the app's modules stay loaded between requests, until one is edited.</summary>
public sealed class KeepAppModulesTests(KeepAppModulesFixture fixture) : IClassFixture<KeepAppModulesFixture>
{
    private readonly HttpClient _client = fixture.Client;
    private readonly ScriptSite _site = fixture.Site;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_kept_module_stays_loaded_until_its_file_is_edited(string python)
    {
        string module = Path.Combine(_site["warm"], python, "appmod.py");

        var kept = await _client.RunTimesAsync(3, $"/warm/{python}/uses_app.py");
        await ScriptFiles.RewriteAsync(module, (await File.ReadAllTextAsync(module).Within()).Replace("first version", "second version", StringComparison.Ordinal));
        var reloaded = await _client.RunAsync($"/warm/{python}/uses_app.py");

        ScriptRuns.AssertSameWorker([.. kept, reloaded]);
        int first = int.Parse(kept[0]["hits"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([$"{first}", $"{first + 1}", $"{first + 2}"], kept.Select(r => r["hits"]));
        Assert.Equal("second version", reloaded["value"]);
        Assert.Equal("1", reloaded["hits"]);
    }
}
