using System.Text.RegularExpressions;

namespace WarmCgi.Functional.WarmMode;

/// <summary>
/// state.py reports signal handlers, the recursion limit, umask, the socket default timeout,
/// logging configuration, the decimal context, sys.path, sys.modules, os.environ,
/// sys.excepthook, certificate checks and urlopen's opener, cgi.maxlen, csv's field limit, the main thread's name, sys attributes a fresh process lacks (an app's cache among them), a monkey-patched socket.socket, an
/// added builtin, the garbage collector's settings, the thread stack size, dlopen flags, the
/// signal wakeup fd, (Python 3) the signal mask and at-fork hooks, and (Python 2) the default encoding, then
/// changes every one of them; warning_filters.py does the same with the
/// warnings filters. Run again and again (in warm mode by the same worker, in fork mode in
/// children of the interpreter), each must report what a fresh CGI process reports.
/// <paramref name="mode"/> is "warm" or "fork": the same scripts under that mapping's prefix.
/// </summary>
public abstract class ProcessStateTests(WarmFixture fixture, string mode)
{
    private readonly HttpClient _client = fixture.Client;

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task What_a_request_changes_in_the_process_is_undone_before_the_next_one(string python)
    {
        var runs = await _client.AssertMatchesColdAsync($"{python}/state.py", mode, 3);

        Assert.Equal("1000", runs[^1]["recursion limit"]);
        Assert.Equal("None", runs[^1]["socket default timeout"]);
        Assert.Equal("unset", runs[^1]["WARMCGI_PROBE"]);
        Assert.Equal("False", runs[^1]["module added to sys.modules"]);
        Assert.Equal("True", runs[^1]["excepthook is the default"]);
        Assert.Equal("True", runs[^1]["https checks certificates"]);
        Assert.Equal("0 csv field limit=131072", runs[^1]["cgi.maxlen"]);
        Assert.Equal("MainThread", runs[^1]["thread name"]);
        Assert.Equal("False", runs[^1]["sys.tracebacklimit set"]);
        Assert.Equal("False", runs[^1]["app cache on sys"]);
        Assert.Equal("False", runs[^1]["socket.socket patched"]);
        Assert.Equal("False", runs[^1]["builtins has _"]);
        Assert.StartsWith("True ", runs[^1]["gc enabled"], StringComparison.Ordinal);
        Assert.Equal("0", runs[^1]["thread stack size"]);
        Assert.Equal("-1", runs[^1]["wakeup fd"]);
        if (python == "py2")
        {
            Assert.Equal("ascii setdefaultencoding=False", runs[^1]["default encoding"]);
            Assert.Equal("False False", runs[^1]["urlopen openers installed"]);
        }
        else
        {
            Assert.Equal("[]", runs[^1]["blocked signals"]);
            Assert.Equal("False", runs[^1]["urlopen opener installed"]);
            Assert.Single(Regex.Matches(runs[^1].Text, "at-fork hook of this request ran"));
        }
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task A_script_leads_its_own_group_and_session_and_its_killpg_reaches_its_own_processes_only(string python)
    {
        // In fork mode the child shared the interpreter's group: killpg took the interpreter down (502).
        var runs = await _client.AssertMatchesColdAsync($"{python}/own_session.py", mode, 3);

        Assert.Equal("True", runs[^1]["group leader"]);
        Assert.Equal("True", runs[^1]["session leader"]);
        Assert.Equal("EPERM", runs[^1]["setsid"]);
        Assert.Equal("-15", runs[^1]["helper returncode"]);
    }

    [Fact]
    public async Task A_del_at_teardown_still_has_the_script_s_imports_and_globals()
    {
        var runs = await _client.AssertMatchesColdAsync("py3/del_globals.py", mode, 3);

        Assert.Equal("generated [\"done\"]", runs[^1]["footer"]);
    }

    [Fact]
    public async Task A_file_lock_a_PyPy_script_never_released_is_released_at_its_end()
    {
        // PyPy's compiled code kept the script's globals alive: the next request found the lock held.
        var runs = await _client.AssertMatchesColdAsync("mixed/pypy_lock.py", mode, 3);

        Assert.Equal("acquired", runs[^1]["lock"]);
    }

    [Fact]
    public async Task A_profiler_and_a_faulthandler_watchdog_a_script_leaves_behind_end_with_its_request()
    {
        // The profiler broke the worker's teardown (502); the watchdog cut a later request short.
        var armed = await _client.AssertMatchesColdAsync("py3/leftover_hooks.py?arm", mode, 2);
        var waited = await _client.RunAsync($"/{mode}/py3/leftover_hooks.py?wait");

        Assert.Equal("faulthandler enabled=False\narmed\n", armed[^1].Text);
        Assert.Equal("faulthandler enabled=False\nwoke\n", waited.Text);
        if (mode == "warm")
        {
            Assert.Equal(armed[^1].Pid, waited.Pid);
        }
    }

    [Fact]
    public async Task A_profiler_a_Python_2_script_leaves_behind_ends_with_its_request()
    {
        var runs = await _client.AssertMatchesColdAsync("py2/leftover_hooks.py", mode, 3);

        Assert.Equal("profiled\n", runs[^1].Text);
    }

    [Theory]
    [InlineData("py3")]
    [InlineData("py2")]
    public async Task Warnings_filters_changed_by_a_request_are_those_of_a_fresh_process_in_the_next(string python)
    {
        await _client.AssertMatchesColdAsync($"{python}/warning_filters.py", mode, 3);
    }

    [Fact]
    public async Task Finalizers_a_timezone_and_reference_cycles_of_a_request_end_with_it_in_Python_3()
    {
        var runs = await _client.AssertMatchesColdAsync("py3/leftovers.py", mode, 3);

        Assert.All(runs, run =>
        {
            Assert.Equal("('UTC', 'UTC') timezone=0", run["tzname"]);
            Assert.Equal("ran when its object went", run["finalizer"]);
            Assert.Equal("ran at exit", run["exit finalizer"]);
            Assert.Equal("printed by a cycle's __del__ at teardown", run["footer"]);
        });
    }

    [Fact]
    public async Task A_timezone_a_teardown_del_and_a_pending_print_comma_end_with_their_request_in_Python_2()
    {
        var runs = await _client.AssertMatchesColdAsync("py2/leftovers.py", mode, 3);

        Assert.All(runs, run =>
        {
            Assert.Equal("('UTC', 'UTC') timezone=0", run["tzname"]);
            Assert.Contains("last words\n", run.Text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task A_TZ_a_Python_2_script_sets_before_it_imports_time_is_the_zone_of_its_local_dates()
    {
        var runs = await _client.AssertMatchesColdAsync("py2/tz_before_time.py", mode, 3);

        Assert.Equal("Tue, 14 Nov 2023 23:13:20 +0100", runs[^1]["date"]);
        // ... and one set after something imported time keeps the zone time read at its import.
        var after = await _client.AssertMatchesColdAsync("py2/tz_after_time.py", mode, 3);
        Assert.DoesNotContain("CET", after[^1].Text, StringComparison.Ordinal);
    }
}

/// <summary>A resident worker undoes what each request changed in the process before the next one runs.</summary>
public sealed class WarmProcessStateTests(WarmFixture fixture) : ProcessStateTests(fixture, "warm"), IClassFixture<WarmFixture>;

/// <summary>A forked child starts from the state of a fresh process, whatever the children before it changed.</summary>
public sealed class ForkProcessStateTests(ForkFixture fixture) : ProcessStateTests(fixture, "fork"), IClassFixture<ForkFixture>;
