using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// The app's own modules are imported afresh per request; an edited script or module is live
/// on the next request. <paramref name="mode"/> is "warm" or "fork": the same scripts under
/// that mapping's prefix.
/// </summary>
public abstract class AppModuleTests(WarmFixture fixture, string mode)
{
    private readonly HttpClient _client = fixture.Client;
    private readonly ScriptSite _site = fixture.Site;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_module_beside_the_script_is_imported_afresh_by_every_request(string python)
    {
        var runs = await _client.RunTimesAsync(3, $"/{mode}/{python}/uses_app.py");

        ScriptRuns.AssertWorkers(mode, runs);
        Assert.All(runs, run => Assert.Equal("1", run["hits"]));
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task What_an_app_module_holds_is_flushed_closed_and_released_at_the_end_of_each_request(string python)
    {
        // appres.py keeps a log file, a lock and its own stream over stdout: as a CGI
        // process's exit, each request's end must flush the log (the next request counts
        // its line), release the lock (the next one takes it) and send what the stream holds.
        string tag = $"{mode}-{python}";
        var runs = await _client.RunTimesAsync(3, $"/{mode}/{python}/uses_appres.py?{tag}");

        Assert.All(runs, run => Assert.Equal(200, run.Status));
        Assert.Equal(["0", "1", "2"], runs.Select(run => run["logged"]));
        ScriptRuns.AssertWorkers(mode, runs);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_file_held_in_a_reference_cycle_is_flushed_at_the_end_of_each_request(string python)
    {
        // cycle_log.py's log object refers to itself and outlives a young-generation
        // collection: the interpreter's last collection at exit still flushes its file.
        string tag = $"{mode}-{python}";
        var runs = await _client.RunTimesAsync(3, $"/{mode}/{python}/cycle_log.py?{tag}");

        Assert.Equal(["0", "1", "2"], runs.Select(run => run["logged"]));
        ScriptRuns.AssertWorkers(mode, runs);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task An_edited_app_module_is_live_on_the_next_request(string python)
    {
        string module = Path.Combine(_site["warm"], python, "appmod.py");
        var before = await _client.RunAsync($"/{mode}/{python}/uses_app.py");

        await ScriptFiles.RewriteAsync(module, (await File.ReadAllTextAsync(module).Within()).Replace("first version", "second version", StringComparison.Ordinal));
        var after = await _client.RunAsync($"/{mode}/{python}/uses_app.py");

        Assert.Equal("first version", before["value"]);
        Assert.Equal("second version", after["value"]);
        ScriptRuns.AssertWorkers(mode, [before, after]);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task An_edited_script_is_live_on_the_next_request(string python)
    {
        string folder = Path.Combine(_site["warm"], python);
        string shebang = File.ReadLines(Path.Combine(folder, "pid.py")).First();
        string script = Path.Combine(folder, "edited.py");
        string Version(int n) => $"{shebang}\nimport os, sys\nsys.stdout.write('Content-Type: text/plain\\nX-Worker-Pid: %d\\n\\nversion {n}\\n' % os.getpid())\n";

        await ScriptFiles.RewriteAsync(script, Version(1));
        File.SetUnixFileMode(script, File.GetUnixFileMode(Path.Combine(folder, "pid.py")));
        var first = await _client.RunAsync($"/{mode}/{python}/edited.py");
        await ScriptFiles.RewriteAsync(script, Version(2));
        var second = await _client.RunAsync($"/{mode}/{python}/edited.py");

        Assert.Equal("version 1\n", first.Text);
        Assert.Equal("version 2\n", second.Text);
        ScriptRuns.AssertWorkers(mode, [first, second]);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_relative_sys_path_entry_finds_the_modules_of_each_scripts_own_folder(string python)
    {
        // sys.path.insert(0, "lib") means the cwd's lib/: the folder without one runs first
        // (the import system caches "nothing at 'lib'"), then the one with it, then again.
        string[] folders = ["site_without_lib", "site_with_lib", "site_without_lib", "site_with_lib"];
        var runs = new List<ScriptRun>();
        foreach (string folder in folders)
        {
            runs.Add(await _client.RunAsync($"/{mode}/{python}/{folder}/relative_import.py"));
        }

        ScriptRuns.AssertWorkers(mode, runs);
        Assert.Equal(["none", "site_with_lib/lib", "none", "site_with_lib/lib"], runs.Select(run => run["siteconf"]));
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_module_beside_the_script_named_like_a_loaded_stdlib_one_is_the_one_the_script_imports(string python)
    {
        // The interpreter has the stdlib's calendar loaded from the first request on; the
        // script's folder comes first in sys.path, so under CGI its calendar.py wins.
        var cold = await _client.RunAsync($"/cold/{python}/shadowing/shadowed.py");
        var first = await _client.RunAsync($"/{mode}/{python}/stdlib_calendar.py");
        var shadowed = await _client.RunAsync($"/{mode}/{python}/shadowing/shadowed.py");
        var again = await _client.RunAsync($"/{mode}/{python}/stdlib_calendar.py");
        // shadowed.py also loaded email.utils, whose chain took the app's calendar: that copy
        // must not serve a later script, which needs the stdlib's calendar.timegm.
        var email = await _client.RunAsync($"/{mode}/{python}/email_date.py");

        ScriptRuns.AssertSameOutput(cold, shadowed, $"{mode} run of shadowing/shadowed.py");
        Assert.Equal("date=816912728", email.Text.Trim());
        Assert.Equal("the app's calendar", shadowed["calendar"]);
        Assert.Equal("the stdlib's", first["calendar"]);
        Assert.Equal("the stdlib's", again["calendar"]);
        Assert.Equal("True", again["isleap"]);
        ScriptRuns.AssertWorkers(mode, [first, shadowed, again, email]);
    }

    [Fact]
    public async Task A_library_zip_rebuilt_between_requests_is_read_as_it_is_now()
    {
        string folder = _site.WorkFile("zip_lib");
        Directory.CreateDirectory(folder);
        var versions = new List<string>();
        foreach (string version in new[] { "1", "two, a longer one", "3" })
        {
            string zip = Path.Combine(folder, "lib.zip");
            File.Delete(zip);
            using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create))
            {
                using var writer = new StreamWriter(archive.CreateEntry("zmod.py").Open());
                writer.Write($"VERSION = {version.Length}\nNAME = '{version}'\n");
            }
            versions.Add((await _client.RunAsync($"/{mode}/py3/zip_lib.py"))["version"]);
        }

        Assert.Equal(["1", "17", "1"], versions);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_vendored_module_put_first_on_sys_path_is_the_one_imported_though_the_worker_has_its_namesake_loaded(string python)
    {
        // As apps vendor six or simplejson: sys.path.insert(0, "vendor"), then the import.
        var stdlib = await _client.RunAsync($"/{mode}/{python}/vendoring.py?stdlib");
        var vendored = await _client.AssertMatchesColdAsync($"{python}/vendoring.py", mode, 2);
        var after = await _client.RunAsync($"/{mode}/{python}/vendoring.py?stdlib");

        Assert.Equal("stdlib", stdlib["colorsys"]);
        Assert.Equal("vendored", vendored[^1]["colorsys"]);
        Assert.Equal("stdlib", after["colorsys"]);
        ScriptRuns.AssertWorkers(mode, [stdlib, .. vendored, after]);
    }
}

/// <summary>A resident worker imports the app's modules afresh for every request it runs.</summary>
public sealed class WarmAppModuleTests(WarmFixture fixture) : AppModuleTests(fixture, "warm"), IClassFixture<WarmFixture>;

/// <summary>A forked child imports the app's modules afresh, as a CGI process does (the parent never loads them).</summary>
public sealed class ForkAppModuleTests(ForkFixture fixture) : AppModuleTests(fixture, "fork"), IClassFixture<ForkFixture>;
