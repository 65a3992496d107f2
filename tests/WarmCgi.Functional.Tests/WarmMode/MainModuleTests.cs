using WarmCgi.Functional.Infrastructure;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// Every request runs the script as a fresh __main__, with CGI's argv, sys.path[0] and cwd.
/// <paramref name="mode"/> is "warm" or "fork": the same scripts under that mapping's prefix.
/// </summary>
public abstract class MainModuleTests(WarmFixture fixture, string mode)
{
    private const string Query = "?hello+big%20world+caf%C3%A9";

    private readonly HttpClient _client = fixture.Client;
    private readonly ScriptSite _site = fixture.Site;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Each_run_in_the_same_worker_gets_a_fresh_main_module_with_its_file_path_and_cwd(string python)
    {
        string folder = Path.Combine(_site["warm"], python);

        var runs = await _client.RunTimesAsync(3, $"/{mode}/{python}/main.py{Query}");

        ScriptRuns.AssertWorkers(mode, runs);
        Assert.All(runs, run =>
        {
            Assert.Equal(200, run.Status);
            Assert.Equal("__main__", run["name"]);
            Assert.Equal("True", run["main module"]);
            Assert.Equal(Path.Combine(folder, "main.py"), run["file"]);
            Assert.Equal(folder, run["path0"]);
            Assert.Equal(folder, run["cwd"]);
            Assert.Equal("False", run["earlier global"]);
            Assert.Equal("Point(3, 4)", run["unpickled"]);
        });
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Sys_argv_holds_the_script_and_the_ISINDEX_words(string python)
    {
        var run = await _client.RunAsync($"/{mode}/{python}/main.py{Query}");

        Assert.StartsWith($"['{Path.Combine(_site["warm"], python, "main.py")}', 'hello', 'big world', 'caf", run["argv"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task What_the_script_reports_is_byte_for_byte_what_a_CGI_process_reports(string python)
    {
        await _client.AssertMatchesColdAsync($"{python}/main.py{Query}", mode);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_NUL_byte_in_the_script_cuts_its_line_as_the_interpreter_reading_the_file_does(string python)
    {
        var runs = await _client.AssertMatchesColdAsync($"{python}/nul_byte.py", mode, 2);

        Assert.Equal("before the NUL\nafter the NUL\n", runs[0].Text);
    }

    [Fact]
    public async Task A_Python_2_script_with_a_non_ASCII_byte_and_no_coding_line_fails_as_under_CGI()
    {
        var cold = await _client.RunAsync("/cold/py2/undeclared_latin1.py");
        var runs = await _client.RunTimesAsync(2, $"/{mode}/py2/undeclared_latin1.py");

        Assert.Equal(502, cold.Status);
        Assert.All(runs, run => Assert.Equal(502, run.Status));
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task ISINDEX_words_with_a_Latin_1_escape_or_a_NUL_are_what_a_CGI_process_gets(string python)
    {
        var runs = await _client.AssertMatchesColdAsync($"{python}/main.py?caf%E9+ab%00cd", mode, 2);

        Assert.EndsWith("main.py', 'caf\\xe9', 'ab']", runs[0]["argv"].Replace("\\udce9", "\\xe9", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task ISINDEX_words_with_shell_metacharacters_are_escaped_as_for_a_CGI_process(string python)
    {
        var runs = await _client.AssertMatchesColdAsync($"{python}/main.py?a;b+%60id%60", mode, 2);

        Assert.EndsWith("main.py', 'a\\\\;b', '\\\\`id\\\\`']", runs[0]["argv"], StringComparison.Ordinal);
    }
}

/// <summary>A resident worker runs each request's script as a fresh __main__, none of the last one's globals left.</summary>
public sealed class WarmMainModuleTests(WarmFixture fixture) : MainModuleTests(fixture, "warm"), IClassFixture<WarmFixture>;

/// <summary>A forked child runs the script as __main__ with the argv, sys.path[0] and cwd of a CGI process.</summary>
public sealed class ForkMainModuleTests(ForkFixture fixture) : MainModuleTests(fixture, "fork"), IClassFixture<ForkFixture>;
