namespace WarmCgi.Functional.WarmMode;

public sealed class PoolSelectionFixture : WarmFixture
{
    public const string ConfiguredPython = "/opt/python2.7/bin/python2.7";

    public override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Python"] = ConfiguredPython;
        return settings;
    }
}

/// <summary>A pool per interpreter that the #! lines name; the configured Python for .py files without one; anything else cold.</summary>
public sealed class PoolSelectionTests(PoolSelectionFixture fixture) : IClassFixture<PoolSelectionFixture>
{
    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task A_2_7_script_and_a_3_11_script_in_one_folder_each_get_a_pool_of_their_own()
    {
        var runs = new List<(ScriptRun Old, ScriptRun New)>();
        for (int i = 0; i < 3; i++)
        {
            runs.Add((await _client.RunAsync("/warm/mixed/v27.py"), await _client.RunAsync("/warm/mixed/v3.py")));
        }

        Assert.All(runs, pair => Assert.StartsWith("2.7.", pair.Old["version"], StringComparison.Ordinal));
        Assert.All(runs, pair => Assert.StartsWith("3.11.", pair.New["version"], StringComparison.Ordinal));
        ScriptRuns.AssertSameWorker(runs.Select(pair => pair.Old));
        ScriptRuns.AssertSameWorker(runs.Select(pair => pair.New));
        Assert.NotEqual(runs[0].Old.Pid, runs[0].New.Pid);
    }

    [Fact]
    public async Task A_py_file_without_a_shebang_line_runs_in_the_pool_of_the_configured_Python()
    {
        var plain = await _client.RunAsync("/warm/mixed/no_shebang.py");
        var named = await _client.RunAsync("/warm/mixed/v27.py");

        Assert.Equal(200, plain.Status);
        Assert.StartsWith("2.7.", plain["version"], StringComparison.Ordinal);
        ScriptRuns.AssertSameWorker([plain, named]);
    }

    [Theory]
    [InlineData("hello.sh")]
    [InlineData("hello.pl")]
    public async Task A_script_in_another_language_runs_cold_in_a_warm_mapping(string script)
    {
        var runs = await _client.RunTimesAsync(2, "/warm/mixed/" + script);

        Assert.All(runs, run => Assert.Equal($"{Environment.ProcessId}", run["ppid"]));
        Assert.NotEqual(runs[0]["pid"], runs[1]["pid"]);
    }

    [Fact]
    public async Task A_PyPy_script_runs_in_a_resident_PyPy_interpreter()
    {
        var runs = await _client.RunTimesAsync(2, "/warm/mixed/pypy.py");

        Assert.All(runs, run => Assert.Equal("PyPy", run["implementation"]));
        ScriptRuns.AssertSameWorker(runs);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_mappings_SetEnv_PYTHONPATH_reaches_the_interpreter_as_it_starts(string python)
    {
        // Python reads PYTHONPATH once, at start-up: the mapping that sets it gets workers
        // started with it; the mapping beside it, without, does not see its modules.
        var with = await _client.RunTimesAsync(2, $"/warm-pythonpath/{python}/uses_pythonpath.py");
        var without = await _client.RunAsync($"/warm/{python}/uses_pythonpath.py");

        ScriptRuns.AssertSameWorker(with);
        Assert.All(with, run => Assert.Equal("PYTHONPATH", run["sharedlib"]));
        Assert.Equal("none", without["sharedlib"]);
        Assert.NotEqual(with[0].Pid, without.Pid);
    }
}
