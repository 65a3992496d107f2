using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// The scripts of warm/ (py3/, py2/ and mixed/) served twice by one server: under /warm in
/// warm mode and under /cold in cold mode, so that a test can hold a script's warm output
/// against what a CGI process gives. One worker per interpreter (Warm:MaxWorkers 1): requests
/// in a row run in the same interpreter, which is what these tests are about.
/// </summary>
public class WarmFixture : SiteFixture
{
    public override Dictionary<string, string?> Settings()
    {
        var settings = TestServer.DefaultSettings(Site);
        settings["Mappings:1001:Prefix"] = "/warm";
        settings["Mappings:1001:Path"] = Site["warm"];
        settings["Mappings:1001:Mode"] = "warm";
        settings["Mappings:1002:Prefix"] = "/cold";
        settings["Mappings:1002:Path"] = Site["warm"];
        settings["Mappings:1002:Mode"] = "cold";
        settings["Mappings:1003:Prefix"] = "/warm-pythonpath";
        settings["Mappings:1003:Path"] = Site["warm"];
        settings["Mappings:1003:Mode"] = "warm";
        settings["Mappings:1003:SetEnv:PYTHONPATH"] = Path.Combine(Site["warm"], "pythonpath_lib");
        // PYTHONIOENCODING set by the operator, warm and fork beside cold: the interpreter's own setting.
        foreach (var (key, prefix, mode) in new[] { ("1006", "/warm-ioenc", "warm"), ("1007", "/fork-ioenc", "fork"), ("1008", "/cold-ioenc", "cold") })
        {
            settings[$"Mappings:{key}:Prefix"] = prefix;
            settings[$"Mappings:{key}:Path"] = Site["warm"];
            settings[$"Mappings:{key}:Mode"] = mode;
            settings[$"Mappings:{key}:SetEnv:PYTHONIOENCODING"] = "utf-8";
        }
        settings["Warm:MaxWorkers"] = "1";
        return settings;
    }
}
